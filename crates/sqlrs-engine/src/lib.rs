//! The local sqlrs engine: the `/v1` HTTP API in front of the store, and the prepare jobs
//! it runs.
//!
//! It listens on 127.0.0.1 only, checks a bearer token (compared in constant time) on every
//! route but `/v1/health`, and announces itself in `engine.json` (mode 0600: the token is
//! the only secret), written once it listens and removed when it stops cleanly. Jobs run
//! on their own threads and record every step in the store, so a restarted engine can
//! resume them ([`Engine::recover`]).

#![warn(missing_docs)]

mod api;
mod auth;
mod config;
mod config_api;
mod delete;
mod discovery;
mod engine;
mod jobs;
mod jobs_api;
mod recovery;
mod reply;
mod request;
mod runs;

pub use api::{AppState, router};
pub use auth::{Token, tokens_equal};
pub use config::{Config, ConfigError};
pub use delete::DeleteOptions;
pub use discovery::{EngineJson, write_engine_json};
pub use engine::Engine;
pub use jobs::SubmitError;
pub use request::{decode_prepare, decode_run};
