//! `init`, `check`, `plan`, `sync`, `list`, `status`: the project as a whole.

use hsm_ops::plan::PlanOutcome;
use hsm_ops::sync::{SyncOptions, SyncOutcome, SyncReport};
use infra_cli::{CliError, count};

use super::Ctx;
use crate::cli::{CheckArgs, InitArgs, StatusArgs, SyncArgs};

mod tree;

pub fn init(ctx: &Ctx<'_>, args: &InitArgs) -> Result<(), CliError> {
    let report = hsm_ops::init::init(&ctx.ops(), args.name.as_deref())?;
    let p = ctx.printer;
    if p.is_json() {
        p.json(&report);
        return Ok(());
    }
    for c in &report.created {
        p.status(&format!("  created {c}"));
    }
    if report.created.is_empty() {
        p.success("Already initialised: nothing to do");
    } else {
        p.success(&format!(
            "Initialised hsm project `{}`; add components with `hsm package add` / `hsm container add`, then `hsm sync`",
            report.project
        ));
    }
    Ok(())
}

pub fn check(ctx: &Ctx<'_>, args: &CheckArgs) -> Result<(), CliError> {
    let report = hsm_ops::check::check(&ctx.ops(), args.offline)?;
    let p = ctx.printer;
    if p.is_json() {
        p.json(&report);
        return Ok(());
    }
    for w in &report.warnings {
        p.warn(w);
    }
    for c in &report.checks {
        p.status(&format!("  {:<10} {}", c.check, c.result));
    }
    p.success("All checks passed");
    Ok(())
}

/// The notes of a plan or sync, on stderr.
fn notes(ctx: &Ctx<'_>, auto: &[hsm_ops::plan::AutoEntry], notes: &[String]) {
    for a in auto {
        ctx.printer.status(&format!("  note: {}", a.describe()));
    }
    for n in notes {
        ctx.printer.status(&format!("  note: {n}"));
    }
}

fn print_plan(ctx: &Ctx<'_>, outcome: &PlanOutcome) {
    if ctx.printer.is_json() {
        ctx.printer.json(&outcome.report());
    } else {
        notes(ctx, &outcome.auto, &outcome.notes);
        ctx.printer.data(&infra_plan::render_text(&outcome.plan));
    }
}

pub fn plan(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let outcome = hsm_ops::plan::plan(&ctx.ops(), false)?;
    print_plan(ctx, &outcome);
    Ok(())
}

fn print_sync(ctx: &Ctx<'_>, r: &SyncReport) {
    let p = ctx.printer;
    let summary = format!(
        "{}, {}",
        count(r.packages.len(), "package", "packages"),
        count(r.containers.len(), "container", "containers")
    );
    let tool = match (r.installed, r.environment_changed) {
        (false, _) => "no Python project to install".to_string(),
        (true, false) => format!("{} checked the environment", r.adapter),
        (true, true) => format!("{} updated the environment", r.adapter),
    };
    if r.unchanged() {
        p.success(&format!(
            "Nothing to change: every artifact is up to date ({summary}; {tool})"
        ));
        return;
    }
    for c in &r.cloned {
        p.status(&format!("  cloned  {c}"));
    }
    for w in &r.written {
        p.status(&format!("  wrote   {w}"));
    }
    for w in &r.removed {
        p.status(&format!("  removed {w}"));
    }
    notes(ctx, &r.auto, &r.notes);
    p.success(&format!("Synced {summary} ({tool})"));
}

pub fn sync(ctx: &Ctx<'_>, args: &SyncArgs) -> Result<(), CliError> {
    let opts = SyncOptions {
        frozen: args.frozen,
        dry_run: args.dry_run,
        verify: args.verify,
        containers: args.containers,
        quiet: ctx.printer.is_quiet() || ctx.printer.is_json(),
    };
    match hsm_ops::sync::sync(&ctx.ops(), opts)? {
        SyncOutcome::Planned(outcome) => print_plan(ctx, &outcome),
        SyncOutcome::Synced(report) if ctx.printer.is_json() => ctx.printer.json(&report),
        SyncOutcome::Synced(report) => print_sync(ctx, &report),
    }
    Ok(())
}

pub fn list(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let report = hsm_ops::list::list(&ctx.ops())?;
    if ctx.printer.is_json() {
        ctx.printer.json(&report);
    } else {
        ctx.printer.data(&tree::render(&report));
    }
    Ok(())
}

pub fn status(ctx: &Ctx<'_>, args: &StatusArgs) -> Result<(), CliError> {
    let report = hsm_ops::status::status(&ctx.ops(), args.containers)?;
    let p = ctx.printer;
    if p.is_json() {
        p.json(&report);
    } else if report.in_sync {
        p.success("In sync: every artifact, package and requested container matches hsm.yaml");
    }
    if report.in_sync {
        return Ok(());
    }
    Err(hsm_ops::OpsError::Drift {
        items: report.drift,
        reported: p.is_json(),
    }
    .into())
}
