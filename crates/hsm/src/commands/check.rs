//! `hsm check`: every validation `hsm sync` would do, plus resolvability with the package
//! tool and compose validation with a real Compose implementation — without changing a file.

use std::io::Write as _;

use serde_json::json;

use crate::cli::CheckArgs;
use crate::context::Ctx;
use crate::error::CliError;

pub fn run(ctx: &Ctx, args: &CheckArgs) -> Result<(), CliError> {
    let loaded = ctx.load()?;
    let adapter = ctx.adapter(&loaded)?;
    let plan = ctx.plan(&loaded, adapter.as_ref())?;
    let mut checks: Vec<(String, String)> = vec![
        ("manifest".into(), "ok".into()),
        ("registry".into(), "ok".into()),
        ("implies".into(), "ok".into()),
        ("variables".into(), "ok".into()),
    ];
    if args.offline {
        checks.push(("packages".into(), "skipped (--offline)".into()));
        checks.push(("compose".into(), "skipped (--offline)".into()));
    } else {
        // Packages resolve?
        if infra_process::which(adapter.program()).is_some() || std::env::var_os("HSM_UV").is_some()
        {
            adapter
                .check(&plan.root, &plan.requirements, &ctx.interrupt)
                .map_err(|e| {
                    let mut c = CliError::invalid(format!(
                        "the packages do not resolve with {}",
                        adapter.name()
                    ));
                    c.causes.push(e.to_string());
                    if let hsm_adapter::AdapterError::Process(
                        infra_process::ProcessError::Failed { output_tail, .. },
                    ) = &e
                    {
                        c.causes.push(output_tail.trim().to_string());
                    }
                    c
                })?;
            let services = ctx.service_adapter();
            for s in plan.services.iter().filter(|s| s.dir.exists()) {
                services
                    .check(&s.dir, &s.requirements, &ctx.interrupt)
                    .map_err(|e| {
                        let mut c = CliError::invalid(format!(
                            "the dependencies of service `{}` do not resolve with uv",
                            s.name
                        ));
                        c.causes.push(e.to_string());
                        c
                    })?;
            }
            let n = plan.requirements.len()
                + plan
                    .services
                    .iter()
                    .map(|s| s.requirements.len())
                    .sum::<usize>();
            checks.push((
                "packages".into(),
                if n == 0 {
                    "none to resolve".to_string()
                } else {
                    format!("{n} resolve with {}", adapter.name())
                },
            ));
        } else {
            ctx.printer.warn(&format!(
                "`{}` is not installed; skipped the resolvability check",
                adapter.program()
            ));
            checks.push((
                "packages".into(),
                format!("skipped ({} not installed)", adapter.program()),
            ));
        }
        // Compose valid?
        let compose = plan
            .files
            .iter()
            .find(|f| f.path.as_os_str() == hsm_sync::COMPOSE_FILE)
            .and_then(|f| f.after.clone());
        match (
            compose,
            super::compose::tool(loaded.project.manifest.compose.command.as_deref()),
        ) {
            (None, _) => checks.push(("compose".into(), "no containers".into())),
            (Some(_), None) => {
                ctx.printer.warn("no Docker Compose found (`docker compose` or `docker-compose`); skipped compose validation");
                checks.push(("compose".into(), "skipped (no compose tool)".into()));
            }
            (Some(text), Some(tool)) => {
                validate_compose(ctx, &plan, &text, &tool)?;
                checks.push(("compose".into(), format!("valid ({})", tool.join(" "))));
            }
        }
    }
    if ctx.printer.json {
        ctx.printer.json(&json!({"ok": true, "checks": checks.iter().map(|(k, v)| json!({"check": k, "result": v})).collect::<Vec<_>>()}));
    } else {
        for (k, v) in &checks {
            ctx.printer.status(&format!("  {k:<10} {v}"));
        }
        ctx.printer.success("All checks passed");
    }
    Ok(())
}

fn validate_compose(
    ctx: &Ctx,
    plan: &hsm_sync::SyncPlan<'_>,
    text: &str,
    tool: &[String],
) -> Result<(), CliError> {
    let tmp = |suffix: &str, body: &str| -> Result<tempfile::NamedTempFile, CliError> {
        let mut f = tempfile::Builder::new()
            .suffix(suffix)
            .tempfile()
            .map_err(|e| CliError::failure(format!("cannot create a temporary file: {e}")))?;
        f.write_all(body.as_bytes())
            .map_err(|e| CliError::failure(format!("cannot write a temporary file: {e}")))?;
        Ok(f)
    };
    let compose_file = tmp(".yml", text)?;
    let env_text = plan
        .files
        .iter()
        .find(|f| f.sensitive)
        .and_then(|f| f.after.clone())
        .unwrap_or_default();
    let env_file = tmp(".env", &env_text)?;
    let mut cmd = infra_process::Cmd::new(&tool[0])
        .args(&tool[1..])
        .arg("--project-directory")
        .arg(&plan.root);
    if let Some(u) = &plan.user_compose {
        cmd = cmd.arg("-f").arg(plan.root.join(u));
    }
    cmd = cmd
        .arg("-f")
        .arg(compose_file.path())
        .arg("--env-file")
        .arg(env_file.path())
        .args(["config", "-q"])
        .stdin_null();
    infra_process::run(&cmd, infra_process::Output::Capture, &ctx.interrupt).map_err(|e| {
        let mut c = CliError::invalid("Docker Compose rejects the generated docker-compose.hsm.yml");
        c.causes.push(e.to_string());
        if let infra_process::ProcessError::Failed { output_tail, .. } = &e {
            c.causes.push(output_tail.trim().to_string());
        }
        c.hint("this is a bug in hsm or a registry value compose does not accept; `hsm plan` shows the file")
    })?;
    Ok(())
}
