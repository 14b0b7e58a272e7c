//! Prepare jobs and their tasks.

use serde::{Deserialize, Serialize};

use crate::{ErrorResponse, InstanceId, JobId, PrepareKind, StateId};

/// A job's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Accepted, not started.
    Queued,
    /// Running.
    Running,
    /// Done; `result` holds the instance (unless plan only).
    Succeeded,
    /// Failed or cancelled; `error` says why.
    Failed,
}

impl JobStatus {
    /// Whether nothing will change it any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

/// A task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Not started.
    Queued,
    /// Running.
    Running,
    /// Done.
    Succeeded,
    /// Failed.
    Failed,
}

/// What a task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    /// The planner's marker.
    Plan,
    /// Pin the PostgreSQL build.
    ResolveImage,
    /// Apply one step and publish its state.
    StateExecute,
    /// Start the instance.
    PrepareInstance,
}

/// What a task starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// The initialised base of a PostgreSQL build.
    Image,
    /// A state.
    State,
}

/// `{kind, id}` of a task's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    /// Its kind.
    pub kind: InputKind,
    /// The image id or state id.
    pub id: String,
}

/// One task of a job's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTask {
    /// `plan`, `resolve-image`, `execute-<n>`, `prepare-instance`.
    pub task_id: String,
    /// What it does.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// `psql` / `lb` for execute tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planner_kind: Option<PrepareKind>,
    /// What it starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<TaskInput>,
    /// The task hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_hash: Option<String>,
    /// The state it produces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_state_id: Option<StateId>,
    /// Whether that state exists already.
    #[serde(default)]
    pub cached: bool,
    /// For Liquibase: the changeset's id, author and path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changeset_id: Option<String>,
    /// The changeset's author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changeset_author: Option<String>,
    /// The changeset's changelog path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changeset_path: Option<String>,
}

/// What a succeeded, non-plan job produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareResult {
    /// How to connect.
    pub dsn: String,
    /// The instance.
    pub instance_id: InstanceId,
    /// Its state.
    pub state_id: StateId,
    /// The PostgreSQL build.
    pub image_id: String,
    /// The kind.
    pub prepare_kind: PrepareKind,
    /// The normalised arguments.
    pub prepare_args_normalized: String,
}

/// `GET /v1/prepare-jobs/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareJobStatus {
    /// The job.
    pub job_id: JobId,
    /// Its status.
    pub status: JobStatus,
    /// The kind.
    pub prepare_kind: PrepareKind,
    /// The build, as requested.
    pub image_id: String,
    /// Plan only.
    pub plan_only: bool,
    /// The normalised arguments.
    pub prepare_args_normalized: String,
    /// When accepted (RFC 3339, UTC).
    pub created_at: String,
    /// When started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// When finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// The plan.
    #[serde(default)]
    pub tasks: Vec<PlanTask>,
    /// The result, when succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<PrepareResult>,
    /// The error, when failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorResponse>,
}

/// An element of `GET /v1/prepare-jobs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareJobEntry {
    /// The job.
    pub job_id: JobId,
    /// Its status.
    pub status: JobStatus,
    /// The kind.
    pub prepare_kind: PrepareKind,
    /// The build, as requested.
    pub image_id: String,
    /// The build, pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_image_id: Option<String>,
    /// The normalised arguments.
    pub prepare_args_normalized: String,
    /// The job signature (identical jobs share it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Plan only.
    pub plan_only: bool,
    /// When accepted.
    pub created_at: String,
    /// When started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// When finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

/// `POST /v1/prepare-jobs`'s answer (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareAccepted {
    /// The new job.
    pub job_id: JobId,
    /// `/v1/prepare-jobs/<id>`.
    pub status_url: String,
    /// `/v1/prepare-jobs/<id>/events`.
    pub events_url: String,
    /// `queued`, or already `succeeded` for a plan.
    pub status: JobStatus,
}

/// An element of `GET /v1/tasks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEntry {
    /// The job.
    pub job_id: JobId,
    /// Its status.
    pub status: TaskStatus,
    /// The step, in words (`-f schema.sql`, `id::author::path`).
    pub args_summary: String,
    /// The task.
    #[serde(flatten)]
    pub task: PlanTask,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_read_and_write_the_wire_names() {
        let t: PlanTask = serde_json::from_str(
            r#"{"task_id":"execute-0","type":"state_execute","planner_kind":"psql","input":{"kind":"image","id":"15"},"cached":true}"#,
        )
        .unwrap();
        assert_eq!(t.task_type, TaskType::StateExecute);
        let back = serde_json::to_value(&t).unwrap();
        assert_eq!(back["type"], "state_execute");
        assert_eq!(back["input"]["kind"], "image");
        assert!(back.get("output_state_id").is_none());
        assert!(JobStatus::Failed.is_terminal() && !JobStatus::Running.is_terminal());
    }
}
