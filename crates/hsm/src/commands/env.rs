//! `hsm env` and `hsm run`: the environment of local processes.

use serde_json::json;

use crate::cli::{EnvArgs, RunArgs};
use crate::context::Ctx;
use crate::error::CliError;

fn read(ctx: &Ctx) -> Result<Vec<(String, String)>, CliError> {
    let root = ctx.root()?;
    let path = root.join(hsm_sync::ENV_FILE);
    if !path.is_file() {
        return Err(
            CliError::failure(format!("`{}` does not exist", hsm_sync::ENV_FILE))
                .hint("run `hsm sync` first"),
        );
    }
    hsm_sync::parse_env_file(&path).map_err(|e| {
        CliError::failure(format!("`{}`: {e}", hsm_sync::ENV_FILE))
            .hint("run `hsm sync` to regenerate it")
    })
}

pub fn show(ctx: &Ctx, args: &EnvArgs) -> Result<(), CliError> {
    let vars = read(ctx)?;
    let secret = hsm_sync::secret_keys(&ctx.root()?.join(hsm_sync::ENV_FILE));
    let shown: Vec<(String, String)> = vars
        .into_iter()
        .map(|(k, v)| {
            let v = if args.show_secrets {
                v
            } else {
                hsm_sync::redact_value(&k, &v, &secret)
            };
            (k, v)
        })
        .collect();
    if ctx.printer.json {
        let m: serde_json::Map<String, serde_json::Value> =
            shown.into_iter().map(|(k, v)| (k, json!(v))).collect();
        ctx.printer.json(&serde_json::Value::Object(m));
    } else {
        let text: String = shown.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        ctx.printer.out(&text);
    }
    Ok(())
}

pub fn run(ctx: &Ctx, args: &RunArgs) -> Result<(), CliError> {
    let vars = read(ctx)?;
    let root = ctx.root()?;
    let mut cmd = infra_process::Cmd::new(&args.command[0])
        .args(&args.command[1..])
        .current_dir(&ctx.cwd);
    for (k, v) in vars {
        cmd = cmd.env(k, v);
    }
    // Activate the project's venv the way `uv run` would.
    let venv = root.join(".venv");
    if venv.join("bin").is_dir() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![venv.join("bin")];
        paths.extend(std::env::split_paths(&path));
        if let Ok(joined) = std::env::join_paths(paths) {
            cmd = cmd.env("PATH", joined).env("VIRTUAL_ENV", &venv);
        }
    }
    // Ctrl-C reaches the command directly; a REPL or server handles it as it would without
    // hsm, which only waits and passes the exit status on.
    match infra_process::run(
        &cmd,
        infra_process::Output::Inherit,
        &infra_process::Interrupt::none(),
    ) {
        Ok(_) => Ok(()),
        Err(infra_process::ProcessError::Failed { code: Some(c), .. }) => {
            let mut e = CliError::failure(format!("`{}` exited with status {c}", args.command[0]));
            e.code = u8::try_from(c).unwrap_or(1);
            Err(e)
        }
        Err(infra_process::ProcessError::Failed {
            signal: Some(sig), ..
        }) => {
            let mut e =
                CliError::failure(format!("`{}` was stopped by signal {sig}", args.command[0]));
            e.code = 128u8.saturating_add(u8::try_from(sig).unwrap_or(0));
            Err(e)
        }
        Err(e) => Err(CliError::failure(e.to_string())),
    }
}
