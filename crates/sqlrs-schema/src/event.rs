//! The NDJSON events of a job.

use serde::{Deserialize, Serialize};

use crate::{ErrorResponse, JobStatus, PrepareResult};

/// What an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// The job's status changed.
    Status,
    /// A task's status changed.
    Task,
    /// A line of a tool's output or of the engine's.
    Log,
    /// The result.
    Result,
    /// The error.
    Error,
}

/// One event: `{type, ts, status?, task_id?, message?, result?, error?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What it reports.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When (RFC 3339, UTC).
    pub ts: String,
    /// The job's or the task's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<PrepareResult>,
    /// The error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorResponse>,
}

impl Event {
    /// A job status event.
    pub fn status(ts: String, status: JobStatus) -> Self {
        let status = match status {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
        };
        Self {
            event_type: EventType::Status,
            ts,
            status: Some(status.to_string()),
            task_id: None,
            message: None,
            result: None,
            error: None,
        }
    }
}
