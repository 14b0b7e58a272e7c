//! Running Docker Compose on the project: the right tool, files, env file and profiles.
//!
//! Compose reads `.hsm/env` with `--env-file`, but its reader (docker-compose 1.29's
//! python-dotenv) cannot read every value back exactly, so hsm also passes every variable
//! of `.hsm/env` in Compose's environment, which takes precedence over the file.

use std::path::Path;

use infra_process::{Cmd, Interrupt, Output};

use crate::{Context, OpsError, Project};

/// The Compose command line: the configured one (flag, environment, `compose.command`),
/// else `docker compose` when the plugin answers, else `docker-compose`.
pub fn tool(ctx: &Context<'_>, project: Option<&Project>) -> Result<Option<Vec<String>>, OpsError> {
    let manifest = project.map(|p| &p.loaded.project);
    if let Some(setting) = ctx.settings.compose_command(manifest) {
        let words = infra_process::split_command_line(&setting.value).map_err(|source| {
            let diagnostic = match (&setting.provenance, manifest) {
                (infra_cli::Provenance::File { .. }, Some(m)) => Some(m.error(
                    "compose.command",
                    format!("`compose.command` is not a valid command line: {source}"),
                )),
                _ => None,
            };
            OpsError::ComposeCommand {
                origin: setting.provenance.to_string(),
                diagnostic,
                source,
            }
        })?;
        return Ok(Some(words));
    }
    if infra_process::which("docker").is_some() {
        let probe = Cmd::new("docker").args(["compose", "version"]).stdin_null();
        if infra_process::run(&probe, Output::Capture, &Interrupt::none()).is_ok() {
            return Ok(Some(vec!["docker".into(), "compose".into()]));
        }
    }
    Ok(infra_process::which("docker-compose").map(|_| vec!["docker-compose".into()]))
}

/// `.hsm/env`'s variables, when it exists.
fn env_vars(root: &Path) -> Result<Vec<(String, String)>, OpsError> {
    let env_file = root.join(hsm_sync::ENV_FILE);
    hsm_sync::check_env_file(root)?;
    if !env_file.is_file() {
        return Ok(Vec::new());
    }
    hsm_sync::parse_env_file(&env_file).map_err(OpsError::EnvFile)
}

/// `docker compose` with `-p`, the `-f` files, `--env-file`, the `--profile`s and the
/// environment of `.hsm/env`, run in the project root.
pub fn command(ctx: &Context<'_>, project: &Project) -> Result<Cmd, OpsError> {
    let root = project.root();
    let m = &project.loaded.project.manifest;
    let tool = tool(ctx, Some(project))?.ok_or(OpsError::NoCompose)?;
    let (program, args) = tool.split_first().ok_or(OpsError::NoCompose)?;
    let mut cmd = Cmd::new(program).args(args).current_dir(root);
    if let Some(name) = &m.compose.project_name {
        cmd = cmd.arg("-p").arg(name);
    }
    if let Some(u) = hsm_compose::user_compose_file(root, m.compose.file.as_deref()) {
        cmd = cmd.arg("-f").arg(u);
    }
    cmd = cmd.arg("-f").arg(hsm_sync::COMPOSE_FILE);
    let vars = env_vars(root)?;
    if root.join(hsm_sync::ENV_FILE).is_file() {
        cmd = cmd.arg("--env-file").arg(hsm_sync::ENV_FILE);
    }
    for (k, v) in &vars {
        if k == "COMPOSE_PROFILES" {
            for p in v.split(',').filter(|p| !p.is_empty()) {
                cmd = cmd.arg("--profile").arg(p);
            }
        }
    }
    let secret = hsm_sync::secret_keys(&root.join(hsm_sync::ENV_FILE));
    for (k, v) in vars {
        cmd = if secret.contains(&k) {
            cmd.secret_env(k, &v)
        } else {
            cmd.env(k, v)
        };
    }
    Ok(cmd)
}

/// The services `docker compose ps` reports as running.
pub fn running_services(ctx: &Context<'_>, project: &Project) -> Result<Vec<String>, OpsError> {
    let cmd = command(ctx, project)?.args(["ps", "--services", "--filter", "status=running"]);
    let out = infra_process::run(&cmd, Output::Capture, ctx.interrupt)?;
    Ok(out
        .stdout
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Runs `verb` (`up`, `down`, `ps`, `logs`) with `args`; Compose gets the terminal. Returns
/// the command line shown to the user first.
pub fn run(
    ctx: &Context<'_>,
    verb: &str,
    args: &[String],
    announce: &dyn Fn(&str),
) -> Result<(), OpsError> {
    let project = ctx.open()?;
    if !project.root().join(hsm_sync::COMPOSE_FILE).is_file() {
        return Err(OpsError::NoComposeFile);
    }
    let cmd = command(ctx, &project)?.arg(verb).args(args);
    announce(&cmd.display());
    // The terminal's Ctrl-C reaches Compose directly (same process group) and Compose decides
    // what to do with it (`up` stops the stack gracefully); a signal sent to hsm alone (a
    // supervisor, `kill`) is passed on to it.
    infra_process::run_foreground(&cmd, ctx.interrupt)?;
    Ok(())
}
