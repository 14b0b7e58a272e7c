//! `hyperforge`, the declarative forge hub: parse arguments, resolve settings, call one
//! `hyperforge-ops` operation, print its events and result.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod errors;
mod print;
mod repos_cmd;
mod serve;
mod settings;
mod stopping;

use std::process::ExitCode;

use clap::Parser as _;
use infra_cli::{CliError, ColorMode, Environment, ErrorEnvelope, Printer, PrinterOptions};

/// The arguments as text; a word that is not UTF-8 is a usage error, not a panic.
fn words() -> Result<Vec<String>, CliError> {
    std::env::args_os()
        .enumerate()
        .map(|(i, w)| {
            w.into_string().map_err(|w| {
                CliError::usage(format!(
                    "argument {i} is not valid UTF-8: {}",
                    w.to_string_lossy()
                ))
            })
        })
        .collect()
}

/// An error: on stderr, or with `--json` one NDJSON line `{"type": "error", …}`.
pub(crate) fn report(printer: &Printer, e: &CliError) {
    if printer.is_json() {
        let mut line = serde_json::Map::new();
        line.insert("type".into(), "error".into());
        if let serde_json::Value::Object(mut m) =
            serde_json::to_value(ErrorEnvelope::of(e)).unwrap_or_default()
        {
            line.append(&mut m);
        }
        printer.json_line(&line);
    } else {
        printer.error(e);
    }
}

fn main() -> ExitCode {
    let plain = Printer::new(PrinterOptions::default());
    let words = match words() {
        Ok(w) => w,
        Err(e) => {
            plain.error(&e);
            return ExitCode::from(e.code());
        }
    };
    let json = words
        .iter()
        .take_while(|w| *w != "--")
        .any(|w| w == "--json");
    let cli = match cli::Cli::try_parse_from(&words) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if json {
                let p = Printer::new(PrinterOptions {
                    json: true,
                    ..PrinterOptions::default()
                });
                report(
                    &p,
                    &infra_cli::usage_from_rendered(
                        &e.render().to_string(),
                        "run `hyperforge --help` for usage",
                    ),
                );
            } else {
                let _ = e.print();
            }
            return ExitCode::from(infra_cli::code::USAGE);
        }
    };
    let color = match cli.color.parse::<ColorMode>() {
        Ok(c) => c,
        Err(e) => {
            let e = CliError::usage(format!("--color: {e}"));
            report(
                &Printer::new(PrinterOptions {
                    json: cli.json,
                    ..PrinterOptions::default()
                }),
                &e,
            );
            return ExitCode::from(e.code());
        }
    };
    let printer = Printer::new(PrinterOptions {
        json: cli.json,
        quiet: cli.quiet,
        verbose: cli.verbose > 0,
        color,
    });
    let result = settings::Settings::resolve(&cli, Environment::from_process())
        .and_then(|s| commands::run(cli, &s, &printer));
    if let Some(e) = infra_cli::stdout_failure() {
        plain.error(&e);
        return ExitCode::from(e.code());
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            report(&printer, &e);
            ExitCode::from(e.code())
        }
    }
}
