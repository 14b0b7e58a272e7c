//! What an apply may not do without the user saying so: delete or make private a protected
//! repository, or touch more than a set fraction of an org's repositories at once.

use crate::{Plan, Step};

/// The limits.
#[derive(Debug, Clone, Copy)]
pub struct Safety {
    /// `--force`: protected repositories may be deleted or made private.
    pub force: bool,
    /// `--allow-large`: a change beyond the blast radius is intended.
    pub confirmed: bool,
    /// The largest fraction of the org's repositories one apply may delete or change
    /// without confirmation (0.25 by default).
    pub max_fraction: f64,
}

/// Why a plan may not be applied as it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SafetyError {
    /// A protected repository would be deleted or made private.
    #[error("{forge}/{name} is protected: it would be {what}")]
    Protected {
        /// The forge.
        forge: String,
        /// The repository.
        name: String,
        /// `deleted`, `made private`.
        what: &'static str,
    },
    /// Too much at once.
    #[error(
        "the plan deletes or changes {touched} of {total} repositories, more than the limit of {limit:.0} %"
    )]
    BlastRadius {
        /// Repositories deleted or changed.
        touched: usize,
        /// Repositories of the org.
        total: usize,
        /// The limit, in percent.
        limit: f64,
    },
}

impl SafetyError {
    /// The option that lifts this rule, named neutrally (`force`, `allow_large`): each
    /// surface renders it its own way (the CLI as `--allow-large`, the hub as the JSON-RPC
    /// param `allow_large`), so the message itself names neither.
    pub fn param(&self) -> &'static str {
        match self {
            Self::Protected { .. } => "force",
            Self::BlastRadius { .. } => "allow_large",
        }
    }
}

/// Checks `plan` for an org of `total` repositories; `protected` says which names are.
pub fn check(
    plan: &Plan,
    total: usize,
    protected: &dyn Fn(&str) -> bool,
    safety: Safety,
) -> Result<(), SafetyError> {
    for step in &plan.steps {
        let what = match step {
            Step::Delete { .. } => Some("deleted"),
            Step::Update { changes, .. }
                if changes
                    .iter()
                    .any(|c| c.field == "private" && c.to == serde_json::json!(true)) =>
            {
                Some("made private")
            }
            _ => None,
        };
        if let Some(what) = what
            && protected(step.name())
            && !safety.force
        {
            return Err(SafetyError::Protected {
                forge: step.forge().to_string(),
                name: step.name().to_string(),
                what,
            });
        }
    }
    let mut touched: Vec<&str> = plan
        .steps
        .iter()
        .filter(|s| {
            matches!(
                s,
                Step::Delete { .. } | Step::Update { .. } | Step::Rename { .. }
            )
        })
        .map(Step::name)
        .collect();
    touched.sort_unstable();
    touched.dedup();
    let fraction = touched.len() as f64 / total.max(1) as f64;
    if !safety.confirmed && touched.len() > 1 && fraction > safety.max_fraction {
        return Err(SafetyError::BlastRadius {
            touched: touched.len(),
            total,
            limit: safety.max_fraction * 100.0,
        });
    }
    Ok(())
}
