//! `hyperforge`, the declarative forge hub. The libraries come first (the emulator, the
//! state model; the plan is in `docs/hyperforge/design.md`); until its commands exist the
//! binary only describes itself, and says so.

#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;
use infra_cli::{CliError, Printer, PrinterOptions};

/// hyperforge — repositories across GitHub, Gitea/Forgejo/Codeberg and GitLab as desired
/// state: stage, plan, apply, refresh, converge. The commands are being built
/// (docs/hyperforge/design.md).
#[derive(Debug, Parser)]
#[command(name = "hyperforge", version, max_term_width = 100)]
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
        "hyperforge has no commands in this build yet".to_string()
    } else {
        format!(
            "`hyperforge {}` is not in this build yet",
            verb.escape_default()
        )
    })
    .hint("the hub is being built; see docs/hyperforge/design.md");
    Printer::new(PrinterOptions::default()).error(&e);
    ExitCode::from(e.code())
}
