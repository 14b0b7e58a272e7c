//! `sqlrs`, prepared PostgreSQL states. The libraries come first (`sqlrs-hash`,
//! `sqlrs-args`; the plan is in `docs/sqlrs/design.md`); until the engine exists the binary
//! only describes itself, and says so.

#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;
use infra_cli::{CliError, Printer, PrinterOptions};

/// sqlrs — prepared PostgreSQL database states: prepare a database from SQL scripts or
/// Liquibase changelogs once, cache every step's result by content, and hand out
/// copy-on-write instances of it. The engine and the commands are being built
/// (docs/sqlrs/design.md).
#[derive(Debug, Parser)]
#[command(name = "sqlrs", version, max_term_width = 100)]
struct Cli {
    /// The command and its arguments
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    words: Vec<String>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let verb = cli.words.first().cloned().unwrap_or_default();
    let e = CliError::failure(if verb.is_empty() {
        "sqlrs has no commands in this build yet".to_string()
    } else {
        format!("`sqlrs {}` is not in this build yet", verb.escape_default())
    })
    .hint("the engine and the commands are being built; see docs/sqlrs/design.md");
    Printer::new(PrinterOptions::default()).error(&e);
    ExitCode::from(e.code())
}
