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
/// The cache directory (`--cache-dir`).
pub const CACHE_DIR: &str = "HSM_CACHE_DIR";
/// Set to `1`/`true`: no cache (`--no-cache`).
pub const NO_CACHE: &str = "HSM_NO_CACHE";
/// The base of the default cache directory (`$XDG_CACHE_HOME/hsm`).
pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
/// The home directory (the default cache is `~/.cache/hsm` without `XDG_CACHE_HOME`).
pub const HOME: &str = "HOME";
/// Set to anything non-empty: no colours (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// The search path, for `hsm run` (the environment's `bin` goes first).
pub const PATH: &str = "PATH";
