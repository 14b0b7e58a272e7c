//! Writing `engine.json`, how a CLI finds the running engine.

use std::path::Path;

pub use sqlrs_schema::EngineJson;

/// Writes `file` atomically at `path`, readable by its owner only.
pub fn write_engine_json(file: &EngineJson, path: &Path) -> Result<(), infra_fs::FsError> {
    let text = serde_json::to_string_pretty(file).unwrap_or_default();
    infra_fs::write_atomic(path, text.as_bytes(), Some(0o600))
}
