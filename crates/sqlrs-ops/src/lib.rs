//! What each `sqlrs` command does, apart from parsing and printing.
//!
//! Every operation takes the resolved [`Settings`] and an options struct and returns a
//! typed `Serialize` report (printed as text or `--output json` by the binary). All of them
//! talk to the engine through `sqlrs-client`; [`engine::client`] finds or starts it.

#![warn(missing_docs)]

mod cli_error;
pub mod config;
pub mod engine;
pub mod env_vars;
mod error;
pub mod list;
pub mod prepare;
pub mod resolve;
pub mod rm;
pub mod run;
mod settings;
pub mod status;
pub mod watch;
pub mod workspace;

pub use error::OpsError;
pub use settings::{Settings, SettingsInput};
