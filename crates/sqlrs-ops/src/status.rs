//! `sqlrs status`: is the engine up, where, and what it holds.

use serde::Serialize;
use sqlrs_client::Client;

use crate::{OpsError, Settings};

/// `sqlrs status --output json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// The engine answered.
    pub ok: bool,
    /// Its base URL.
    pub endpoint: String,
    /// Its version.
    pub version: String,
    /// Its run id.
    pub instance_id: String,
    /// Its process.
    pub pid: u32,
    /// The store it serves.
    pub store: String,
    /// The workspace this ran in.
    pub workspace: Option<String>,
    /// Its snapshot backend.
    pub snapshot: Option<String>,
    /// Its runtime.
    pub runtime: Option<String>,
    /// States stored.
    pub states: usize,
    /// Instances handed out.
    pub instances: usize,
    /// Jobs recorded.
    pub jobs: usize,
    /// With `--cache`: what the states take and the room left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<sqlrs_schema::CacheStatus>,
}

/// Asks the engine.
pub fn status(client: &Client, settings: &Settings, cache: bool) -> Result<StatusReport, OpsError> {
    let health = client.health()?;
    Ok(StatusReport {
        ok: health.ok,
        endpoint: client.base().to_string(),
        version: health.version,
        instance_id: health.instance_id,
        pid: health.pid,
        store: settings.store.display().to_string(),
        workspace: settings.workspace.as_ref().map(|w| w.display().to_string()),
        snapshot: health.snapshot,
        runtime: health.runtime,
        states: client.states()?.len(),
        instances: client.instances()?.len(),
        jobs: client.jobs()?.len(),
        cache: cache.then(|| client.cache_status()).transpose()?,
    })
}
