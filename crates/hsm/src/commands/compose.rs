//! `hsm up|down|ps|logs`: Docker Compose with the right files, env file and profiles.

use crate::cli::ComposeArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// The Compose command: `HSM_COMPOSE` (e.g. `docker-compose`), else `compose.command` from
/// hsm.yaml, else `docker compose` when the plugin answers, else `docker-compose`.
pub fn tool(configured: Option<&str>) -> Option<Vec<String>> {
    let env = std::env::var_os("HSM_COMPOSE").and_then(|v| v.into_string().ok());
    if let Some(v) = env
        .as_deref()
        .or(configured)
        .filter(|v| !v.trim().is_empty())
    {
        return Some(v.split_whitespace().map(str::to_string).collect());
    }
    if infra_process::which("docker").is_some() {
        let probe = infra_process::Cmd::new("docker")
            .args(["compose", "version"])
            .stdin_null();
        if infra_process::run(
            &probe,
            infra_process::Output::Capture,
            &infra_process::Interrupt::none(),
        )
        .is_ok()
        {
            return Some(vec!["docker".into(), "compose".into()]);
        }
    }
    infra_process::which("docker-compose").map(|_| vec!["docker-compose".into()])
}

/// Names of the services `docker compose ps` reports as running.
pub fn running_services(ctx: &Ctx, root: &std::path::Path) -> Result<Vec<String>, CliError> {
    let cmd = base_command(ctx, root)?.args(["ps", "--services", "--filter", "status=running"]);
    let out = infra_process::run(&cmd, infra_process::Output::Capture, &ctx.interrupt)
        .map_err(|e| CliError::failure(format!("cannot list running containers: {e}")))?;
    Ok(out
        .stdout
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}

/// `docker compose` with `-p`, `-f` files, `--env-file` and `--profile`s for this project.
fn base_command(ctx: &Ctx, root: &std::path::Path) -> Result<infra_process::Cmd, CliError> {
    let loaded = ctx.load()?;
    let m = &loaded.project.manifest;
    let tool = tool(m.compose.command.as_deref()).ok_or_else(|| {
        CliError::failure("Docker Compose is not installed").hint(
            "install `docker compose` or `docker-compose`, set `compose.command` in hsm.yaml, or set HSM_COMPOSE",
        )
    })?;
    let mut cmd = infra_process::Cmd::new(&tool[0])
        .args(&tool[1..])
        .current_dir(root);
    if let Some(name) = &m.compose.project_name {
        cmd = cmd.arg("-p").arg(name);
    }
    let user = hsm_compose::user_compose_file(root, m.compose.file.as_deref());
    if let Some(u) = &user {
        cmd = cmd.arg("-f").arg(u);
    }
    cmd = cmd.arg("-f").arg(hsm_sync::COMPOSE_FILE);
    let env_file = root.join(hsm_sync::ENV_FILE);
    if env_file.is_file() {
        cmd = cmd.arg("--env-file").arg(hsm_sync::ENV_FILE);
        if let Ok(vars) = hsm_sync::parse_env_file(&env_file) {
            for (k, v) in vars {
                if k == "COMPOSE_PROFILES" {
                    for p in v.split(',').filter(|p| !p.is_empty()) {
                        cmd = cmd.arg("--profile").arg(p);
                    }
                }
            }
        }
    }
    Ok(cmd)
}

pub fn run(ctx: &Ctx, verb: &str, args: &ComposeArgs) -> Result<(), CliError> {
    let root = ctx.root()?;
    if !root.join(hsm_sync::COMPOSE_FILE).is_file() {
        return Err(
            CliError::failure(format!("`{}` does not exist", hsm_sync::COMPOSE_FILE))
                .hint("run `hsm sync` first (or the stack has no managed containers)"),
        );
    }
    let mut cmd = base_command(ctx, &root)?;
    cmd = cmd.arg(verb).args(&args.args);
    ctx.printer.status(&format!("$ {}", cmd.display()));
    // The terminal's Ctrl-C reaches Compose directly (same process group) and Compose decides
    // what to do with it (`up` stops the stack gracefully); hsm only waits for it.
    infra_process::run(
        &cmd,
        infra_process::Output::Inherit,
        &infra_process::Interrupt::none(),
    )
    .map_err(|e| CliError::failure(e.to_string()))?;
    Ok(())
}
