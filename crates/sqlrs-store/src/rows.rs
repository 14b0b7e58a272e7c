//! What the engine writes: the columns of a new state, instance or job.

use sqlrs_schema::{InstanceId, JobId, PrepareKind, StateId};

/// A state being published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    /// Its id.
    pub state_id: StateId,
    /// Its parent (`None` on a base).
    pub parent_state_id: Option<StateId>,
    /// The PostgreSQL build.
    pub image_id: String,
    /// The kind of its step.
    pub prepare_kind: PrepareKind,
    /// The arguments of the job that built it.
    pub prepare_args_normalized: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// Its size on disk.
    pub size_bytes: Option<u64>,
    /// How long its step took to build (for eviction by rebuild cost).
    pub build_ms: Option<u64>,
}

/// An instance being handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRow {
    /// Its id.
    pub instance_id: InstanceId,
    /// Its state.
    pub state_id: StateId,
    /// The PostgreSQL build.
    pub image_id: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// The runtime's handle (a server pid, a container id).
    pub runtime_id: Option<String>,
    /// Its own data directory (never a job's).
    pub data_dir: String,
    /// The port it listens on (loopback).
    pub port: Option<u16>,
}

/// A job being accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    /// Its id.
    pub job_id: JobId,
    /// The kind.
    pub prepare_kind: PrepareKind,
    /// The build, as requested.
    pub image_id: String,
    /// Plan only.
    pub plan_only: bool,
    /// The normalised arguments.
    pub prepare_args_normalized: String,
    /// The job signature.
    pub signature: Option<String>,
    /// The request as received (to resume after a crash).
    pub request_json: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
}
