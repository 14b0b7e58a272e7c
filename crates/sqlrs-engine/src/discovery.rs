//! `engine.json`: how a CLI finds the running engine.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The discovery file's content.
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
}

impl EngineJson {
    /// Writes it atomically, readable by its owner only.
    pub fn write(&self, path: &Path) -> Result<(), infra_fs::FsError> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        infra_fs::write_atomic(path, text.as_bytes(), Some(0o600))
    }
}
