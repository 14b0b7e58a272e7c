//! `hsm`, the Hyper Stack Manager binary: parse arguments, resolve settings, call one
//! operation of `hsm-ops`, print its report. Everything else lives in the libraries (see
//! `crates/README.md`).

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod adapters;
mod cli;
mod commands;
mod complete;
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

/// Flags both hsm (globally) and Compose's commands have: after `hsm up|down|ps|logs` clap
/// takes them as hsm's, so `hsm down -v` would silently keep the volumes. They are refused
/// there unless written after `--`.
const SHARED_WITH_COMPOSE: [&str; 5] = ["-v", "--verbose", "-q", "--quiet", "--color"];

/// The first flag hsm would take from Compose's arguments, if any.
fn flag_meant_for_compose(matches: &clap::ArgMatches) -> Option<(String, String)> {
    let (command, _) = matches.subcommand()?;
    if !matches!(command, "up" | "down" | "ps" | "logs") {
        return None;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let start = args.iter().position(|a| a == command)?;
    args[start + 1..]
        .iter()
        .take_while(|a| *a != "--")
        .find(|a| {
            let name = a.split('=').next().unwrap_or(a);
            SHARED_WITH_COMPOSE.contains(&name)
        })
        .map(|flag| (command.to_string(), flag.clone()))
}

/// The command line definition, where a variable that is set but empty counts as unset
/// (`export HSM_CACHE_DIR=` in a CI template), as it already does for `HSM_UV` and
/// `HSM_COMPOSE`: clap would otherwise demand a value for a flag nobody gave.
fn command() -> clap::Command {
    let env = infra_cli::Environment::from_process();
    cli::Cli::command().mut_args(|arg| {
        let empty = arg
            .get_env()
            .is_some_and(|name| env.is_set_empty(&name.to_string_lossy()));
        if empty { arg.env(None) } else { arg }
    })
}

fn main() -> ExitCode {
    // `COMPLETE=bash hsm` prints the shell's registration; the shell then calls hsm with
    // `COMPLETE` set to get candidates. Otherwise this returns at once.
    clap_complete::CompleteEnv::with_factory(command).complete();
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(&e),
    };
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    if let Some((command, flag)) = flag_meant_for_compose(&matches) {
        let e = infra_cli::CliError::usage(format!(
            "`{flag}` after `hsm {command}` would be taken as hsm's own flag, not passed to Compose"
        ))
        .hint(format!(
            "write `hsm {command} -- {flag}` to pass it to Compose, or `hsm {flag} {command}` for hsm"
        ));
        Printer::new(PrinterOptions::default()).error(&e);
        return ExitCode::from(e.code());
    }
    let printer = Printer::new(PrinterOptions {
        json: cli.json,
        quiet: cli.quiet,
        verbose: cli.verbose > 0,
        color: cli.color.parse().unwrap_or(ColorMode::Auto),
    });
    let result = commands::run(cli, &matches, &printer);
    // Output that could not be written is reported on stderr, even with `--json`: stdout
    // is what failed.
    if let Some(e) = infra_cli::stdout_failure() {
        Printer::new(PrinterOptions::default()).error(&e);
        return ExitCode::from(e.code());
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            printer.error(&e);
            ExitCode::from(e.code())
        }
    }
}
