//! `hsm sync`: write every artifact and install, as one transaction.

use hsm_sync::{ApplyOptions, Outcome, SyncPlan};
use serde::Serialize;

use crate::plan::{AutoEntry, PlanOutcome};
use crate::{Context, OpsError, status};

/// `hsm sync` flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncOptions {
    /// `--frozen`: install from the lock file without updating it.
    pub frozen: bool,
    /// `--dry-run`: plan only.
    pub dry_run: bool,
    /// `--verify`: afterwards, the project must be in sync.
    pub verify: bool,
    /// `--containers` (with `--verify`): managed containers must run.
    pub containers: bool,
    /// Capture the tool's output instead of forwarding it (`-q`, `--json`).
    pub quiet: bool,
}

/// What a sync did.
#[derive(Debug, Serialize)]
pub struct SyncReport {
    /// `synced`, or `unchanged` when nothing changed at all.
    pub status: &'static str,
    /// Files written.
    pub written: Vec<String>,
    /// Files removed.
    pub removed: Vec<String>,
    /// Directories cloned.
    pub cloned: Vec<String>,
    /// Whether the package tool ran.
    pub installed: bool,
    /// Whether it changed the environment.
    pub environment_changed: bool,
    /// The package adapter.
    pub adapter: String,
    /// The stack's packages.
    pub packages: Vec<String>,
    /// The stack's containers.
    pub containers: Vec<String>,
    /// Compose profiles switched on in the user's compose file.
    pub compose_profiles: Vec<String>,
    /// What implications added.
    pub auto: Vec<AutoEntry>,
    /// Notes.
    pub notes: Vec<String>,
}

impl SyncReport {
    fn of(plan: &SyncPlan<'_>, outcome: Outcome) -> Self {
        let status = if outcome.is_noop() {
            "unchanged"
        } else {
            "synced"
        };
        Self {
            status,
            written: outcome.written,
            removed: outcome.removed,
            cloned: outcome.cloned,
            installed: outcome.installed.ran,
            environment_changed: outcome.installed.changed,
            adapter: plan.adapter.clone(),
            packages: plan.stack.packages.iter().map(|p| p.name.clone()).collect(),
            containers: plan
                .stack
                .containers
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            compose_profiles: plan.profiles.clone(),
            auto: AutoEntry::of(&plan.stack),
            notes: plan.notes.clone(),
        }
    }

    /// Whether nothing changed.
    pub fn unchanged(&self) -> bool {
        self.status == "unchanged"
    }
}

/// What `hsm sync` did, or would do with `--dry-run`.
#[derive(Debug)]
pub enum SyncOutcome {
    /// `--dry-run`: the plan.
    Planned(PlanOutcome),
    /// The sync ran.
    Synced(SyncReport),
}

/// Syncs the project: lock, load, plan, apply, and with `--verify` check the result.
pub fn sync(ctx: &Context<'_>, opts: SyncOptions) -> Result<SyncOutcome, OpsError> {
    if opts.dry_run {
        return crate::plan::plan(ctx, opts.frozen).map(SyncOutcome::Planned);
    }
    let (lock, project) = ctx.open_locked()?;
    let plan = project.plan(ctx, opts.frozen)?;
    let adapter = project.adapter(ctx.tools)?;
    let apply = ApplyOptions {
        frozen: opts.frozen,
        quiet: opts.quiet,
        interrupt: ctx.interrupt,
    };
    let start = std::time::Instant::now();
    let outcome = hsm_sync::apply(&lock, &plan, adapter, ctx.tools.service_adapter()?, &apply)?;
    ctx.printer.debug(&format!(
        "applied in {:.1} ms, of which {} {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0,
        plan.adapter,
        outcome.tool_time.as_secs_f64() * 1000.0
    ));
    let report = SyncReport::of(&plan, outcome);
    if opts.verify {
        // Re-plan against what is now on disk: it must match, and the tool must agree.
        let after = project.plan(ctx, opts.frozen)?;
        let drift = status::drift(ctx, &project, &after, opts.containers)?;
        if !drift.is_empty() {
            return Err(OpsError::Drift {
                items: drift,
                reported: false,
            });
        }
    }
    Ok(SyncOutcome::Synced(report))
}
