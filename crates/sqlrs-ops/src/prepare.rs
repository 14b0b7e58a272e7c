//! `sqlrs plan:psql` and `sqlrs prepare:psql`.

use serde::Serialize;
use sqlrs_client::Client;
use sqlrs_schema::{Event, PrepareKind, PrepareRequest, TaskEntry, TaskType};

use crate::{OpsError, Settings, watch};

/// What to prepare.
#[derive(Debug, Clone)]
pub struct PrepareOptions {
    /// psql scripts or a Liquibase changelog.
    pub kind: PrepareKind,
    /// The tool's arguments: psql's (`-f FILE`, `-c SQL`, `-f -`, `-v name=value`, …) or
    /// Liquibase's (`update --search-path=DIR --changelog-file=FILE`).
    pub psql_args: Vec<String>,
    /// What `-f -` reads (the CLI's stdin).
    pub stdin: Option<String>,
    /// Plan only.
    pub plan_only: bool,
    /// Bind this name to the instance.
    pub name: Option<String>,
    /// Return the instance of `name` when its state matches.
    pub reuse: bool,
}

/// One step of a plan or prepare, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// `execute-<n>`.
    pub task_id: String,
    /// The step in words (`-f schema.sql`).
    pub step: String,
    /// The state it produces.
    pub state_id: Option<String>,
    /// Whether that state was cached when planned.
    pub cached: bool,
}

/// `sqlrs plan:psql --output json`.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// `psql`.
    pub prepare_kind: String,
    /// The PostgreSQL build the first step applies to.
    pub image_id: String,
    /// The normalised arguments.
    pub prepare_args_normalized: String,
    /// The final state.
    pub state_id: Option<String>,
    /// The steps.
    pub steps: Vec<StepReport>,
}

/// `sqlrs prepare:psql --output json`.
#[derive(Debug, Clone, Serialize)]
pub struct PrepareReport {
    /// The job.
    pub job_id: String,
    /// How to connect.
    pub dsn: String,
    /// The instance.
    pub instance_id: String,
    /// The final state.
    pub state_id: String,
    /// The steps, each cached or built.
    pub steps: Vec<StepReport>,
}

impl PrepareOptions {
    /// The request: relative paths resolve from the CLI's directory.
    pub fn request(&self, settings: &Settings) -> PrepareRequest {
        let work_dir = Some(settings.cwd.display().to_string());
        match self.kind {
            PrepareKind::Psql => PrepareRequest::Psql {
                image_id: "native".into(),
                plan_only: self.plan_only,
                psql_args: self.psql_args.clone(),
                stdin: self.stdin.clone(),
                work_dir,
                name: self.name.clone(),
                reuse: self.reuse,
            },
            PrepareKind::Lb => PrepareRequest::Lb {
                image_id: "native".into(),
                plan_only: self.plan_only,
                liquibase_args: self.psql_args.clone(),
                work_dir,
                name: self.name.clone(),
                reuse: self.reuse,
            },
        }
    }
}

/// The step reports of a job's tasks.
fn steps(tasks: &[TaskEntry]) -> Vec<StepReport> {
    tasks
        .iter()
        .filter(|t| t.task.task_type == TaskType::StateExecute)
        .map(|t| StepReport {
            task_id: t.task.task_id.clone(),
            step: t.args_summary.clone(),
            state_id: t.task.output_state_id.as_ref().map(ToString::to_string),
            cached: t.task.cached,
        })
        .collect()
}

/// Plans `options` without running anything.
pub fn plan(
    client: &Client,
    settings: &Settings,
    options: &PrepareOptions,
) -> Result<PlanReport, OpsError> {
    let mut options = options.clone();
    options.plan_only = true;
    let accepted = client.submit(&options.request(settings))?;
    let job = client.job(accepted.job_id.as_str())?;
    let tasks = client.tasks(Some(accepted.job_id.as_str()))?;
    let steps = steps(&tasks);
    Ok(PlanReport {
        prepare_kind: match options.kind {
            PrepareKind::Psql => "psql".into(),
            PrepareKind::Lb => "lb".into(),
        },
        image_id: job.image_id,
        prepare_args_normalized: job.prepare_args_normalized,
        state_id: steps.last().and_then(|s| s.state_id.clone()),
        steps,
    })
}

/// Prepares `options` and follows the job to its instance; `on_event` sees the progress.
pub fn prepare(
    client: &Client,
    settings: &Settings,
    options: &PrepareOptions,
    on_event: &mut dyn FnMut(&Event),
) -> Result<PrepareReport, OpsError> {
    let accepted = client.submit(&options.request(settings))?;
    follow(client, accepted.job_id.as_str(), on_event)
}

/// Follows job `job_id` to its instance; `on_event` sees the progress.
pub fn follow(
    client: &Client,
    job_id: &str,
    on_event: &mut dyn FnMut(&Event),
) -> Result<PrepareReport, OpsError> {
    let job_id = job_id.to_string();
    let result = watch::watch(client, &job_id, on_event)?;
    let Some(result) = result else {
        return Err(OpsError::Usage(format!(
            "job {job_id} ended without an instance"
        )));
    };
    let tasks = client.tasks(Some(&job_id))?;
    Ok(PrepareReport {
        job_id,
        dsn: result.dsn,
        instance_id: result.instance_id.to_string(),
        state_id: result.state_id.to_string(),
        steps: steps(&tasks),
    })
}
