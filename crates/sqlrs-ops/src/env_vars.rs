//! Every environment variable sqlrs reads, in one place (the binary's `--help` shows the
//! ones bound to flags).

/// The state store root (the engine's data: state.db, engines/, instances/).
pub const SQLRS_STATE_STORE: &str = "SQLRS_STATE_STORE";
/// The `sqlrs-engine` binary to start.
pub const SQLRS_DAEMON_PATH: &str = "SQLRS_DAEMON_PATH";
/// Seconds an engine started by the CLI waits idle before it exits.
pub const SQLRS_IDLE_TIMEOUT: &str = "SQLRS_IDLE_TIMEOUT";
/// Base of per-user state (`engine.json`, logs); default `~/.local/state`.
pub const XDG_STATE_HOME: &str = "XDG_STATE_HOME";
/// The user's home, the base of the XDG defaults.
pub const HOME: &str = "HOME";
/// Programs are looked up here.
pub const PATH: &str = "PATH";
