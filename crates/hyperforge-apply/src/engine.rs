//! Carrying out a plan's steps on the forges.

use std::collections::BTreeMap;

use hyperforge_forge::{Forge, ForgeError, NewRepo, RemoteRepo, RepoPatch};
use hyperforge_plan::{Observed, Plan, Step};

use crate::StepLog;

/// Why an apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The forges changed since the plan was made: plan again.
    #[error(
        "the forges changed since this plan was made (plan {planned}, now {now}); run plan again"
    )]
    Stale {
        /// The plan's hash.
        planned: String,
        /// The hash of what the forges hold now.
        now: String,
    },
    /// A step names a forge that is not configured.
    #[error("the plan names the forge `{0}`, which is not configured")]
    UnknownForge(String),
    /// A forge refused or failed a step; the steps before it are done and logged.
    #[error("step {step} ({what}) failed")]
    Step {
        /// Its index.
        step: usize,
        /// `create github/acme/x`.
        what: String,
        /// Why.
        #[source]
        source: ForgeError,
    },
    /// A signal asked the apply to stop: it stopped at a step boundary, every step before
    /// is done and logged, so the same apply resumes where it stopped.
    #[error("stopped by signal {signal} after {done} of {total} steps")]
    Interrupted {
        /// The signal (2 SIGINT, 15 SIGTERM).
        signal: i32,
        /// Steps done (this apply's and an earlier one's).
        done: usize,
        /// Steps of the plan.
        total: usize,
    },
    /// The step log could not be written.
    #[error("cannot write the step log")]
    Log(#[source] std::io::Error),
}

/// What an apply did: per forge and repository, what the forge now holds (for `_synced`),
/// and the deleted ones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Created or updated repositories.
    pub synced: BTreeMap<(String, String), RemoteRepo>,
    /// Deleted `(forge, name)`.
    pub deleted: Vec<(String, String)>,
    /// Steps skipped because a previous, interrupted apply had done them.
    pub resumed: usize,
}

/// An IaC engine: applies a plan.
pub trait Engine {
    /// Applies `plan` (whose steps the log has not seen) against `now`, the forges' state
    /// refreshed just before.
    fn apply(
        &self,
        plan: &Plan,
        now: &Observed,
        log: &mut StepLog,
        on_step: OnStep<'_>,
    ) -> Result<Applied, ApplyError>;
}

/// Told each step as it finishes: its index, the step, and whether an earlier apply had
/// done it (resumed from the log).
pub type OnStep<'a> = &'a dyn Fn(usize, &Step, bool);

/// The built-in engine: direct REST calls through the forge clients.
pub struct RestEngine<'a> {
    /// The forges by name.
    pub forges: BTreeMap<String, &'a dyn Forge>,
    /// The owner login of the org on each forge.
    pub owners: BTreeMap<String, String>,
    /// Asked before each step: a signal number stops the apply at that step boundary
    /// ([`ApplyError::Interrupted`]); `None` goes on.
    pub stop: Option<StopCheck<'a>>,
}

/// Whether to stop before the next step: the signal that asked for it.
pub type StopCheck<'a> = &'a dyn Fn() -> Option<i32>;

impl Engine for RestEngine<'_> {
    fn apply(
        &self,
        plan: &Plan,
        now: &Observed,
        log: &mut StepLog,
        on_step: OnStep<'_>,
    ) -> Result<Applied, ApplyError> {
        apply(self, plan, now, log, on_step)
    }
}

/// An update: its fields in one PATCH, ordered around the archive flag, since forges
/// refuse edits to an archived repository ("Repository was archived so is read-only."):
/// an archived one that stays archived is unarchived, edited and archived again; one being
/// unarchived is unarchived first; one being archived is edited first. `archived_now`:
/// whether the forge holds it archived before the step.
fn update(
    forge: &dyn Forge,
    owner: &str,
    name: &str,
    changes: &[hyperforge_plan::FieldChange],
    archived_now: bool,
) -> Result<RemoteRepo, ForgeError> {
    let mut edits = RepoPatch::default();
    let mut archive = None;
    for c in changes {
        match c.field.as_str() {
            "description" => {
                edits.description = Some(c.to.as_str().unwrap_or_default().to_string())
            }
            "private" => edits.private = c.to.as_bool(),
            "archived" => archive = c.to.as_bool(),
            _ => {}
        }
    }
    let archived = |a: bool| RepoPatch {
        archived: Some(a),
        ..RepoPatch::default()
    };
    if edits == RepoPatch::default() {
        return forge.update_repo(owner, name, &archived(archive.unwrap_or(archived_now)));
    }
    if archived_now {
        forge.update_repo(owner, name, &archived(false))?;
    }
    let edited = forge.update_repo(owner, name, &edits)?;
    if archive.unwrap_or(archived_now) {
        return forge.update_repo(owner, name, &archived(true));
    }
    Ok(edited)
}

