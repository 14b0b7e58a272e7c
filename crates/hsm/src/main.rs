//! `hsm`, the Hyper Stack Manager binary: parse arguments, resolve settings, call the
//! libraries, print. Everything else lives in the `hsm-*` crates (see `crates/README.md`).

mod adapters;
mod cli;
mod commands;
mod context;
mod error;
mod printer;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                error::code::USAGE
            } else {
                error::code::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let printer = printer::Printer::new(cli.json, cli.quiet, cli.verbose);
    match context::Ctx::new(&cli, printer).and_then(|ctx| commands::dispatch(&ctx, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            printer.error(&e);
            ExitCode::from(e.code)
        }
    }
}
