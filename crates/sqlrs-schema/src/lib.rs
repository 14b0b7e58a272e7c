//! The vocabulary of sqlrs: what the engine's `/v1` API and its store speak.
//!
//! Field names are exactly those of the original engine's wire format (spec §3.3), so a
//! client of either understands the other; the id types check their format where they
//! are read, so a malformed id in a request is refused at the field that holds it.

#![warn(missing_docs)]

mod delete;
mod discovery;
mod entries;
mod error;
mod event;
mod ids;
mod job;
mod prepare;
mod run;
pub use infra_fs::time;

pub use delete::{BlockReason, DeleteNode, DeleteOutcome, DeleteResult, NodeKind};
pub use discovery::{CacheStatus, EngineJson, Health};
pub use entries::{InstanceEntry, InstanceStatus, NameEntry, NameStatus, StateEntry};
pub use error::{ErrorCode, ErrorResponse};
pub use event::{Event, EventType};
pub use ids::{IdError, IdPrefix, InstanceId, JobId, StateId};
pub use job::{
    InputKind, JobStatus, PlanTask, PrepareAccepted, PrepareJobEntry, PrepareJobStatus,
    PrepareResult, TaskEntry, TaskInput, TaskStatus, TaskType,
};
pub use prepare::{PrepareKind, PrepareRequest};
pub use run::{RunEvent, RunEventType, RunKind, RunRequest, RunStep};
