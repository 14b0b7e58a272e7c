//! The local sqlrs engine: the `/v1` HTTP API in front of the store.
//!
//! It listens on 127.0.0.1 only, checks a bearer token (compared in constant time) on every
//! route but `/v1/health`, and announces itself in `engine.json` (mode 0600: the token is
//! the only secret), written once it listens and removed when it stops cleanly. This is
//! the first slice (health, auth, discovery, states and instances); prepare jobs, runs and
//! deletes come next (docs/sqlrs/design.md).

#![warn(missing_docs)]

mod api;
mod auth;
mod discovery;

pub use api::{AppState, router};
pub use auth::{Token, tokens_equal};
pub use discovery::EngineJson;
