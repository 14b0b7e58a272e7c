//! Planning and executing a psql prepare.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use infra_process::{Interrupt, ProcessError};
use sqlrs_args::{PsqlInput, parse_psql};
use sqlrs_hash::{Fingerprint, InputRef, PsqlStep, chain, expand, psql_task_hash};
use sqlrs_runtime::{NativeRuntime, Owner, Runtime, RuntimeError};
use sqlrs_schema::{InstanceId, PrepareKind, StateId, TaskStatus};
use sqlrs_statefs::{Backend, Layout, publish};
use sqlrs_store::{InstanceRow, StateRow, Store};

use crate::{Observer, PlannedStep, PrepareError, PsqlPlan, ids};

/// The largest script (or included file) a step reads: it is held in memory and fed to
/// psql as it is; larger inputs belong in a `\copy` or a restore.
pub const MAX_SCRIPT: u64 = 1024 * 1024 * 1024;

/// The engine directory name of native PostgreSQL builds.
const ENGINE: &str = "postgres";

/// What a prepare handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The final state.
    pub state_id: StateId,
    /// The instance.
    pub instance_id: InstanceId,
    /// How to connect.
    pub dsn: String,
    /// How many steps were built (the rest came from the cache).
    pub built: usize,
}

/// Prepares states and instances with one store, layout, backend and runtime.
pub struct Preparer<'a> {
    /// The metadata.
    pub store: &'a dyn Store,
    /// The state store's paths.
    pub layout: &'a Layout,
    /// How data directories are copied.
    pub backend: &'a dyn Backend,
    /// How PostgreSQL runs.
    pub runtime: &'a dyn Runtime,
    /// Stops the tools when set (a cancelled job, SIGINT/SIGTERM).
    pub interrupt: &'a Interrupt,
    /// Told about each task and log line.
    pub observer: &'a dyn Observer,
    /// Held while states are built or cloned (see [`Preparer::execute`]).
    pub lock: &'a Mutex<()>,
}

/// The schema's id of a hash crate's state id (both are the same 64 hex digits, so the
/// conversion cannot fail; the all-zero id stands in should it ever).
pub(crate) fn schema_id(id: &sqlrs_hash::StateId) -> StateId {
    StateId::parse(&id.to_hex()).unwrap_or_else(|_| StateId::zero())
}

/// The directory name of a base: short, stable, not the version text itself.
pub(crate) fn version_dir(base: &str) -> String {
    let mut f = Fingerprint::new("sqlrs-base-dir-v1");
    f.field("base", base.as_bytes());
    f.finish().to_hex()[..16].to_string()
}

/// `options` for display: the values of `-v NAME=value` shown as `NAME=…` (they may be
/// passwords; the hash uses the real ones), `ON_ERROR_STOP` as it is.
fn redact_variables(options: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(options.len());
    let mut after_v = false;
    for o in options {
        if after_v && !o.starts_with("ON_ERROR_STOP=") {
            let name = o.split_once('=').map_or(o.as_str(), |(n, _)| n);
            out.push(format!("{name}=…"));
        } else {
            out.push(o.clone());
        }
        after_v = o == "-v";
    }
    out
}

/// Where the state `id` built on `base` lives.
pub fn state_dir(layout: &Layout, base: &str, id: &str) -> PathBuf {
    layout.state(ENGINE, &version_dir(base), id)
}

