//! What the engine knows, kept in one SQLite file (`<root>/state.db`).
//!
//! States, instances and names are the registry; jobs, their tasks and their events are the
//! queue that survives a crash (a restarted engine finds the jobs that were queued or
//! running and resumes them). The engine talks to a [`Store`] so the orchestration can be
//! tested against it and the storage can change; [`SqliteStore`] is the implementation.
//! Differences from the original schema, on purpose: an instance owns its data directory
//! (job directories can be trimmed without breaking it), heartbeats are not stored (they
//! are a property of the stream, not of the job), and the schema is versioned with
//! `PRAGMA user_version`.

#![warn(missing_docs)]

mod error;
mod rows;
mod schema;
mod sqlite;

pub use error::StoreError;
pub use rows::{InstanceRow, JobRow, StateRow};
pub use sqlite::SqliteStore;

use sqlrs_schema::{
    ErrorResponse, Event, InstanceEntry, InstanceId, JobId, JobStatus, NameEntry, PlanTask,
    PrepareJobEntry, PrepareJobStatus, PrepareResult, StateEntry, StateId, TaskEntry, TaskStatus,
};

/// The engine's metadata.
pub trait Store: Send + Sync {
    /// Records a published state; `false` when it was already there (another job built it).
    fn put_state(&self, state: &StateRow) -> Result<bool, StoreError>;
    /// One state, with its instance count.
    fn state(&self, id: &StateId) -> Result<Option<StateEntry>, StoreError>;
    /// Every state, oldest first.
    fn states(&self) -> Result<Vec<StateEntry>, StoreError>;
    /// The states built on `id`.
    fn children(&self, id: &StateId) -> Result<Vec<StateId>, StoreError>;
    /// Forgets a state (its instances and children must be gone).
    fn delete_state(&self, id: &StateId) -> Result<(), StoreError>;

    /// Records an instance and counts a use of its state.
    fn put_instance(&self, instance: &InstanceRow) -> Result<(), StoreError>;
    /// One instance.
    fn instance(&self, id: &InstanceId)
    -> Result<Option<(InstanceEntry, InstanceRow)>, StoreError>;
    /// Every instance, oldest first.
    fn instances(&self) -> Result<Vec<InstanceEntry>, StoreError>;
    /// Forgets an instance.
    fn delete_instance(&self, id: &InstanceId) -> Result<(), StoreError>;

    /// Binds `name` to `instance` of `state` (replacing what it named), at `now`.
    fn put_name(
        &self,
        name: &str,
        instance: &InstanceId,
        state: &StateId,
        image_id: &str,
        now: &str,
    ) -> Result<(), StoreError>;
    /// One name.
    fn name(&self, name: &str) -> Result<Option<NameEntry>, StoreError>;
    /// Every name, sorted.
    fn names(&self) -> Result<Vec<NameEntry>, StoreError>;

    /// Records a new job, queued.
    fn create_job(&self, job: &JobRow) -> Result<(), StoreError>;
    /// A job with its tasks.
    fn job(&self, id: &JobId) -> Result<Option<PrepareJobStatus>, StoreError>;
    /// Sets a job's status (and its start or finish time, result or error).
    fn set_job_status(&self, id: &JobId, status: JobStatus, at: &str) -> Result<(), StoreError>;
    /// Ends a job: succeeded (with its result, unless plan only) or failed (with its
    /// error).
    fn finish_job(
        &self,
        id: &JobId,
        at: &str,
        outcome: Result<Option<&PrepareResult>, &ErrorResponse>,
    ) -> Result<(), StoreError>;
    /// Every job, oldest first.
    fn jobs(&self) -> Result<Vec<PrepareJobEntry>, StoreError>;
    /// Forgets a job with its tasks and events.
    fn delete_job(&self, id: &JobId) -> Result<(), StoreError>;
    /// Replaces a job's planned tasks, each with its step in words (`-f a.sql`).
    fn set_tasks(&self, id: &JobId, tasks: &[(PlanTask, String)]) -> Result<(), StoreError>;
    /// The tasks of one job, or of every job, in job and plan order.
    fn tasks(&self, job: Option<&JobId>) -> Result<Vec<TaskEntry>, StoreError>;
    /// Sets one task's status.
    fn set_task_status(
        &self,
        id: &JobId,
        task_id: &str,
        status: TaskStatus,
    ) -> Result<(), StoreError>;
    /// Appends an event; returns its index within the job (0-based).
    fn append_event(&self, id: &JobId, event: &Event) -> Result<u64, StoreError>;
    /// A job's events from index `from`.
    fn events(&self, id: &JobId, from: u64) -> Result<Vec<Event>, StoreError>;
    /// Jobs a restarted engine must resume (queued or running), oldest first, with their
    /// request JSON.
    fn unfinished_jobs(&self) -> Result<Vec<(JobId, String)>, StoreError>;
}
