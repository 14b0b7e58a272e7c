//! The engine this CLI talks to: found through `engine.json`, or started.

use std::time::Duration;

use sqlrs_client::{Client, EngineSpec};

use crate::{OpsError, Settings};

/// How to find or start the engine of `settings`.
pub fn spec(settings: &Settings) -> EngineSpec {
    EngineSpec {
        state_dir: settings.state_dir.clone(),
        store: settings.store.clone(),
        program: settings.engine.clone(),
        idle_timeout: settings.idle_timeout,
        startup_timeout: Duration::from_secs(15),
        request_timeout: settings.timeout,
        autostart: true,
        engine_args: settings.engine_args.clone(),
    }
}

/// A client of the running engine (started when none runs).
pub fn client(settings: &Settings) -> Result<Client, OpsError> {
    Ok(sqlrs_client::connect(&spec(settings))?.0)
}
