//! Running PostgreSQL for a state: behind one [`Runtime`] trait, the host's own binaries or
//! containers.
//!
//! The native runtime uses the host's own PostgreSQL (`initdb`, `pg_ctl`, `postgres`,
//! `psql`): no daemon, no image, the fastest start. PostgreSQL refuses to run as root, so
//! when sqlrs runs as root the server runs as an unprivileged user (`sqlrs` by default)
//! that owns the data directories. Servers listen on 127.0.0.1 only, with their Unix
//! socket inside the data directory, and trust authentication for the `sqlrs` role on that
//! loopback address (the instance's DSN is the only way in).
//!
//! The container runtime ([`DockerRuntime`], Docker or Podman) runs the same servers from
//! an image on the same host data directories, publishing each on 127.0.0.1 only; it is
//! for hosts without PostgreSQL, or a server build pinned by an image.

#![warn(missing_docs)]

mod docker;
mod error;
mod native;
mod ready;
mod runtime;
mod user;

pub use docker::{DockerConfig, DockerRuntime, Engine};
pub use error::RuntimeError;
pub use native::NativeRuntime;
pub use ready::accepting_connections;
pub use runtime::{Owner, Runtime, StepOutput, Tool, ToolIo, ToolRun, dsn, pgdata};
pub use user::RunAs;
