//! `hsm sync`.

use hsm_sync::{ApplyOptions, SyncPlan};
use serde_json::json;

use crate::cli::SyncArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// The install step as a command line, for plans.
pub fn install_step(plan: &SyncPlan<'_>, frozen: bool) -> Option<String> {
    match plan.adapter.as_str() {
        "uv" if frozen => Some("uv sync --frozen".into()),
        "uv" => Some("uv sync".into()),
        "pip" => Some(".venv/bin/python -m pip install -r .hsm/requirements.txt".into()),
        other => Some(format!("{other} install")),
    }
}

/// Prints what implications changed beyond hsm.yaml.
pub fn report_auto(ctx: &Ctx, plan: &SyncPlan<'_>) {
    for a in &plan.stack.auto {
        ctx.printer
            .status(&format!("  note: {} (by {})", a.what, a.via));
    }
}

pub fn run(ctx: &Ctx, args: &SyncArgs) -> Result<(), CliError> {
    let loaded = ctx.load()?;
    let adapter = ctx.adapter(&loaded)?;
    let plan = ctx.plan(&loaded, adapter.as_ref())?;
    let rendered = plan.to_plan(install_step(&plan, args.frozen));
    if args.dry_run {
        if ctx.printer.json {
            ctx.printer
                .json(&json!({"dry_run": true, "plan": infra_plan::render_json(&rendered)}));
        } else {
            ctx.printer.out(&infra_plan::render_text(&rendered));
        }
        return Ok(());
    }
    report_auto(ctx, &plan);
    let opts = ApplyOptions {
        frozen: args.frozen,
        quiet: ctx.printer.quiet || ctx.printer.json,
        interrupt: &ctx.interrupt,
    };
    let t = std::time::Instant::now();
    let services = ctx.service_adapter();
    let outcome = hsm_sync::apply(&plan, adapter.as_ref(), services.as_ref(), &opts)?;
    ctx.printer.debug(&format!(
        "applied (writes and {}) in {:.1} ms",
        plan.adapter,
        t.elapsed().as_secs_f64() * 1000.0
    ));
    let unchanged = outcome.written.is_empty() && outcome.cloned.is_empty();
    if args.verify {
        // Re-plan against what is now on disk: it must match, and the tool must agree.
        let after = ctx.plan(&loaded, adapter.as_ref())?;
        let drift = super::status::drift(ctx, &after, adapter.as_ref(), args.containers)?;
        if !drift.is_empty() {
            return super::status::report(ctx, &drift);
        }
    }
    if ctx.printer.json {
        ctx.printer.json(&json!({
            "status": if unchanged { "unchanged" } else { "synced" },
            "written": outcome.written,
            "cloned": outcome.cloned,
            "installed": outcome.installed,
            "adapter": plan.adapter,
            "packages": plan.stack.packages.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
            "containers": plan.stack.containers.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            "compose_profiles": plan.profiles,
        }));
        return Ok(());
    }
    for c in &outcome.cloned {
        ctx.printer.status(&format!("  cloned  {c}"));
    }
    for w in &outcome.written {
        ctx.printer.status(&format!("  wrote   {w}"));
    }
    let summary = format!(
        "{} package{}, {} container{}",
        plan.stack.packages.len(),
        if plan.stack.packages.len() == 1 {
            ""
        } else {
            "s"
        },
        plan.stack.containers.len(),
        if plan.stack.containers.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    let tool = if outcome.installed {
        format!("{} checked the environment", plan.adapter)
    } else {
        "no Python project to install".to_string()
    };
    if unchanged {
        ctx.printer.success(&format!(
            "Nothing to change: every artifact is up to date ({summary}; {tool})"
        ));
    } else {
        ctx.printer.success(&format!("Synced {summary} ({tool})"));
    }
    Ok(())
}
