//! Progress of a prepare, as it happens.
//!
//! The engine turns these calls into the job's task statuses and its event stream; the
//! in-process tests ignore them. Kept as a trait so the orchestration does not know about
//! HTTP, SQLite or terminals.

use sqlrs_schema::TaskStatus;

/// Told about every task transition and log line of a prepare.
pub trait Observer: Send + Sync {
    /// Task `task_id` (`plan`, `execute-<n>`, `prepare-instance`) moved to `status`.
    fn task(&self, task_id: &str, status: TaskStatus) {
        let _ = (task_id, status);
    }
    /// A line worth showing, prefixed by its source (`psql: …`, `snapshot: …`).
    fn log(&self, message: &str) {
        let _ = message;
    }
}

/// Ignores everything.
pub struct Silent;

impl Observer for Silent {}
