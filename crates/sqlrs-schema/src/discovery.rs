//! `engine.json` and `/v1/health`: how a CLI finds the running engine and checks it is
//! the one the file names.

use serde::{Deserialize, Serialize};

/// The discovery file's content (mode 0600: it holds the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineJson {
    /// `host:port`, no scheme.
    pub endpoint: String,
    /// The engine's process id.
    pub pid: u32,
    /// When it started (seconds since the epoch).
    pub started_at: u64,
    /// The bearer token.
    pub auth_token: String,
    /// The engine's version.
    pub version: String,
    /// A random id of this engine run (a restarted engine on the same port differs).
    pub instance_id: String,
    /// The state store it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_path: Option<String>,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always true when it answers.
    pub ok: bool,
    /// The engine's version.
    pub version: String,
    /// The run's id, as in `engine.json`.
    #[serde(rename = "instanceId")]
    pub instance_id: String,
    /// The engine's process id.
    pub pid: u32,
    /// Its snapshot backend (`copy`, `reflink`, `btrfs`, `overlay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// Its runtime (`native`, `docker`, `podman`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

/// `GET /v1/cache/status`: what the cached states take and the room the store has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheStatus {
    /// The apparent size of every state, in bytes.
    pub usage_bytes: u64,
    /// How many states there are.
    pub state_count: u64,
    /// How many instances there are.
    pub instance_count: u64,
    /// The size of the store's filesystem.
    pub store_total_bytes: u64,
    /// Its free space.
    pub store_free_bytes: u64,
}
