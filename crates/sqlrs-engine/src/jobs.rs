//! Prepare jobs: accept a request, plan it (reading every input once, now), record the job
//! with its tasks, run it on its own thread, and record every step as events.
//!
//! A request that cannot be planned (bad arguments, a missing file) is refused at once
//! with 400 and leaves no job. A job that fails later (SQL errors, a cancel) is recorded
//! as failed with its error; its published states stay cached.

use std::path::PathBuf;
use std::sync::Arc;

use sqlrs_prepare::{Observer, PrepareError, Preparer, PsqlPlan, Silent};
use sqlrs_schema::{
    ErrorCode, ErrorResponse, Event, JobId, JobStatus, PrepareJobStatus, PrepareRequest,
    PrepareResult, TaskStatus, time,
};
use sqlrs_store::{JobRow, StoreError};

use crate::Engine;

/// Why a request was refused before it became a job.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The request is wrong; the message says how.
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// The JSON field at fault.
        field: Option<&'static str>,
    },
    /// Something on the engine's side failed.
    #[error(transparent)]
    Internal(#[from] StoreError),
    /// Planning failed on the engine's side (the runtime, the disk).
    #[error(transparent)]
    Prepare(PrepareError),
}

/// `e` and its causes, one after the other.
fn full_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        // One line: a tool's multi-line words belong in the details.
        let text = s
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

/// The last lines a failed tool printed, found anywhere in `e`'s chain.
fn tool_output(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(infra_process::ProcessError::Failed { output_tail, .. }) = s.downcast_ref() {
            let tail = output_tail.trim();
            return (!tail.is_empty()).then(|| tail.to_string());
        }
        source = s.source();
    }
    None
}

/// A job's error as the API reports it.
pub(crate) fn job_error(e: &PrepareError) -> ErrorResponse {
    let (code, details) = match e {
        PrepareError::Cancelled => (ErrorCode::Cancelled, None),
        PrepareError::StepFailed { at, .. } => (
            ErrorCode::InvalidArgument,
            at.as_ref()
                .map(|(file, line)| format!("{}:{line}", file.display())),
        ),
        PrepareError::Args(_) | PrepareError::Read(_) => (ErrorCode::InvalidArgument, None),
        _ => (ErrorCode::InternalError, None),
    };
    // The whole chain: "`pg_ctl start` failed" alone does not say why; and the tool's
    // last lines, which do (initdb's "Permission denied").
    let message = full_chain(e);
    let details = details.or_else(|| tool_output(e));
    ErrorResponse {
        code,
        message,
        details,
    }
}

/// Records a job's progress as task statuses and events.
struct JobObserver<'a> {
    engine: &'a Engine,
    job: &'a JobId,
}

impl Observer for JobObserver<'_> {
    fn task(&self, task_id: &str, status: TaskStatus) {
        let _ = self.engine.store.set_task_status(self.job, task_id, status);
        self.engine
            .event(self.job, &Event::task(time::now(), task_id, status));
    }

    fn log(&self, message: &str) {
        self.engine
            .event(self.job, &Event::log(time::now(), message));
    }
}

impl Engine {
    /// Stores `event` for `job` and wakes its streams (a store failure loses only the
    /// event).
    pub(crate) fn event(&self, job: &JobId, event: &Event) {
        let _ = self.store.append_event(job, event);
        self.notify();
    }

