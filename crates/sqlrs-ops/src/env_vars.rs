//! Every environment variable sqlrs reads, in one place (the binary's `--help` shows the
//! ones bound to flags).

/// The state store root (the engine's data: state.db, engines/, instances/).
pub const SQLRS_STATE_STORE: &str = "SQLRS_STATE_STORE";
/// The `sqlrs-engine` binary to start.
pub const SQLRS_DAEMON_PATH: &str = "SQLRS_DAEMON_PATH";
/// Seconds an engine started by the CLI waits idle before it exits.
pub const SQLRS_IDLE_TIMEOUT: &str = "SQLRS_IDLE_TIMEOUT";
/// The snapshot backend of an engine this CLI starts: auto, copy, reflink, btrfs, overlay.
pub const SQLRS_SNAPSHOT: &str = "SQLRS_SNAPSHOT";
/// The runtime of an engine this CLI starts: native, docker, podman.
pub const SQLRS_RUNTIME: &str = "SQLRS_RUNTIME";
/// The PostgreSQL image of the docker/podman runtime.
pub const SQLRS_PG_IMAGE: &str = "SQLRS_PG_IMAGE";
/// The `liquibase` launcher an engine this CLI starts uses (else `liquibase` on its PATH).
pub const SQLRS_LIQUIBASE: &str = "SQLRS_LIQUIBASE";
/// The Docker daemon of the docker runtime.
pub const DOCKER_HOST: &str = "DOCKER_HOST";
/// Base of per-user settings (`sqlrs/config.yaml`); default `~/.config`.
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
/// Base of per-user state (`engine.json`, logs); default `~/.local/state`.
pub const XDG_STATE_HOME: &str = "XDG_STATE_HOME";
/// The user's home, the base of the XDG defaults.
pub const HOME: &str = "HOME";
/// Programs are looked up here.
pub const PATH: &str = "PATH";
