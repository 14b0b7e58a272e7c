//! `hsm plan`: what a sync would change, per file, and why.

use hsm_resolve::{AutoChange, Stack};
use infra_plan::{Plan, PlanJson, render_json};
use serde::Serialize;

use crate::{Context, OpsError};

/// Something an implication added or selected beyond what hsm.yaml says.
#[derive(Debug, Clone, Serialize)]
pub struct AutoEntry {
    /// `added container `postgres``, `selected `x` in container group `g``.
    pub what: String,
    /// Every chain responsible, outermost step first.
    pub via: Vec<Vec<String>>,
}

impl AutoEntry {
    /// The entries of a stack.
    pub fn of(stack: &Stack<'_>) -> Vec<Self> {
        stack.auto.iter().map(Self::from).collect()
    }

    /// `added container `x` (by a → b; by c → d)`.
    pub fn describe(&self) -> String {
        let by: Vec<String> = self
            .via
            .iter()
            .map(|c| format!("by {}", c.join(" → ")))
            .collect();
        format!("{} ({})", self.what, by.join("; "))
    }
}

impl From<&AutoChange> for AutoEntry {
    fn from(a: &AutoChange) -> Self {
        Self {
            what: a.what.clone(),
            via: a.via.iter().map(|v| v.chain.clone()).collect(),
        }
    }
}

/// What `hsm plan` (and `hsm sync --dry-run`) found.
#[derive(Debug)]
pub struct PlanOutcome {
    /// File changes and steps.
    pub plan: Plan,
    /// What implications add.
    pub auto: Vec<AutoEntry>,
    /// Things worth knowing that are not errors.
    pub notes: Vec<String>,
}

/// The JSON form of a [`PlanOutcome`]: the plan's `changes`, `steps` and `summary`, then
/// `auto` and `notes`.
#[derive(Debug, Serialize)]
pub struct PlanReport<'a> {
    /// The plan.
    #[serde(flatten)]
    pub plan: PlanJson<'a>,
    /// What implications add.
    pub auto: &'a [AutoEntry],
    /// Notes.
    pub notes: &'a [String],
}

impl PlanOutcome {
    /// The JSON report.
    pub fn report(&self) -> PlanReport<'_> {
        PlanReport {
            plan: render_json(&self.plan),
            auto: &self.auto,
            notes: &self.notes,
        }
    }
}

/// Plans a sync without changing anything.
pub fn plan(ctx: &Context<'_>, frozen: bool) -> Result<PlanOutcome, OpsError> {
    let project = ctx.open()?;
    let plan = project.plan(ctx, frozen)?;
    Ok(PlanOutcome {
        plan: plan.to_plan(),
        auto: AutoEntry::of(&plan.stack),
        notes: plan.notes.clone(),
    })
}
