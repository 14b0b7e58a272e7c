//! `hsm status`: desired state (hsm.yaml + registry) against what is on disk, installed and
//! running. Exits 1 when anything drifted, so CI can gate on it.

use hsm_adapter::PackageAdapter;
use hsm_sync::SyncPlan;
use serde_json::json;

use crate::cli::StatusArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// Every difference between the plan and reality, one line each.
pub fn drift(
    ctx: &Ctx,
    plan: &SyncPlan<'_>,
    adapter: &dyn PackageAdapter,
    containers: bool,
) -> Result<Vec<String>, CliError> {
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
    match adapter.status(&plan.root, &ctx.interrupt) {
        Ok(lines) => out.extend(lines),
        Err(e) => out.push(format!(
            "cannot check the {} environment: {e}",
            adapter.name()
        )),
    }
    let services = ctx.service_adapter();
    for s in &plan.services {
        match services.status(&s.dir, &ctx.interrupt) {
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
            let running = super::compose::running_services(ctx, &plan.root)?;
            for m in managed {
                if !running.iter().any(|r| r == m) {
                    out.push(format!("container `{m}` is not running"));
                }
            }
        }
    }
    Ok(out)
}

pub fn run(ctx: &Ctx, args: &StatusArgs) -> Result<(), CliError> {
    let loaded = ctx.load()?;
    let adapter = ctx.adapter(&loaded)?;
    let plan = ctx.plan(&loaded, adapter.as_ref())?;
    let drift = drift(ctx, &plan, adapter.as_ref(), args.containers)?;
    report(ctx, &drift)
}

/// Prints the result; drift is an error (exit 1).
pub fn report(ctx: &Ctx, drift: &[String]) -> Result<(), CliError> {
    if ctx.printer.json {
        ctx.printer
            .json(&json!({"in_sync": drift.is_empty(), "drift": drift}));
    } else if drift.is_empty() {
        ctx.printer
            .success("In sync: every artifact, package and requested container matches hsm.yaml");
    }
    if drift.is_empty() {
        return Ok(());
    }
    let mut e = CliError::failure(format!(
        "{} difference{} from hsm.yaml",
        drift.len(),
        if drift.len() == 1 { "" } else { "s" }
    ));
    e.details = drift.to_vec();
    // In JSON mode the drift was printed as data; only the exit code remains.
    e.silent = ctx.printer.json;
    Err(e.hint("run `hsm sync` (and `hsm up` for containers)"))
}
