//! `hsm`, the Hyper Stack Manager binary: parse arguments, resolve settings, call one
//! operation of `hsm-ops`, print its report. Everything else lives in the libraries (see
//! `crates/README.md`).

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod adapters;
mod cli;
mod commands;
mod parse;
mod settings;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use infra_cli::{ColorMode, Printer, PrinterOptions};

/// Parse errors: clap renders them, or, with `--json`, the JSON error envelope.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    if matches!(
        e.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        let code = if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        };
        return ExitCode::from(code);
    }
    let json = std::env::args_os()
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if json {
        let text = e.render().to_string();
        let printer = Printer::new(PrinterOptions {
            json: true,
            ..PrinterOptions::default()
        });
        printer.error(&infra_cli::usage_from_rendered(
            &text,
            "run `hsm --help` for usage",
        ));
    } else {
        let _ = e.print();
    }
    ExitCode::from(infra_cli::code::USAGE)
}

fn main() -> ExitCode {
    let matches = match cli::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(&e),
    };
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let printer = Printer::new(PrinterOptions {
        json: cli.json,
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: cli.color.parse().unwrap_or(ColorMode::Auto),
    });
    match commands::run(cli, &matches, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            printer.error(&e);
            ExitCode::from(e.code())
        }
    }
}
