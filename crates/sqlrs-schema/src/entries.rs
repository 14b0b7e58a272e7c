//! What `ls` lists: names, instances and states.

use serde::{Deserialize, Serialize};

use crate::{InstanceId, PrepareKind, StateId};

/// A name's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameStatus {
    /// Its instance exists.
    Active,
    /// Its instance is gone.
    Missing,
    /// Its instance expired.
    Expired,
}

/// A name bound to an instance of a state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameEntry {
    /// The name.
    pub name: String,
    /// Its instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<InstanceId>,
    /// The build.
    pub image_id: String,
    /// The state.
    pub state_id: StateId,
    /// The fingerprint `--reuse` compares.
    pub state_fingerprint: String,
    /// Its status.
    pub status: NameStatus,
    /// When last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// An instance's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceStatus {
    /// A name points to it.
    Active,
    /// Past its expiry.
    Expired,
    /// No name points to it.
    Orphaned,
}

/// A running copy of a state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceEntry {
    /// The instance.
    pub instance_id: InstanceId,
    /// The build.
    pub image_id: String,
    /// Its state.
    pub state_id: StateId,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When created.
    pub created_at: String,
    /// When it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// The runtime's handle (a container id, a server pid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_id: Option<String>,
    /// Its status.
    pub status: InstanceStatus,
}

/// A cached state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateEntry {
    /// The state.
    pub state_id: StateId,
    /// Its parent, when it is not built on a base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_state_id: Option<StateId>,
    /// The build.
    pub image_id: String,
    /// The kind of the step that made it.
    pub prepare_kind: PrepareKind,
    /// The arguments of the job that made it.
    pub prepare_args_normalized: String,
    /// When created.
    pub created_at: String,
    /// Its size on disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// When last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    /// How often used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_count: Option<u64>,
    /// Kept at least until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_retention_until: Option<String>,
    /// How many instances run it.
    pub refcount: u64,
}