/// The 1-based line psql names in `psql:<stdin>:LINE: ERROR: …`.
fn stdin_line(output: &str) -> Option<usize> {
    let rest = &output[output.find("<stdin>:")? + "<stdin>:".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl Preparer<'_> {
    /// What the first step of every prepare applies to: this PostgreSQL build and the
    /// initdb settings sqlrs uses.
    pub fn base_id(&self) -> Result<String, PrepareError> {
        let version = self.runtime.server_version(self.interrupt)?;
        Ok(format!(
            "{}|{version}|initdb:UTF8,C,{}",
            self.runtime.name(),
            if self.runtime.password().is_some() {
                "scram"
            } else {
                "trust"
            }
        ))
    }

    /// Plans `psql_args` (with `stdin` for `-f -`; relative paths from `work_dir`).
    pub fn plan_psql(
        &self,
        psql_args: &[String],
        stdin: Option<&[u8]>,
        work_dir: &Path,
    ) -> Result<PsqlPlan, PrepareError> {
        let args = parse_psql(psql_args, stdin.is_some())?;
        let base = self.base_id()?;
        let mut input = InputRef::Base(base.clone());
        let mut steps = Vec::new();
        for i in &args.inputs {
            let (content, summary, expanded) = match i {
                PsqlInput::File(p) => {
                    let e = expand(p, work_dir, &mut |path| {
                        infra_fs::read_regular_file(path, MAX_SCRIPT, "an SQL script")
                    })?;
                    (e.bytes.clone(), format!("-f {}", p.display()), Some(e))
                }
                PsqlInput::Command(sql) => (sql.as_bytes().to_vec(), format!("-c {sql}"), None),
                PsqlInput::Stdin => (stdin.unwrap_or_default().to_vec(), "-f -".to_string(), None),
            };
            let task = psql_task_hash(
                &PsqlStep {
                    content: &content,
                    options: &args.options,
                },
                &base,
            );
            let id = chain(&input, &task);
            let cached = self.store.state(&schema_id(&id))?.is_some();
            steps.push(PlannedStep {
                input: input.clone(),
                task_hash: task.to_hex(),
                state_id: id,
                cached,
                content,
                summary,
                expanded,
                changeset: None,
            });
            input = InputRef::State(id);
        }
        let mut all = redact_variables(&args.options);
        all.extend(steps.iter().map(|s| s.summary.clone()));
        Ok(PsqlPlan {
            kind: PrepareKind::Psql,
            lb: None,
            base,
            options: args.options,
            steps,
            args_normalized: all.join(" "),
        })
    }

    /// Builds what `plan` misses and hands out an instance of its final state; `now` is
    /// the time to record (RFC 3339, UTC).
    ///
    /// Building and cloning happen under [`Preparer::lock`], and the cache is re-read
    /// under it: two identical prepares build each state once, and a delete (which takes
    /// the same lock) never removes a state while it is being built on or cloned.
    pub fn execute(&self, plan: &PsqlPlan, now: &str) -> Result<Prepared, PrepareError> {
        let Some(final_state) = plan.final_state() else {
            return Err(PrepareError::Args(sqlrs_args::ArgsError {
                index: None,
                message: "give at least one input: `-f FILE`, `-c SQL` or `-f -` (stdin)".into(),
            }));
        };
        let version = version_dir(&plan.base);
        let states_dir = self.layout.states(ENGINE, &version);
        let guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let first = self.first_missing(plan)?;
        for i in 0..first {
            self.observer.log(&format!("execute-{i}: cached"));
            self.observer
                .task(&format!("execute-{i}"), TaskStatus::Succeeded);
        }
        let mut built = 0;
        if first < plan.steps.len() {
            let source = match first {
                0 => self.ensure_base(&version)?,
                k => states_dir.join(plan.steps[k - 1].state_id.to_hex()),
            };
            built = self.build_in_job_dir(plan, first, &source, &states_dir, now)?;
        }
        self.check_cancel()?;
        self.observer.task("prepare-instance", TaskStatus::Running);
        let state_id = schema_id(final_state);
        let instance_id = ids::instance_id()?;
        let data = self.layout.instance_data(instance_id.as_str());
        create_parent(&data)?;
        let cloning = std::time::Instant::now();
        self.backend
            .clone_tree(&states_dir.join(final_state.to_hex()), &data)?;
        self.observer.log(&format!(
            "{}: cloned the state in {:.1} ms",
            self.backend.name(),
            cloning.elapsed().as_secs_f64() * 1000.0
        ));
        let port = NativeRuntime::free_port()?;
        self.store.put_instance(&InstanceRow {
            instance_id: instance_id.clone(),
            state_id: state_id.clone(),
            image_id: plan.base.clone(),
            created_at: now.to_string(),
            runtime_id: None,
            data_dir: data.display().to_string(),
            port: Some(port),
        })?;
        // Started under the lock too: a delete waiting for it then finds a running
        // instance, never one whose files vanish while its server starts.
        let owner = Owner::Instance(instance_id.to_string());
        let started = self.runtime.start(&data, port, &owner, self.interrupt);
        if let Err(e) = started {
            let _ = self.store.delete_instance(&instance_id);
            let _ = self.backend.remove(&data);
            let _ = data.parent().map(std::fs::remove_dir);
            self.observer.task("prepare-instance", TaskStatus::Failed);
            return Err(e.into());
        }
        drop(guard);
        self.observer
            .log(&format!("instance created {}", instance_id.as_str()));
        self.observer
            .task("prepare-instance", TaskStatus::Succeeded);
        Ok(Prepared {
            state_id,
            instance_id,
            dsn: sqlrs_runtime::dsn(port, self.runtime.password()),
            built,
        })
    }

    /// The first step whose state is not stored now (the plan's flags may be stale).
    fn first_missing(&self, plan: &PsqlPlan) -> Result<usize, PrepareError> {
        for (i, step) in plan.steps.iter().enumerate() {
            if self.store.state(&schema_id(&step.state_id))?.is_none() {
                return Ok(i);
            }
        }
        Ok(plan.steps.len())
    }

    /// Fails with [`PrepareError::Cancelled`] once the job is cancelled.
    fn check_cancel(&self) -> Result<(), PrepareError> {
        if self.interrupt.is_set() {
            return Err(PrepareError::Cancelled);
        }
        Ok(())
    }

    /// Clones `source` into a scratch job directory, builds steps `first..` there and
    /// removes the scratch whatever happened.
    fn build_in_job_dir(
        &self,
        plan: &PsqlPlan,
        first: usize,
        source: &Path,
        states_dir: &Path,
        now: &str,
    ) -> Result<usize, PrepareError> {
        let job = ids::job_id()?;
        let runtime_dir = self.layout.job_runtime(job.as_str());
        let job_dir = runtime_dir
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        create_parent(&runtime_dir)?;
        self.backend.clone_tree(source, &runtime_dir)?;
        let owner = Owner::Job(job.to_string());
        let result = self.build(plan, first, (&runtime_dir, &owner), states_dir, now);
        let _ = self.backend.remove(&runtime_dir);
        let _ = std::fs::remove_dir_all(&job_dir);
        result
    }

    /// Runs steps `first..` in the server of `runtime_dir`, publishing a state after each.
    fn build(
        &self,
        plan: &PsqlPlan,
        first: usize,
        (runtime_dir, owner): (&Path, &Owner),
        states_dir: &Path,
        now: &str,
    ) -> Result<usize, PrepareError> {
        let port = NativeRuntime::free_port()?;
        self.runtime
            .start(runtime_dir, port, owner, self.interrupt)?;
        for (i, step) in plan.steps.iter().enumerate().skip(first) {
            let task = format!("execute-{i}");
            let started = std::time::Instant::now();
            self.observer.task(&task, TaskStatus::Running);
            let ran = self
                .check_cancel()
                .and_then(|()| self.apply_step(plan, i, port));
            if let Err(e) = ran {
                let _ = self.runtime.stop(runtime_dir, &Interrupt::none());
                self.observer.task(&task, TaskStatus::Failed);
                return Err(if self.interrupt.is_set() {
                    PrepareError::Cancelled
                } else {
                    e
                });
            }
            self.observer.log("pg_ctl: stop for snapshot");
            self.runtime.stop(runtime_dir, self.interrupt)?;
            publish(
                self.backend,
                runtime_dir,
                states_dir,
                &step.state_id.to_hex(),
            )?;
            let parent = match &step.input {
                InputRef::State(s) => Some(schema_id(s)),
                InputRef::Base(_) => None,
            };
            self.store.put_state(&StateRow {
                state_id: schema_id(&step.state_id),
                parent_state_id: parent,
                image_id: plan.base.clone(),
                prepare_kind: plan.kind,
                prepare_args_normalized: plan.args_normalized.clone(),
                created_at: now.to_string(),
                size_bytes: Some(self.backend.size(&states_dir.join(step.state_id.to_hex()))),
                build_ms: u64::try_from(started.elapsed().as_millis()).ok(),
            })?;
            self.observer
                .log(&format!("snapshot: complete {}", step.state_id.to_hex()));
            self.observer.task(&task, TaskStatus::Succeeded);
            if i + 1 < plan.steps.len() {
                self.check_cancel()?;
                self.runtime
                    .start(runtime_dir, port, owner, self.interrupt)?;
            }
        }
        Ok(plan.steps.len() - first)
    }

    /// Runs step `i` of `plan` against the server on `port`: its psql script, or its
    /// Liquibase changeset.
    fn apply_step(&self, plan: &PsqlPlan, i: usize, port: u16) -> Result<(), PrepareError> {
        let step = &plan.steps[i];
        match (&step.changeset, &plan.lb) {
            (Some(cs), Some(lb)) => {
                self.observer.log(&format!("liquibase: {}", cs.identity()));
                let applier = sqlrs_liquibase::Applier {
                    liquibase: &lb.liquibase,
                    args: &lb.args,
                    runtime: self.runtime,
                    target: sqlrs_liquibase::Target::loopback(port)
                        .with_password(self.runtime.password()),
                    content: &lb.content,
                };
                let applied = applier.apply(cs, self.interrupt).map_err(|source| {
                    PrepareError::Changeset {
                        step: i + 1,
                        changeset: cs.identity(),
                        source: Box::new(source),
                    }
                })?;
                if applied.by_liquibase {
                    self.observer
                        .log("liquibase: applied by `update-count --count=1`");
                }
                Ok(())
            }
            _ => {
                self.observer.log(&format!("psql: {}", step.summary));
                self.runtime
                    .psql(port, &plan.options, &step.content, self.interrupt)
                    .map(|_| ())
                    .map_err(|e| step_failure(i, step, e))
            }
        }
    }

    /// The initialised base of this build, made once (into a staging directory renamed
    /// into place, so a crash never leaves half a base).
    pub(crate) fn ensure_base(&self, version: &str) -> Result<PathBuf, PrepareError> {
        let base = self.layout.base(ENGINE, version);
        if base.join("pgdata").join("PG_VERSION").is_file() {
            return Ok(base);
        }
        let staging = base.with_file_name(format!("base.staging-{}", std::process::id()));
        self.backend.remove(&staging)?;
        create_parent(&staging)?;
        self.runtime.init_base(&staging, self.interrupt)?;
        if let Err(e) = std::fs::rename(&staging, &base) {
            self.backend.remove(&staging)?;
            if !base.join("pgdata").join("PG_VERSION").is_file() {
                return Err(sqlrs_statefs::StateFsError {
                    op: "rename",
                    path: staging,
                    source: e,
                }
                .into());
            }
        }
        Ok(base)
    }
}

pub(crate) fn create_parent(path: &Path) -> Result<(), PrepareError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| sqlrs_statefs::StateFsError {
            op: "create",
            path: parent.to_path_buf(),
            source: e,
        })?;
    }
    Ok(())
}

/// A failed psql step as the user needs it: which step, which file and line, psql's words.
fn step_failure(i: usize, step: &PlannedStep, e: RuntimeError) -> PrepareError {
    let output = match &e {
        RuntimeError::Tool {
            source: ProcessError::Failed { output_tail, .. },
            ..
        } => output_tail.clone(),
        _ => return e.into(),
    };
    let at = stdin_line(&output).and_then(|n| {
        let origin = step.expanded.as_ref()?.origin(n)?;
        Some((origin.0.to_path_buf(), origin.1))
    });
    let message = output
        .lines()
        .find(|l| l.contains("ERROR:"))
        .map(|l| l[l.find("ERROR:").unwrap_or(0)..].to_string())
        .unwrap_or_else(|| output.trim().to_string());
    PrepareError::StepFailed {
        step: i + 1,
        at,
        message,
    }
}
