//! Talking to a sqlrs engine.
//!
//! [`Client`] is the typed `/v1` client: a base URL (loopback for the local engine, any
//! URL for a remote one — the code is the same), a bearer token, JSON bodies and NDJSON
//! streams, and the engine's error envelope turned into [`ClientError::Api`].
//! [`connect`] finds the local engine through `engine.json` and a health check, or starts
//! one under a lock so two CLIs never start two.

#![warn(missing_docs)]

mod client;
mod connect;
mod error;

pub use client::{Client, Lines};
pub use connect::{EngineSpec, connect, read_engine_json};
pub use error::ClientError;
