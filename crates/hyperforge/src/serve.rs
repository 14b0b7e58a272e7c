//! `hyperforge serve`: the hub daemon (being built; see docs/hyperforge/design.md).

use infra_cli::{CliError, Printer};

use crate::cli::ServeArgs;
use crate::settings::Settings;

/// Runs the daemon.
pub fn run(_a: &ServeArgs, _settings: &Settings, _p: &Printer) -> Result<u8, CliError> {
    Err(CliError::failure(
        "`hyperforge serve` is not in this build yet",
    ))
}