    /// A preparer for one job.
    fn preparer<'a>(
        &'a self,
        interrupt: &'a infra_process::Interrupt,
        observer: &'a dyn Observer,
    ) -> Preparer<'a> {
        Preparer {
            store: &*self.store,
            layout: &self.layout,
            backend: &*self.backend,
            runtime: &*self.runtime,
            interrupt,
            observer,
            lock: &self.build_lock,
        }
    }

    /// Liquibase, located on first use and kept.
    fn liquibase(&self) -> Result<sqlrs_liquibase::Liquibase, SubmitError> {
        let configured = self
            .config
            .effective("liquibase.exec")
            .ok()
            .and_then(|v| v.as_str().map(PathBuf::from));
        let exec = configured
            .or_else(|| self.liquibase_exec.clone())
            .or_else(|| infra_process::which("liquibase"));
        let mut slot = self
            .liquibase
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Kept while the launcher is the same one (`config set liquibase.exec` changes it).
        if let Some(lb) = slot.as_ref()
            && exec
                .as_deref()
                .and_then(|e| std::path::absolute(e).ok())
                .as_deref()
                == Some(lb.exec())
        {
            return Ok(lb.clone());
        }
        let located = sqlrs_liquibase::Liquibase::locate(
            exec.as_deref(),
            None,
            &infra_process::Interrupt::none(),
        )
        .map_err(|e| SubmitError::Invalid {
            message: format!(
                "{e}{}",
                e.hint().map(|h| format!(" ({h})")).unwrap_or_default()
            ),
            field: Some("prepare_kind"),
        })?
        // A short-lived JVM: start fast rather than optimise.
        .env("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        *slot = Some(located.clone());
        Ok(located)
    }

    /// Plans `request` (reading its inputs now).
    pub(crate) fn plan(&self, request: &PrepareRequest) -> Result<PsqlPlan, SubmitError> {
        let request = crate::decode_prepare(&serde_json::to_vec(request).unwrap_or_default())?;
        let none = infra_process::Interrupt::none();
        let invalid = |field: &'static str| {
            move |e: PrepareError| match e {
                PrepareError::Args(a) => SubmitError::Invalid {
                    message: a.to_string(),
                    field: Some(field),
                },
                PrepareError::Read(r) => SubmitError::Invalid {
                    message: full_chain(&r),
                    field: Some(field),
                },
                PrepareError::Liquibase(l) => SubmitError::Invalid {
                    message: full_chain(&l),
                    field: Some(field),
                },
                other => SubmitError::Prepare(other),
            }
        };
        match &request {
            PrepareRequest::Psql {
                psql_args,
                stdin,
                work_dir,
                ..
            } => {
                let work_dir = PathBuf::from(work_dir.as_deref().unwrap_or("/"));
                self.preparer(&none, &Silent)
                    .plan_psql(psql_args, stdin.as_deref().map(str::as_bytes), &work_dir)
                    .map_err(invalid("psql_args"))
            }
            PrepareRequest::Lb {
                liquibase_args,
                work_dir,
                ..
            } => {
                let liquibase = self.liquibase()?;
                let work_dir = PathBuf::from(work_dir.as_deref().unwrap_or("/"));
                self.preparer(&none, &Silent)
                    .plan_lb(&liquibase, liquibase_args, &work_dir)
                    .map_err(invalid("liquibase_args"))
            }
        }
    }

    /// Accepts `request`: plans it, records the job and starts it (or, for `plan_only`,
    /// finishes it at once). Returns the job as it stands.
    pub fn submit(
        self: &Arc<Self>,
        request: PrepareRequest,
    ) -> Result<PrepareJobStatus, SubmitError> {
        let plan = self.plan(&request)?;
        let job_id = sqlrs_prepare::job_id().map_err(SubmitError::Prepare)?;
        let plan_only = request.plan_only();
        let request_json = serde_json::to_string(&request).map_err(|e| SubmitError::Invalid {
            message: e.to_string(),
            field: None,
        })?;
        self.store.create_job(&JobRow {
            job_id: job_id.clone(),
            prepare_kind: plan.kind,
            image_id: plan.base.clone(),
            plan_only,
            prepare_args_normalized: plan.args_normalized.clone(),
            signature: Some(plan.signature(plan_only)),
            request_json,
            created_at: time::now(),
        })?;
        self.store.set_tasks(&job_id, &plan.tasks())?;
        self.event(&job_id, &Event::status(time::now(), JobStatus::Queued));
        if let Some(instance) = self.reusable(&request, &plan)? {
            self.finish_reused(&job_id, &plan, instance);
        } else if plan_only {
            self.finish_plan_only(&job_id);
            self.trim_jobs(&plan.signature(true));
        } else {
            self.spawn(job_id.clone(), plan, request.name().0.map(str::to_string));
        }
        self.store
            .job(&job_id)?
            .ok_or_else(|| StoreError::Missing(format!("job `{job_id}` vanished")).into())
    }

    /// Keeps the newest `orchestrator.jobs.maxIdentical` finished jobs of `signature`
    /// (0 keeps all) and deletes the rest with their tasks and events. Instances are not
    /// touched: they own their data, not the job.
    pub(crate) fn trim_jobs(&self, signature: &str) {
        let keep = self
            .config
            .effective("orchestrator.jobs.maxIdentical")
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(2);
        if keep == 0 {
            return;
        }
        let Ok(jobs) = self.store.jobs() else { return };
        let mut finished: Vec<_> = jobs
            .into_iter()
            .filter(|j| j.signature.as_deref() == Some(signature) && j.status.is_terminal())
            .collect();
        finished.sort_by(|a, b| {
            let at = |j: &sqlrs_schema::PrepareJobEntry| {
                j.finished_at
                    .clone()
                    .unwrap_or_else(|| j.created_at.clone())
            };
            at(b).cmp(&at(a))
        });
        for old in finished
            .iter()
            .skip(usize::try_from(keep).unwrap_or(usize::MAX))
        {
            let _ = self.store.delete_job(&old.job_id);
        }
    }

    /// With `reuse`: the instance the request's name holds, when it is of the planned final
    /// state and its server answers (or starts again).
    fn reusable(
        &self,
        request: &PrepareRequest,
        plan: &PsqlPlan,
    ) -> Result<Option<sqlrs_store::InstanceRow>, SubmitError> {
        let (Some(name), true) = request.name() else {
            return Ok(None);
        };
        if request.plan_only() {
            return Ok(None);
        }
        let Some(entry) = self.store.name(name)? else {
            return Ok(None);
        };
        let matches = plan
            .final_state()
            .is_some_and(|s| s.to_hex() == entry.state_id.as_str());
        let Some(instance) = entry.instance_id.filter(|_| matches) else {
            return Ok(None);
        };
        let Some((_, row)) = self.store.instance(&instance)? else {
            return Ok(None);
        };
        Ok(self.ensure_running(&row, &mut Vec::new()).ok().map(|_| row))
    }

    /// Ends `job` with the reused `instance` as its result.
    fn finish_reused(&self, job: &JobId, plan: &PsqlPlan, row: sqlrs_store::InstanceRow) {
        let now = time::now();
        let _ = self.store.set_job_status(job, JobStatus::Running, &now);
        self.event(job, &Event::status(now.clone(), JobStatus::Running));
        self.event(
            job,
            &Event::log(
                now.clone(),
                &format!("reused instance {} of the same state", row.instance_id),
            ),
        );
        let result = PrepareResult {
            dsn: sqlrs_runtime::dsn(row.port.unwrap_or_default(), self.runtime.password()),
            instance_id: row.instance_id,
            state_id: row.state_id,
            image_id: plan.base.clone(),
            prepare_kind: plan.kind,
            prepare_args_normalized: plan.args_normalized.clone(),
        };
        self.event(job, &Event::status(now.clone(), JobStatus::Succeeded));
        self.event(job, &Event::result(now.clone(), result.clone()));
        let _ = self.store.finish_job(job, &now, Ok(Some(&result)));
    }

    /// A plan-only job: the plan is its whole work.
    fn finish_plan_only(&self, job: &JobId) {
        let now = time::now();
        let _ = self.store.set_job_status(job, JobStatus::Running, &now);
        let _ = self
            .store
            .set_task_status(job, "plan", TaskStatus::Succeeded);
        self.event(job, &Event::status(now.clone(), JobStatus::Succeeded));
        let _ = self.store.finish_job(job, &now, Ok(None));
    }

    /// Runs `plan` as `job` on a new thread.
    pub(crate) fn spawn(self: &Arc<Self>, job: JobId, plan: PsqlPlan, name: Option<String>) {
        let states = plan.steps.iter().map(|s| s.state_id.to_hex()).collect();
        let interrupt = self.start_job(job.as_str(), states);
        let engine = Arc::clone(self);
        let id = job.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("job-{}", &job.as_str()[..8]))
            .spawn(move || {
                engine.run(&id, &plan, name.as_deref(), &interrupt);
                engine.trim_jobs(&plan.signature(false));
                engine.end_job(id.as_str());
            });
        if let Err(e) = spawned {
            self.fail_job(
                &job,
                ErrorCode::InternalError,
                &format!("cannot start a thread: {e}"),
            );
            self.end_job(job.as_str());
        }
    }

    /// Ends `job` as failed with `message`.
    pub(crate) fn fail_job(&self, job: &JobId, code: ErrorCode, message: &str) {
        self.fail_job_with(
            job,
            ErrorResponse {
                code,
                message: message.to_string(),
                details: None,
            },
        );
    }

    /// Ends `job` as failed with `error`.
    pub(crate) fn fail_job_with(&self, job: &JobId, error: ErrorResponse) {
        let now = time::now();
        // Events first: a stream that sees the job over has every event already.
        self.event(job, &Event::status(now.clone(), JobStatus::Failed));
        self.event(job, &Event::error(now.clone(), error.clone()));
        let _ = self.store.finish_job(job, &now, Err(&error));
    }

    /// Runs one job to its end and records the outcome.
    fn run(
        &self,
        job: &JobId,
        plan: &PsqlPlan,
        name: Option<&str>,
        interrupt: &infra_process::Interrupt,
    ) {
        let now = time::now();
        let _ = self.store.set_job_status(job, JobStatus::Running, &now);
        self.event(job, &Event::status(now, JobStatus::Running));
        let observer = JobObserver { engine: self, job };
        observer.task("plan", TaskStatus::Succeeded);
        let outcome = self
            .preparer(interrupt, &observer)
            .execute(plan, &time::now());
        let now = time::now();
        match outcome {
            Ok(p) => {
                if let Some(name) = name {
                    let _ =
                        self.store
                            .put_name(name, &p.instance_id, &p.state_id, &plan.base, &now);
                    self.event(
                        job,
                        &Event::log(
                            now.clone(),
                            &format!("name {name} → instance {}", p.instance_id),
                        ),
                    );
                }
                let result = PrepareResult {
                    dsn: p.dsn,
                    instance_id: p.instance_id,
                    state_id: p.state_id,
                    image_id: plan.base.clone(),
                    prepare_kind: plan.kind,
                    prepare_args_normalized: plan.args_normalized.clone(),
                };
                self.event(job, &Event::status(now.clone(), JobStatus::Succeeded));
                self.event(job, &Event::result(now.clone(), result.clone()));
                let _ = self.store.finish_job(job, &now, Ok(Some(&result)));
            }
            Err(e) => self.fail_job_with(job, job_error(&e)),
        }
    }
}
