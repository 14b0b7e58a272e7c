//! hsm's operations: what each command does, without the command line.
//!
//! As in cargo (`command → options struct → ops::function`), every `hsm` command is a thin
//! layer: it parses arguments, resolves [`Settings`], calls one function here and prints the
//! typed, `Serialize`-able report it returns (as text, or as JSON with `--json`). Policy —
//! which group an option belongs to, how a 1-of-N selection replaces and an M-of-N one adds,
//! what counts as drift, how a registry entry is built from flags — lives here, tested
//! without spawning the binary. Errors are [`OpsError`]s; the binary turns them into user
//! messages with hints in one place.
//!
//! Operations that write take the project's lock before they read what they change, so two
//! hsm processes never interleave their writes.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod check;
mod cli_error;
pub mod compose;
pub mod edit;
pub mod env;
pub mod env_vars;
mod error;
pub mod export;
pub mod init;
pub mod list;
pub mod migrate;
pub mod names;
pub mod package_init;
pub mod plan;
mod project;
pub mod registry;
mod settings;
pub mod status;
pub mod sync;

pub use error::OpsError;
pub use infra_yaml::ParseCache;
pub use project::{Context, Project, Tools};
pub use settings::{RegistryOverride, Settings};
