//! `hsm env` and `hsm run`: the environment of local processes.

use std::ffi::OsString;
use std::path::PathBuf;

use indexmap::IndexMap;
use infra_process::Cmd;

use crate::{Context, OpsError};

/// `.hsm/env` of the project, and the project root.
fn read(ctx: &Context<'_>) -> Result<(PathBuf, Vec<(String, String)>), OpsError> {
    let root = ctx.root()?;
    hsm_sync::check_env_file(&root)?;
    let path = root.join(hsm_sync::ENV_FILE);
    if !path.is_file() {
        return Err(OpsError::NoEnvFile);
    }
    let vars = hsm_sync::parse_env_file(&path).map_err(OpsError::EnvFile)?;
    Ok((root, vars))
}

/// The variables of `.hsm/env`, secret values redacted unless `show_secrets`.
pub fn show(ctx: &Context<'_>, show_secrets: bool) -> Result<IndexMap<String, String>, OpsError> {
    let (root, vars) = read(ctx)?;
    let secret = hsm_sync::secret_keys(&root.join(hsm_sync::ENV_FILE));
    Ok(vars
        .into_iter()
        .map(|(k, v)| {
            let v = if show_secrets {
                v
            } else {
                hsm_sync::redact_value(&k, &v, &secret)
            };
            (k, v)
        })
        .collect())
}

/// Runs `command` with the project's environment: `.hsm/env`, and the package adapter's
/// activation (its virtual environment first on `PATH`). Ctrl-C reaches the command
/// directly: a REPL or a server handles it as it would without hsm; a signal sent to hsm
/// alone (`kill`, a supervisor) is passed on to it.
pub fn run(ctx: &Context<'_>, command: &[String], path: Option<OsString>) -> Result<(), OpsError> {
    let (program, args) = command.split_first().ok_or_else(|| OpsError::Usage {
        message: "give the command to run after `--`".into(),
    })?;
    let (root, vars) = read(ctx)?;
    let mut cmd = Cmd::new(program).args(args).current_dir(&ctx.settings.cwd);
    for (k, v) in vars {
        cmd = cmd.env(k, v);
    }
    // A manifest that does not load (being edited) still runs with the default adapter's
    // environment: `.hsm/env` is what the last sync wrote.
    let project = ctx.open().ok();
    let adapter = match &project {
        Some(p) => p.adapter(ctx.tools)?,
        None => ctx
            .tools
            .get("uv")
            .or_else(|| ctx.tools.adapters.first().map(|a| a.as_ref()))
            .ok_or(OpsError::NoEnvFile)?,
    };
    for (k, v) in adapter.activation(&root, path.as_deref()) {
        cmd = cmd.env(k, v);
    }
    infra_process::run_foreground(&cmd, ctx.interrupt)?;
    Ok(())
}
