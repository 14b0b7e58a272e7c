//! Running PostgreSQL on a data directory.
//!
//! The native runtime uses the host's own PostgreSQL (`initdb`, `pg_ctl`, `postgres`,
//! `psql`): no daemon, no image, the fastest start. PostgreSQL refuses to run as root, so
//! when sqlrs runs as root the server runs as an unprivileged user (`sqlrs` by default)
//! that owns the data directories. Servers listen on 127.0.0.1 only, with their Unix
//! socket inside the data directory, and trust authentication for the `sqlrs` role on that
//! loopback address (the instance's DSN is the only way in).

#![warn(missing_docs)]

mod error;
mod native;
mod user;

pub use error::RuntimeError;
pub use native::{NativeRuntime, StepOutput};
pub use user::RunAs;
