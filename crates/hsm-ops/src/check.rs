//! `hsm check`: every validation `hsm sync` would do, plus resolvability with the package
//! tool and validation of the generated compose file by a real Compose — without changing a
//! file.

use std::path::Path;

use hsm_sync::SyncPlan;
use infra_process::{Cmd, Output, ProcessError};
use serde::Serialize;

use crate::{Context, OpsError, Project, compose};

/// One check and its result.
#[derive(Debug, Serialize)]
pub struct CheckItem {
    /// `manifest`, `registry`, `implies`, `variables`, `packages`, `compose`.
    pub check: &'static str,
    /// `ok`, `skipped (…)`, `3 resolve with uv`, …
    pub result: String,
}

/// What `hsm check` found (it fails on the first check that does not pass).
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Always `true` in a report (a failed check is an error).
    pub ok: bool,
    /// The checks, in order.
    pub checks: Vec<CheckItem>,
    /// Checks skipped because their tool is missing.
    pub warnings: Vec<String>,
}

fn item(check: &'static str, result: impl Into<String>) -> CheckItem {
    CheckItem {
        check,
        result: result.into(),
    }
}

/// Runs every check.
pub fn check(ctx: &Context<'_>, offline: bool) -> Result<CheckReport, OpsError> {
    let project = ctx.open()?;
    let plan = project.plan(ctx, false)?;
    let mut report = CheckReport {
        ok: true,
        checks: ["manifest", "registry", "implies", "variables"]
            .into_iter()
            .map(|c| item(c, "ok"))
            .collect(),
        warnings: Vec::new(),
    };
    if offline {
        report.checks.push(item("packages", "skipped (--offline)"));
        report.checks.push(item("compose", "skipped (--offline)"));
        return Ok(report);
    }
    packages(ctx, &project, &plan, &mut report)?;
    compose_file(ctx, &project, &plan, &mut report)?;
    Ok(report)
}

fn packages(
    ctx: &Context<'_>,
    project: &Project,
    plan: &SyncPlan<'_>,
    report: &mut CheckReport,
) -> Result<(), OpsError> {
    let adapter = project.adapter(ctx.tools)?;
    if infra_process::which(adapter.program()).is_none() {
        report.warnings.push(format!(
            "`{}` is not installed; skipped the resolvability check",
            adapter.program()
        ));
        report.checks.push(item(
            "packages",
            format!("skipped ({} not installed)", adapter.program()),
        ));
        return Ok(());
    }
    let progress = ctx
        .printer
        .progress(&format!("Resolving the packages with {}", adapter.name()));
    adapter
        .check(&plan.root, &plan.requirements, ctx.interrupt)
        .map_err(|source| OpsError::Unresolvable {
            adapter: adapter.name().to_string(),
            hints: adapter.hints(&source),
            source,
        })?;
    let services = ctx.tools.service_adapter()?;
    for s in plan.services.iter().filter(|s| s.dir.exists()) {
        services
            .check(&s.dir, &s.requirements, ctx.interrupt)
            .map_err(|source| OpsError::Unresolvable {
                adapter: format!("{} (service `{}`)", services.name(), s.name),
                hints: services.hints(&source),
                source,
            })?;
    }
    drop(progress);
    let n = plan.requirements.len()
        + plan
            .services
            .iter()
            .map(|s| s.requirements.len())
            .sum::<usize>();
    report.checks.push(item(
        "packages",
        if n == 0 {
            "none to resolve".to_string()
        } else {
            format!("{n} resolve with {}", adapter.name())
        },
    ));
    Ok(())
}

fn compose_file(
    ctx: &Context<'_>,
    project: &Project,
    plan: &SyncPlan<'_>,
    report: &mut CheckReport,
) -> Result<(), OpsError> {
    let Some(text) = plan.planned(hsm_sync::COMPOSE_FILE) else {
        report.checks.push(item("compose", "no containers"));
        return Ok(());
    };
    let Some(tool) = compose::tool(ctx, Some(project))? else {
        report.warnings.push("no Docker Compose found (`docker compose` or `docker-compose`); skipped compose validation".into());
        report
            .checks
            .push(item("compose", "skipped (no compose tool)"));
        return Ok(());
    };
    validate(ctx, plan, text, &tool)?;
    report
        .checks
        .push(item("compose", format!("valid ({})", tool.join(" "))));
    Ok(())
}

/// Runs `<compose> config -q` on the planned file, written as `docker-compose.hsm.yml` in a
/// scratch directory; messages name the project's file, never the scratch path.
fn validate(
    ctx: &Context<'_>,
    plan: &SyncPlan<'_>,
    text: &str,
    tool: &[String],
) -> Result<(), OpsError> {
    let scratch = tempfile::tempdir()
        .map_err(|e| infra_fs::FsError::new("create", std::env::temp_dir(), e))?;
    let file = scratch.path().join(hsm_sync::COMPOSE_FILE);
    infra_fs::write_atomic(&file, text.as_bytes(), None)?;
    // The same relative names as in the project, so messages read `--env-file .hsm/env`.
    let env = scratch.path().join(hsm_sync::ENV_FILE);
    let hsm_dir = scratch.path().join(hsm_sync::HSM_DIR);
    std::fs::create_dir(&hsm_dir).map_err(|e| infra_fs::FsError::new("create", &hsm_dir, e))?;
    infra_fs::write_atomic(
        &env,
        plan.planned(hsm_sync::ENV_FILE)
            .unwrap_or_default()
            .as_bytes(),
        Some(0o600),
    )?;
    let (program, args) = tool.split_first().ok_or(OpsError::NoCompose)?;
    let mut cmd = Cmd::new(program)
        .args(args)
        .arg("--project-directory")
        .arg(&plan.root);
    if let Some(u) = &plan.user_compose {
        cmd = cmd.arg("-f").arg(plan.root.join(u));
    }
    cmd = cmd
        .arg("-f")
        .arg(&file)
        .arg("--env-file")
        .arg(&env)
        .args(["config", "-q"])
        .stdin_null();
    let vars = hsm_sync::parse_env_file(&env).map_err(OpsError::EnvFile)?;
    for (k, v) in vars {
        cmd = if plan.secret_names.contains(&k) {
            cmd.secret_env(k, &v)
        } else {
            cmd.env(k, v)
        };
    }
    match infra_process::run(&cmd, Output::Capture, ctx.interrupt) {
        Ok(_) => Ok(()),
        Err(e) => Err(OpsError::ComposeRejects {
            source: unscratch(e, scratch.path()),
        }),
    }
}

/// The error with the scratch directory's path replaced by the project-relative name.
fn unscratch(e: ProcessError, scratch: &Path) -> ProcessError {
    let fix = |s: String| s.replace(&format!("{}/", scratch.display()), "");
    match e {
        ProcessError::Failed {
            command,
            code,
            signal,
            output_tail,
        } => ProcessError::Failed {
            command: fix(command),
            code,
            signal,
            output_tail: fix(output_tail),
        },
        other => other,
    }
}