/// One step, done: what the forge returned. `archived_now`: whether the forge holds the
/// repository archived before the step.
fn run_step(
    forge: &dyn Forge,
    owner: &str,
    step: &Step,
    archived_now: bool,
) -> Result<Option<RemoteRepo>, ForgeError> {
    match step {
        Step::Create {
            name,
            description,
            private,
            archived,
            ..
        } => {
            let new = NewRepo {
                name: name.clone(),
                description: description.clone(),
                private: *private,
            };
            // A name taken meanwhile (by someone else, or by an attempt whose log line was
            // lost) is an error, never adopted: planning again sees what is there.
            let created = forge.create_repo(owner, &new)?;
            if *archived {
                let patch = RepoPatch {
                    archived: Some(true),
                    ..RepoPatch::default()
                };
                return forge.update_repo(owner, name, &patch).map(Some);
            }
            Ok(Some(created))
        }
        Step::Update { name, changes, .. } => {
            update(forge, owner, name, changes, archived_now).map(Some)
        }
        Step::Rename { from, name, .. } => {
            let patch = RepoPatch {
                name: Some(name.clone()),
                ..RepoPatch::default()
            };
            // A source gone meanwhile is an error, never a reason to adopt what has the
            // new name: planning again sees what is there.
            forge.update_repo(owner, from, &patch).map(Some)
        }
        Step::Delete { name, .. } => match forge.delete_repo(owner, name) {
            Ok(()) | Err(ForgeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

/// Applies `plan` with `engine`'s forges: refuses when `now` differs from what the plan
/// saw (unless the log shows this plan already half-applied), then runs each step not yet
/// logged, logging it as it finishes.
pub fn apply(
    engine: &RestEngine<'_>,
    plan: &Plan,
    now: &Observed,
    log: &mut StepLog,
    on_step: OnStep<'_>,
) -> Result<Applied, ApplyError> {
    // The log is keyed by the whole plan's hash: only this very plan resumes.
    let resuming = (0..plan.steps.len()).any(|i| log.is_done(i));
    if !resuming && now.hash() != plan.observed_hash {
        return Err(ApplyError::Stale {
            planned: plan.observed_hash.clone(),
            now: now.hash(),
        });
    }
    let mut applied = Applied::default();
    for (i, step) in plan.steps.iter().enumerate() {
        let key = (step.forge().to_string(), step.name().to_string());
        if log.is_done(i) {
            applied.resumed += 1;
            on_step(i, step, true);
            match log.result(i) {
                Some(r) => {
                    applied.synced.insert(key, r.clone());
                }
                None => applied.deleted.push(key),
            }
            continue;
        }
        if let Some(signal) = engine.stop.and_then(|stop| stop()) {
            return Err(ApplyError::Interrupted {
                signal,
                done: i,
                total: plan.steps.len(),
            });
        }
        let forge = *engine
            .forges
            .get(step.forge())
            .ok_or_else(|| ApplyError::UnknownForge(step.forge().to_string()))?;
        let owner = engine
            .owners
            .get(step.forge())
            .map_or(plan.org.as_str(), String::as_str);
        // What this apply made of it (a rename earlier in the plan), else what was seen.
        let archived_now = applied.synced.get(&key).map_or_else(
            || {
                now.0
                    .get(step.forge())
                    .and_then(|held| held.get(step.name()))
                    .is_some_and(|r| r.archived)
            },
            |r| r.archived,
        );
        let result =
            run_step(forge, owner, step, archived_now).map_err(|source| ApplyError::Step {
                step: i,
                what: format!("{} {}/{owner}/{}", step.op(), step.forge(), step.name()),
                source,
            })?;
        log.record(i, result.clone()).map_err(ApplyError::Log)?;
        on_step(i, step, false);
        match result {
            Some(r) => {
                applied.synced.insert(key, r);
            }
            None => applied.deleted.push(key),
        }
    }
    Ok(applied)
}
