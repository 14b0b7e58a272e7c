//! `sqlrs`, prepared PostgreSQL states: parse arguments, resolve settings, call one
//! `sqlrs-ops` operation, print its report. A `prepare:… run:…` command line is split into
//! its two stages first (sqlrs-args), each parsed like a command of its own.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod print;

use std::process::ExitCode;

use infra_cli::{CliError, ColorMode, Printer, PrinterOptions};

/// Global flags that take a value (so the value is not taken for the command).
const GLOBAL_WITH_VALUE: [&str; 9] = [
    "--snapshot",
    "--runtime",
    "--image",
    "--output",
    "--store",
    "--engine",
    "--idle-timeout",
    "--timeout",
    "--color",
];

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

/// Where the command starts: the first word after the global flags (and their values).
fn verb_index(words: &[String]) -> Option<usize> {
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        if w == "--" || !w.starts_with('-') {
            return (w != "--").then_some(i);
        }
        i += if GLOBAL_WITH_VALUE.contains(&w.as_str()) {
            2
        } else {
            1
        };
    }
    None
}

/// Parse errors as clap renders them (help and version are not errors).
fn usage_error(e: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind as K;
    if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if json {
        let printer = Printer::new(PrinterOptions {
            json: true,
            ..PrinterOptions::default()
        });
        printer.error(&infra_cli::usage_from_rendered(
            &e.render().to_string(),
            "run `sqlrs --help` for usage",
        ));
    } else {
        let _ = e.print();
    }
    ExitCode::from(infra_cli::code::USAGE)
}

/// The command line, where `-h` after a command is the tool's (psql's host), refused
/// like its other connection options: only `--help` asks for help there.
fn command() -> clap::Command {
    use clap::CommandFactory as _;
    cli::Cli::command().mut_subcommands(|sub| {
        sub.disable_help_flag(true).arg(
            clap::Arg::new("help")
                .long("help")
                .help("Print help")
                .action(clap::ArgAction::Help),
        )
    })
}

fn parse(words: &[String]) -> Result<cli::Cli, clap::Error> {
    use clap::FromArgMatches as _;
    let matches = command().try_get_matches_from(words)?;
    cli::Cli::from_arg_matches(&matches)
}

fn printer(cli: &cli::Cli) -> Printer {
    Printer::new(PrinterOptions {
        json: cli.json || cli.output == "json",
        quiet: cli.quiet,
        verbose: cli.verbose > 0,
        color: cli.color.parse().unwrap_or(ColorMode::Auto),
    })
}

fn main() -> ExitCode {
    let words = match words() {
        Ok(w) => w,
        Err(e) => {
            Printer::new(PrinterOptions::default()).error(&e);
            return ExitCode::from(e.code());
        }
    };
    let json_flag = words
        .iter()
        .take_while(|w| *w != "--")
        .any(|w| w == "--json");
    // `prepare:… run:…`: two stages, each parsed with the global flags.
    let (first, second) = match verb_index(&words) {
        Some(v) if words[v].starts_with("prepare") => {
            let split = sqlrs_args::split_composite(&words[v..]);
            let globals = &words[..v];
            let join = |stage: &[String]| -> Vec<String> {
                globals.iter().chain(stage).cloned().collect()
            };
            (join(&split.prepare), split.run.as_deref().map(join))
        }
        _ => (words.clone(), None),
    };
    let cli = match parse(&first) {
        Ok(c) => c,
        Err(e) => return usage_error(&e, json_flag),
    };
    let run_stage = match second.map(|w| parse(&w)).transpose() {
        Ok(r) => r,
        Err(e) => return usage_error(&e, json_flag),
    };
    let printer = printer(&cli);
    let result = commands::run(cli, run_stage, &printer);
    if let Some(e) = infra_cli::stdout_failure() {
        Printer::new(PrinterOptions::default()).error(&e);
        return ExitCode::from(e.code());
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            printer.error(&e);
            ExitCode::from(e.code())
        }
    }
}
