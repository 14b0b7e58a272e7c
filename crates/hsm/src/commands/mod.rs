//! One module per command; each is a thin layer over the libraries.

mod check;
mod compose;
mod edit;
mod env;
mod init;
mod list;
mod plan;
mod registry;
mod status;
mod sync;

use crate::cli::Command;
use crate::context::Ctx;
use crate::error::CliError;

/// Runs one command.
pub fn dispatch(ctx: &Ctx, cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Init(a) => init::run(ctx, &a),
        Command::Check(a) => check::run(ctx, &a),
        Command::Plan => plan::run(ctx),
        Command::Sync(a) => sync::run(ctx, &a),
        Command::List => list::run(ctx),
        Command::Status(a) => status::run(ctx, &a),
        Command::Mode(a) => edit::mode(ctx, &a),
        Command::Package(c) => edit::component(ctx, false, c),
        Command::Container(c) => edit::component(ctx, true, c),
        Command::Group(c) => edit::group(ctx, c),
        Command::Profile(a) => edit::profile(ctx, &a),
        Command::Registry(c) => registry::run(ctx, c),
        Command::Up(a) => compose::run(ctx, "up", &a),
        Command::Down(a) => compose::run(ctx, "down", &a),
        Command::Ps(a) => compose::run(ctx, "ps", &a),
        Command::Logs(a) => compose::run(ctx, "logs", &a),
        Command::Env(a) => env::show(ctx, &a),
        Command::Run(a) => env::run(ctx, &a),
        Command::Completions(a) => {
            let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "hsm", &mut std::io::stdout());
            Ok(())
        }
    }
}
