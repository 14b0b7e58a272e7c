//! The tables, and bringing a database file up to date.

use rusqlite::Connection;

use crate::StoreError;

/// The newest schema version.
pub(crate) const VERSION: i64 = 1;

/// Version 1.
const V1: &str = "
CREATE TABLE states(
  state_id TEXT PRIMARY KEY,
  parent_state_id TEXT REFERENCES states(state_id),
  image_id TEXT NOT NULL,
  prepare_kind TEXT NOT NULL,
  prepare_args_normalized TEXT NOT NULL,
  created_at TEXT NOT NULL,
  size_bytes INTEGER,
  build_ms INTEGER,
  last_used_at TEXT,
  use_count INTEGER NOT NULL DEFAULT 0,
  min_retention_until TEXT
);
CREATE INDEX states_parent ON states(parent_state_id);
CREATE TABLE instances(
  instance_id TEXT PRIMARY KEY,
  state_id TEXT NOT NULL REFERENCES states(state_id),
  image_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  runtime_id TEXT,
  data_dir TEXT NOT NULL,
  port INTEGER
);
CREATE INDEX instances_state ON instances(state_id);
CREATE TABLE names(
  name TEXT PRIMARY KEY,
  instance_id TEXT REFERENCES instances(instance_id) ON DELETE SET NULL,
  state_id TEXT NOT NULL,
  state_fingerprint TEXT NOT NULL,
  image_id TEXT NOT NULL,
  last_used_at TEXT
);
CREATE TABLE jobs(
  job_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  prepare_kind TEXT NOT NULL,
  image_id TEXT NOT NULL,
  plan_only INTEGER NOT NULL,
  prepare_args_normalized TEXT NOT NULL,
  signature TEXT,
  request_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  result_json TEXT,
  error_json TEXT
);
CREATE INDEX jobs_status ON jobs(status);
CREATE TABLE tasks(
  job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  task_id TEXT NOT NULL,
  status TEXT NOT NULL,
  args_summary TEXT NOT NULL,
  task_json TEXT NOT NULL,
  PRIMARY KEY(job_id, task_id)
);
CREATE TABLE events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
  event_json TEXT NOT NULL
);
CREATE INDEX events_job ON events(job_id, seq);
";

/// Brings `conn` to [`VERSION`] in one transaction; refuses a newer file.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(StoreError::TooNew {
            found,
            known: VERSION,
        });
    }
    if found == VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    if found < 1 {
        tx.execute_batch(V1)?;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}
