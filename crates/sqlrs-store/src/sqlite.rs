//! [`Store`] on one SQLite file.
//!
//! One connection behind a mutex: the engine's writes are small and the queue must see
//! them in order. WAL lets a reader (a second engine refusing to start, a debugging
//! `sqlite3`) look without blocking; foreign keys keep instances from outliving states and
//! events from outliving jobs.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, Row, params};
use sqlrs_schema::{
    ErrorResponse, Event, InstanceEntry, InstanceId, InstanceStatus, JobId, JobStatus, NameEntry,
    NameStatus, PlanTask, PrepareJobEntry, PrepareJobStatus, PrepareResult, StateEntry, StateId,
    TaskEntry, TaskStatus,
};

use crate::{InstanceRow, JobRow, StateRow, Store, StoreError, schema};

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings it up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::with(Connection::open(path)?)
    }

    /// A store in memory (for tests of code that uses a store).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::with(Connection::open_in_memory()?)
    }

    fn with(mut conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-done transaction behind (SQLite
        // rolls it back), so the connection is still good.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The wire word of a unit enum (`psql`, `running`): the schema's serde names, so the
/// store and the API spell statuses and kinds alike.
fn word<T: serde::Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The unit enum a stored word names.
fn from_word<T: serde::de::DeserializeOwned>(what: &'static str, s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| StoreError::corrupt(what, s))
}

/// A stored JSON column, when set.
fn parse_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: Option<String>,
) -> Result<Option<T>, StoreError> {
    text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::corrupt(what, e)))
        .transpose()
}

fn state_id(s: &str) -> Result<StateId, StoreError> {
    StateId::parse(s).map_err(|e| StoreError::corrupt("state id", e))
}

fn opt_u64(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

fn to_i64(v: Option<u64>) -> Option<i64> {
    v.and_then(|n| i64::try_from(n).ok())
}

const STATE_COLUMNS: &str = "s.state_id, s.parent_state_id, s.image_id, s.prepare_kind, \
     s.prepare_args_normalized, s.created_at, s.size_bytes, s.last_used_at, s.use_count, \
     s.min_retention_until, (SELECT COUNT(*) FROM instances i WHERE i.state_id = s.state_id)";

/// The raw columns of a state, read inside the row callback.
type StateCols = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
    i64,
);

fn state_cols(r: &Row<'_>) -> rusqlite::Result<StateCols> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

fn state_entry(c: StateCols) -> Result<StateEntry, StoreError> {
    Ok(StateEntry {
        state_id: state_id(&c.0)?,
        parent_state_id: c.1.as_deref().map(state_id).transpose()?,
        image_id: c.2,
        prepare_kind: from_word("prepare kind", &c.3)?,
        prepare_args_normalized: c.4,
        created_at: c.5,
        size_bytes: opt_u64(c.6),
        last_used_at: c.7,
        use_count: opt_u64(Some(c.8)),
        min_retention_until: c.9,
        refcount: opt_u64(Some(c.10)).unwrap_or(0),
    })
}

impl SqliteStore {
    /// The names (all, or the one called `only`).
    fn names_where(&self, only: Option<&str>) -> Result<Vec<NameEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT name, instance_id, state_id, state_fingerprint, image_id, last_used_at FROM names \
             WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
        )?;
        let rows = stmt.query_map([only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (name, instance, state, fingerprint, image_id, last_used_at) = row?;
            let instance_id = instance
                .map(|i| InstanceId::parse(&i).map_err(|e| StoreError::corrupt("instance id", e)))
                .transpose()?;
            Ok(NameEntry {
                name,
                status: if instance_id.is_some() {
                    NameStatus::Active
                } else {
                    NameStatus::Missing
                },
                instance_id,
                image_id,
                state_id: state_id(&state)?,
                state_fingerprint: fingerprint,
                last_used_at,
            })
        })
        .collect()
    }
}

