//! One module per command family; each command parses nothing more, builds the options of
//! one `hsm_ops` operation, calls it and prints the report (text, or JSON with `--json`).

mod edit;
mod export;
mod migrate;
mod project;
mod registry;
mod runtime;

use clap::ArgMatches;
use hsm_ops::{Context, Settings, Tools};
use infra_cli::{CliError, Printer};
use infra_process::Interrupt;

use crate::adapters::{self, VERSION};
use crate::cli::{Cli, Command};

/// What every command runs with.
pub struct Ctx<'a> {
    /// Settings.
    pub settings: Settings,
    /// Adapters.
    pub tools: Tools,
    /// Output.
    pub printer: &'a Printer,
    /// SIGINT/SIGTERM.
    pub interrupt: Interrupt,
}

impl Ctx<'_> {
    /// The operations' context.
    pub fn ops(&self) -> Context<'_> {
        Context {
            settings: &self.settings,
            tools: &self.tools,
            printer: self.printer,
            interrupt: &self.interrupt,
            version: VERSION,
        }
    }
}

/// Commands whose output is another program's (Compose, the command run, a shell script)
/// cannot honour `--json`; saying so beats printing text where JSON was promised.
fn refuse_json(command: &Command) -> Result<(), CliError> {
    let name = match command {
        Command::Up(_) => "up",
        Command::Down(_) => "down",
        Command::Ps(_) => "ps",
        Command::Logs(_) => "logs",
        Command::Run(_) => "run",
        Command::Completions(_) => "completions",
        _ => return Ok(()),
    };
    Err(
        CliError::usage(format!("`hsm {name}` has no JSON output")).hint(format!(
            "its output is another program's; run `hsm {name}` without `--json`"
        )),
    )
}

/// Resolves the settings and runs the command.
pub fn run(cli: Cli, matches: &ArgMatches, printer: &Printer) -> Result<(), CliError> {
    if cli.json {
        refuse_json(&cli.command)?;
    }
    let settings = crate::settings::resolve(&cli, matches)?;
    let uv = cli.tooling.uv.clone();
    let ctx = Ctx {
        settings,
        tools: adapters::tools(&cli.tooling),
        printer,
        interrupt: Interrupt::install().unwrap_or_else(|_| Interrupt::none()),
    };
    match cli.command {
        Command::Init(a) => project::init(&ctx, &a),
        Command::Check(a) => project::check(&ctx, &a),
        Command::Plan => project::plan(&ctx),
        Command::Sync(a) => project::sync(&ctx, &a),
        Command::List => project::list(&ctx),
        Command::Status(a) => project::status(&ctx, &a),
        Command::Mode(a) => edit::mode(&ctx, &a),
        Command::Package(crate::cli::PackageCmd::Component(c)) => {
            edit::component(&ctx, hsm_schema::ComponentKind::Package, c)
        }
        Command::Package(crate::cli::PackageCmd::Init { name, path }) => {
            edit::package_init(&ctx, &name, path.as_deref(), &uv)
        }
        Command::Container(c) => edit::component(&ctx, hsm_schema::ComponentKind::Container, c),
        Command::Group(c) => edit::group(&ctx, c),
        Command::Profile(a) => edit::profile(&ctx, &a),
        Command::Set(a) => edit::set(&ctx, &a),
        Command::Migrate(a) => migrate::migrate(&ctx, &a),
        Command::Registry(c) => registry::run(&ctx, c),
        Command::Export(crate::cli::ExportCmd::Kubernetes(a)) => export::kubernetes(&ctx, &a),
        Command::Up(a) => runtime::compose(&ctx, "up", &a),
        Command::Down(a) => runtime::compose(&ctx, "down", &a),
        Command::Ps(a) => runtime::compose(&ctx, "ps", &a),
        Command::Logs(a) => runtime::compose(&ctx, "logs", &a),
        Command::Env(a) => runtime::env(&ctx, &a),
        Command::Run(a) => runtime::run(&ctx, &a),
        Command::Completions(a) => {
            runtime::completions(&ctx, a.shell);
            Ok(())
        }
    }
}
