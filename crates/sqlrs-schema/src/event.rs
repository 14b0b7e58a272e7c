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

    /// An empty event of `event_type` at `ts`.
    fn bare(event_type: EventType, ts: String) -> Self {
        Self {
            event_type,
            ts,
            status: None,
            task_id: None,
            message: None,
            result: None,
            error: None,
        }
    }

    /// Task `task_id` moved to `status`.
    pub fn task(ts: String, task_id: &str, status: crate::TaskStatus) -> Self {
        let word = match status {
            crate::TaskStatus::Queued => "queued",
            crate::TaskStatus::Running => "running",
            crate::TaskStatus::Succeeded => "succeeded",
            crate::TaskStatus::Failed => "failed",
        };
        Self {
            task_id: Some(task_id.to_string()),
            status: Some(word.to_string()),
            ..Self::bare(EventType::Task, ts)
        }
    }

    /// A log line.
    pub fn log(ts: String, message: &str) -> Self {
        Self {
            message: Some(message.to_string()),
            ..Self::bare(EventType::Log, ts)
        }
    }

    /// The job's result.
    pub fn result(ts: String, result: PrepareResult) -> Self {
        Self {
            result: Some(result),
            ..Self::bare(EventType::Result, ts)
        }
    }

    /// The job's error.
    pub fn error(ts: String, error: ErrorResponse) -> Self {
        Self {
            message: Some(error.message.clone()),
            error: Some(error),
            ..Self::bare(EventType::Error, ts)
        }
    }
}
