//! What a delete did or would do, as a tree.

use serde::{Deserialize, Serialize};

/// The kind of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A state.
    State,
    /// An instance.
    Instance,
    /// A job.
    Job,
}

/// Why a node cannot go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// Clients are connected (`--force` disconnects them).
    ActiveConnections,
    /// States or instances depend on it (`--recurse` removes them too).
    HasDescendants,
    /// Something under it is blocked.
    BlockedByDescendant,
    /// Its job is running.
    ActiveTasks,
}

/// The overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeleteOutcome {
    /// Removed.
    Deleted,
    /// `--dry-run`: would be removed.
    WouldDelete,
    /// Nothing was removed.
    Blocked,
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteNode {
    /// Its kind.
    pub kind: NodeKind,
    /// Its id.
    pub id: String,
    /// Connected clients (instances).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<u64>,
    /// Why it cannot go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<BlockReason>,
    /// The runtime's handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_id: Option<String>,
    /// What goes with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<DeleteNode>,
}

/// `{dry_run, outcome, root}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteResult {
    /// Whether nothing was meant to change.
    pub dry_run: bool,
    /// The outcome.
    pub outcome: DeleteOutcome,
    /// The tree.
    pub root: DeleteNode,
}