impl Store for SqliteStore {
    fn put_state(&self, s: &StateRow) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "INSERT OR IGNORE INTO states(state_id, parent_state_id, image_id, prepare_kind, \
             prepare_args_normalized, created_at, size_bytes, build_ms, last_used_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?6)",
            params![
                s.state_id.as_str(),
                s.parent_state_id.as_ref().map(StateId::as_str),
                s.image_id,
                word(s.prepare_kind),
                s.prepare_args_normalized,
                s.created_at,
                to_i64(s.size_bytes),
                to_i64(s.build_ms),
            ],
        )?;
        Ok(n == 1)
    }

    fn state(&self, id: &StateId) -> Result<Option<StateEntry>, StoreError> {
        let sql = format!("SELECT {STATE_COLUMNS} FROM states s WHERE s.state_id = ?1");
        let cols = self
            .conn()
            .query_row(&sql, [id.as_str()], state_cols)
            .optional()?;
        cols.map(state_entry).transpose()
    }

    fn states(&self) -> Result<Vec<StateEntry>, StoreError> {
        let sql = format!("SELECT {STATE_COLUMNS} FROM states s ORDER BY s.created_at, s.state_id");
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], state_cols)?;
        rows.map(|r| state_entry(r?)).collect()
    }

    fn children(&self, id: &StateId) -> Result<Vec<StateId>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT state_id FROM states WHERE parent_state_id = ?1 ORDER BY created_at, state_id",
        )?;
        let rows = stmt.query_map([id.as_str()], |r| r.get::<_, String>(0))?;
        rows.map(|r| state_id(&r?)).collect()
    }

    fn delete_state(&self, id: &StateId) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM states WHERE state_id = ?1", [id.as_str()])?;
        Ok(())
    }

    fn put_instance(&self, i: &InstanceRow) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let known: bool = tx
            .query_row(
                "SELECT 1 FROM states WHERE state_id = ?1",
                [i.state_id.as_str()],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if !known {
            return Err(StoreError::Missing(format!(
                "state `{}` is not stored",
                i.state_id
            )));
        }
        tx.execute(
            "INSERT INTO instances(instance_id, state_id, image_id, created_at, runtime_id, data_dir, port) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                i.instance_id.as_str(),
                i.state_id.as_str(),
                i.image_id,
                i.created_at,
                i.runtime_id,
                i.data_dir,
                i.port
            ],
        )?;
        tx.execute(
            "UPDATE states SET last_used_at = ?2, use_count = use_count + 1 WHERE state_id = ?1",
            params![i.state_id.as_str(), i.created_at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn instance(
        &self,
        id: &InstanceId,
    ) -> Result<Option<(InstanceEntry, InstanceRow)>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT i.instance_id, i.state_id, i.image_id, i.created_at, i.expires_at, \
                 i.runtime_id, i.data_dir, i.port, (SELECT n.name FROM names n WHERE n.instance_id = i.instance_id) \
                 FROM instances i WHERE i.instance_id = ?1",
                [id.as_str()],
                |r| {
                    Ok((
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Option<u16>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                    ))
                },
            )
            .optional()?;
        let Some((state, image_id, created_at, expires_at, runtime_id, data_dir, port, name)) = row
        else {
            return Ok(None);
        };
        let state_id = state_id(&state)?;
        let status = if name.is_some() {
            InstanceStatus::Active
        } else {
            InstanceStatus::Orphaned
        };
        let entry = InstanceEntry {
            instance_id: id.clone(),
            image_id: image_id.clone(),
            state_id: state_id.clone(),
            name,
            created_at: created_at.clone(),
            expires_at,
            runtime_id: runtime_id.clone(),
            status,
        };
        let row = InstanceRow {
            instance_id: id.clone(),
            state_id,
            image_id,
            created_at,
            runtime_id,
            data_dir,
            port,
        };
        Ok(Some((entry, row)))
    }

    fn instances(&self) -> Result<Vec<InstanceEntry>, StoreError> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt =
                conn.prepare("SELECT instance_id FROM instances ORDER BY created_at, instance_id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id = InstanceId::parse(&id).map_err(|e| StoreError::corrupt("instance id", e))?;
            if let Some((entry, _)) = self.instance(&id)? {
                out.push(entry);
            }
        }
        Ok(out)
    }

    fn delete_instance(&self, id: &InstanceId) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM instances WHERE instance_id = ?1",
            [id.as_str()],
        )?;
        Ok(())
    }

    fn put_name(
        &self,
        name: &str,
        instance: &InstanceId,
        state: &StateId,
        image_id: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO names(name, instance_id, state_id, state_fingerprint, image_id, last_used_at) \
             VALUES (?1, ?2, ?3, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET \
             instance_id = excluded.instance_id, state_id = excluded.state_id, \
             state_fingerprint = excluded.state_fingerprint, image_id = excluded.image_id, \
             last_used_at = excluded.last_used_at",
            params![name, instance.as_str(), state.as_str(), image_id, now],
        )?;
        Ok(())
    }

    fn name(&self, name: &str) -> Result<Option<NameEntry>, StoreError> {
        Ok(self.names_where(Some(name))?.pop())
    }

    fn names(&self) -> Result<Vec<NameEntry>, StoreError> {
        self.names_where(None)
    }

    fn create_job(&self, j: &JobRow) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO jobs(job_id, status, prepare_kind, image_id, plan_only, \
             prepare_args_normalized, signature, request_json, created_at) \
             VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                j.job_id.as_str(),
                word(j.prepare_kind),
                j.image_id,
                j.plan_only,
                j.prepare_args_normalized,
                j.signature,
                j.request_json,
                j.created_at
            ],
        )?;
        Ok(())
    }

    fn job(&self, id: &JobId) -> Result<Option<PrepareJobStatus>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT status, prepare_kind, image_id, plan_only, prepare_args_normalized, \
                 created_at, started_at, finished_at, result_json, error_json FROM jobs WHERE job_id = ?1",
                [id.as_str()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, Option<String>>(9)?,
                    ))
                },
            )
            .optional()?;
        let Some(c) = row else { return Ok(None) };
        let mut stmt =
            conn.prepare("SELECT task_json FROM tasks WHERE job_id = ?1 ORDER BY position")?;
        let tasks = stmt
            .query_map([id.as_str()], |r| r.get::<_, String>(0))?
            .map(|t| {
                serde_json::from_str::<PlanTask>(&t?).map_err(|e| StoreError::corrupt("task", e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(PrepareJobStatus {
            job_id: id.clone(),
            status: from_word("job status", &c.0)?,
            prepare_kind: from_word("prepare kind", &c.1)?,
            image_id: c.2,
            plan_only: c.3,
            prepare_args_normalized: c.4,
            created_at: c.5,
            started_at: c.6,
            finished_at: c.7,
            tasks,
            result: parse_json("job result", c.8)?,
            error: parse_json("job error", c.9)?,
        }))
    }

    fn set_job_status(&self, id: &JobId, status: JobStatus, at: &str) -> Result<(), StoreError> {
        let sql = match status {
            JobStatus::Queued => "UPDATE jobs SET status = ?2 WHERE job_id = ?1",
            JobStatus::Running => {
                "UPDATE jobs SET status = ?2, started_at = COALESCE(started_at, ?3) WHERE job_id = ?1"
            }
            JobStatus::Succeeded | JobStatus::Failed => {
                "UPDATE jobs SET status = ?2, finished_at = ?3 WHERE job_id = ?1"
            }
        };
        let conn = self.conn();
        let n = if status == JobStatus::Queued {
            conn.execute(sql, params![id.as_str(), word(status)])?
        } else {
            conn.execute(sql, params![id.as_str(), word(status), at])?
        };
        if n == 0 {
            return Err(StoreError::Missing(format!("job `{id}` is not stored")));
        }
        Ok(())
    }

    fn finish_job(
        &self,
        id: &JobId,
        at: &str,
        outcome: Result<Option<&PrepareResult>, &ErrorResponse>,
    ) -> Result<(), StoreError> {
        let encode = |v: Result<String, serde_json::Error>| {
            v.map_err(|e| StoreError::corrupt("job outcome", e))
        };
        let (status, result, error) = match outcome {
            Ok(r) => (
                JobStatus::Succeeded,
                r.map(|r| encode(serde_json::to_string(r))).transpose()?,
                None,
            ),
            Err(e) => (
                JobStatus::Failed,
                None,
                Some(encode(serde_json::to_string(e))?),
            ),
        };
        let n = self.conn().execute(
            "UPDATE jobs SET status = ?2, finished_at = ?3, result_json = ?4, error_json = ?5              WHERE job_id = ?1",
            params![id.as_str(), word(status), at, result, error],
        )?;
        if n == 0 {
            return Err(StoreError::Missing(format!("job `{id}` is not stored")));
        }
        Ok(())
    }

    fn jobs(&self) -> Result<Vec<PrepareJobEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT job_id, status, prepare_kind, image_id, prepare_args_normalized, signature, \
             plan_only, created_at, started_at, finished_at FROM jobs ORDER BY created_at, job_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                (r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                (r.get::<_, String>(4)?, r.get::<_, Option<String>>(5)?),
                (r.get::<_, bool>(6)?, r.get::<_, String>(7)?),
                (
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ),
            ))
        })?;
        rows.map(|row| {
            let (id, kind, args, plan, times) = row?;
            Ok(PrepareJobEntry {
                job_id: JobId::parse(&id.0).map_err(|e| StoreError::corrupt("job id", e))?,
                status: from_word("job status", &id.1)?,
                prepare_kind: from_word("prepare kind", &kind.0)?,
                resolved_image_id: Some(kind.1.clone()),
                image_id: kind.1,
                prepare_args_normalized: args.0,
                signature: args.1,
                plan_only: plan.0,
                created_at: plan.1,
                started_at: times.0,
                finished_at: times.1,
            })
        })
        .collect()
    }

    fn delete_job(&self, id: &JobId) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM jobs WHERE job_id = ?1", [id.as_str()])?;
        Ok(())
    }

    fn set_tasks(&self, id: &JobId, tasks: &[(PlanTask, String)]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM tasks WHERE job_id = ?1", [id.as_str()])?;
        for (i, (t, summary)) in tasks.iter().enumerate() {
            let json = serde_json::to_string(t).map_err(|e| StoreError::corrupt("task", e))?;
            tx.execute(
                "INSERT INTO tasks(job_id, position, task_id, status, args_summary, task_json) \
                 VALUES (?1, ?2, ?3, 'queued', ?4, ?5)",
                params![
                    id.as_str(),
                    i64::try_from(i).unwrap_or(i64::MAX),
                    t.task_id,
                    summary,
                    json
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn tasks(&self, job: Option<&JobId>) -> Result<Vec<TaskEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT t.job_id, t.status, t.args_summary, t.task_json FROM tasks t \
             JOIN jobs j ON j.job_id = t.job_id WHERE ?1 IS NULL OR t.job_id = ?1 \
             ORDER BY j.created_at, t.job_id, t.position",
        )?;
        let rows = stmt.query_map([job.map(JobId::as_str)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (id, status, summary, json) = row?;
            Ok(TaskEntry {
                job_id: JobId::parse(&id).map_err(|e| StoreError::corrupt("job id", e))?,
                status: from_word("task status", &status)?,
                args_summary: summary,
                task: serde_json::from_str(&json).map_err(|e| StoreError::corrupt("task", e))?,
            })
        })
        .collect()
    }

    fn set_task_status(
        &self,
        id: &JobId,
        task_id: &str,
        status: TaskStatus,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE tasks SET status = ?3 WHERE job_id = ?1 AND task_id = ?2",
            params![id.as_str(), task_id, word(status)],
        )?;
        Ok(())
    }

    fn append_event(&self, id: &JobId, event: &Event) -> Result<u64, StoreError> {
        let json = serde_json::to_string(event).map_err(|e| StoreError::corrupt("event", e))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO events(job_id, event_json) VALUES (?1, ?2)",
            params![id.as_str(), json],
        )?;
        let count: i64 = tx.query_row(
            "SELECT COUNT(*) FROM events WHERE job_id = ?1",
            [id.as_str()],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(opt_u64(Some(count - 1)).unwrap_or(0))
    }

    fn events(&self, id: &JobId, from: u64) -> Result<Vec<Event>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT event_json FROM events WHERE job_id = ?1 ORDER BY seq LIMIT -1 OFFSET ?2",
        )?;
        let rows = stmt.query_map(
            params![id.as_str(), to_i64(Some(from)).unwrap_or(i64::MAX)],
            |r| r.get::<_, String>(0),
        )?;
        rows.map(|e| serde_json::from_str(&e?).map_err(|e| StoreError::corrupt("event", e)))
            .collect()
    }

    fn unfinished_jobs(&self) -> Result<Vec<(JobId, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT job_id, request_json FROM jobs WHERE status IN ('queued', 'running') \
             ORDER BY created_at, job_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (id, req) = r?;
            let id = JobId::parse(&id).map_err(|e| StoreError::corrupt("job id", e))?;
            Ok((id, req))
        })
        .collect()
    }
}
