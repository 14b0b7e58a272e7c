//! `hsm status`: desired state (hsm.yaml + registry) against what is on disk, installed and
//! running. Drift is a failure (exit 1), so CI can gate on it.

use hsm_sync::SyncPlan;
use serde::Serialize;

use crate::{Context, OpsError, Project, compose};

/// What `hsm status` found.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    /// Whether nothing drifted.
    pub in_sync: bool,
    /// One line per difference.
    pub drift: Vec<String>,
}

/// Every difference between the plan and reality, one line each.
pub fn drift(
    ctx: &Context<'_>,
    project: &Project,
    plan: &SyncPlan<'_>,
    containers: bool,
) -> Result<Vec<String>, OpsError> {
    let mut out = Vec::new();
    for f in plan.files.iter().filter(|f| f.changed()) {
        let what = match (&f.before, &f.after) {
            (None, Some(_)) => "is missing",
            (Some(_), None) => "should not exist any more",
            _ => "differs from what hsm.yaml asks for",
        };
        out.push(format!("{} {what}", f.path.display()));
    }
    for c in &plan.clones {
        out.push(format!("{} has not been cloned", c.display));
    }
    let adapter = project.adapter(ctx.tools)?;
    let status = adapter.status(&plan.root, ctx.interrupt);
    // A signal stopped the check: that is no difference to report.
    if let Some(signal) = ctx.interrupt.signal() {
        return Err(OpsError::Process(
            infra_process::ProcessError::Interrupted {
                command: format!("{} status check", adapter.name()),
                signal,
            },
        ));
    }
    match status {
        Ok(lines) => out.extend(lines),
        Err(e) => out.push(format!(
            "cannot check the {} environment: {e}",
            adapter.name()
        )),
    }
    let services = ctx.tools.service_adapter()?;
    for s in &plan.services {
        match services.status(&s.dir, ctx.interrupt) {
            Ok(lines) => out.extend(
                lines
                    .into_iter()
                    .map(|l| format!("service `{}`: {l}", s.name)),
            ),
            Err(e) => out.push(format!("cannot check service `{}`: {e}", s.name)),
        }
    }
    if containers {
        let managed: Vec<&str> = plan
            .stack
            .containers
            .iter()
            .filter(|c| c.in_compose())
            .map(|c| c.name.as_str())
            .collect();
        if !managed.is_empty() {
            let running = compose::running_services(ctx, project)?;
            for m in managed {
                if !running.iter().any(|r| r == m) {
                    out.push(format!("container `{m}` is not running"));
                }
            }
        }
    }
    Ok(out)
}

/// Compares the project with hsm.yaml.
pub fn status(ctx: &Context<'_>, containers: bool) -> Result<StatusReport, OpsError> {
    let project = ctx.open()?;
    let plan = project.plan(ctx, false)?;
    let drift = drift(ctx, &project, &plan, containers)?;
    Ok(StatusReport {
        in_sync: drift.is_empty(),
        drift,
    })
}
