//! Every environment variable hsm reads, in one place (each is also shown by `--help`
//! next to the flag it stands for).

/// The registry directory (`--registry`).
pub const REGISTRY: &str = "HSM_REGISTRY_PATH";
/// The Compose command (`--compose-command`).
pub const COMPOSE: &str = "HSM_COMPOSE";
/// The uv program (`--uv`).
pub const UV: &str = "HSM_UV";
/// The Python interpreter of the pip adapter (`--python`).
pub const PYTHON: &str = "HSM_PYTHON";
/// Set to anything non-empty: no colours (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// The search path, for `hsm run` (the environment's `bin` goes first).
pub const PATH: &str = "PATH";
