//! `up|down|ps|logs`, `env`, `run`, `completions`: using the synced project.

use infra_cli::{CliError, ErrorKind};
use infra_process::ProcessError;

use super::Ctx;
use crate::cli::{ComposeArgs, EnvArgs, RunArgs};
use hsm_ops::env_vars;

pub fn compose(ctx: &Ctx<'_>, verb: &str, args: &ComposeArgs) -> Result<(), CliError> {
    let printer = ctx.printer;
    let announce = |line: &str| printer.status(&format!("$ {line}"));
    hsm_ops::compose::run(&ctx.ops(), verb, &args.args, &announce)?;
    Ok(())
}

pub fn env(ctx: &Ctx<'_>, args: &EnvArgs) -> Result<(), CliError> {
    let vars = hsm_ops::env::show(&ctx.ops(), args.show_secrets)?;
    if ctx.printer.is_json() {
        ctx.printer.json(&vars);
    } else {
        let text: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        ctx.printer.data(&text);
    }
    Ok(())
}

/// Runs the command; its exit status becomes hsm's (128 + signal when a signal killed it),
/// silently: the command said what it had to. As in a shell, a command that cannot be
/// found exits 127 and one that cannot be executed 126, with hsm's message.
pub fn run(ctx: &Ctx<'_>, args: &RunArgs) -> Result<(), CliError> {
    let env = infra_cli::Environment::from_process();
    let path = env.get(env_vars::PATH).map(ToOwned::to_owned);
    match hsm_ops::env::run(&ctx.ops(), &args.command, path) {
        Err(hsm_ops::OpsError::Process(e @ ProcessError::Failed { code: Some(c), .. })) => {
            Err(CliError::new(ErrorKind::Exit(u8::try_from(c).unwrap_or(1)), e).reported())
        }
        Err(hsm_ops::OpsError::Process(
            e @ ProcessError::Failed {
                signal: Some(s), ..
            },
        )) => {
            let code = 128u8.saturating_add(u8::try_from(s).unwrap_or(0));
            Err(CliError::new(ErrorKind::Exit(code), e).reported())
        }
        Err(hsm_ops::OpsError::Process(e @ ProcessError::NotFound { .. })) => {
            let program = args.command.first().cloned().unwrap_or_default();
            Err(CliError::new(ErrorKind::Exit(127), e).hint(format!(
                "check the spelling of `{program}`, or install it in the project's environment"
            )))
        }
        Err(hsm_ops::OpsError::Process(e @ ProcessError::Spawn { .. })) => {
            Err(CliError::new(ErrorKind::Exit(126), e))
        }
        other => Ok(other?),
    }
}

pub fn completions(ctx: &Ctx<'_>, shell: clap_complete::Shell) {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "hsm", &mut out);
    ctx.printer.data(&String::from_utf8_lossy(&out));
}
