//! Refresh, diff, apply, capture, verify — the seed's convergence algorithm over one org.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hyperforge_apply::{Applied, RestEngine, StepLog, apply};
use hyperforge_forge::{Forge, ForgeError, RemoteRepo};
use hyperforge_plan::{DesiredRepo, Mirror, Observed, Plan, Safety, Step, check, plan};
use hyperforge_schema::{
    ForgeName, OrgConfig, OrgName, Repo, RepoName, ReposFile, StagedChange, Synced, Visibility,
};
use hyperforge_state::Store;

use crate::{Emit, Event, OpsError};

/// The forges of one org: the client per forge name and the org's owner login on each.
pub struct OrgForges<'a> {
    /// Clients by forge name.
    pub forges: BTreeMap<String, &'a dyn Forge>,
    /// Owner login by forge name.
    pub owners: BTreeMap<String, String>,
}

/// The time to record (RFC 3339, UTC), given by the caller so tests are deterministic.
pub type Clock<'a> = &'a (dyn Fn() -> String + Sync);

/// What an operation on one org works with.
pub struct Ctx<'a> {
    /// The config directory.
    pub store: &'a Store,
    /// The org.
    pub org: &'a OrgName,
    /// Its forges.
    pub of: &'a OrgForges<'a>,
    /// Where apply step logs are kept (an interrupted apply resumes from its log).
    pub log_dir: &'a Path,
    /// The time to record.
    pub clock: Clock<'a>,
    /// Where events go.
    pub emit: Emit<'a>,
    /// Asked between apply steps: a signal recorded here stops the apply at the next step
    /// boundary (the step log keeps it resumable); `None`: never stopped.
    pub interrupt: Option<&'a infra_process::Interrupt>,
}

/// What the forges hold now: every repository of the org's owner on each forge. The forges
/// are listed at the same time (one thread each: an org has a handful of forges, and a
/// list is all waiting on the network); each forge's pages stay sequential, as its `Link`
/// headers require.
pub fn refresh(of: &OrgForges<'_>, emit: Emit<'_>) -> Result<Observed, OpsError> {
    let listed: Vec<(String, Result<Vec<RemoteRepo>, ForgeError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = of
            .forges
            .iter()
            .map(|(name, forge)| {
                let owner = of.owners.get(name).map_or("", String::as_str);
                (name, s.spawn(move || forge.list_repos(owner)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| {
                let result = h.join().unwrap_or_else(|_| {
                    Err(ForgeError::Protocol {
                        forge: name.clone(),
                        status: 0,
                        message: "the listing thread panicked".into(),
                    })
                });
                (name.clone(), result)
            })
            .collect()
    });
    let mut out = BTreeMap::new();
    for (name, result) in listed {
        let repos = result?;
        emit(Event::Refreshed {
            forge: name.clone(),
            owner: of.owners.get(&name).cloned().unwrap_or_default(),
            repos: repos.len(),
        });
        out.insert(
            name,
            repos.into_iter().map(|r| (r.name.clone(), r)).collect(),
        );
    }
    Ok(Observed(out))
}

/// The desired repositories of `repos` under `org` (defaults filled in).
pub fn desired(org: &OrgConfig, repos: &ReposFile) -> Vec<DesiredRepo> {
    repos
        .repos
        .iter()
        .map(|(name, r)| DesiredRepo {
            name: name.to_string(),
            description: r.description.clone().filter(|d| !d.is_empty()),
            private: r.retired_at.is_some()
                || r.visibility.unwrap_or(org.defaults.visibility) == Visibility::Private,
            archived: r.archived || r.retired_at.is_some(),
            protected: r.protected.unwrap_or(org.defaults.protected),
            forges: r
                .forges
                .clone()
                .unwrap_or_else(|| org.forges.clone())
                .iter()
                .map(ToString::to_string)
                .collect(),
            renamed_from: None,
        })
        .collect()
}

fn visibility(private: bool) -> Visibility {
    if private {
        Visibility::Private
    } else {
        Visibility::Public
    }
}

/// Writes what was observed into `_discovered` and, for existing copies, `_synced`.
pub(crate) fn capture(repos: &mut ReposFile, observed: &Observed, now: &str) {
    for (name, repo) in &mut repos.repos {
        repo.discovered.forges.clear();
        for (forge, seen) in &observed.0 {
            let Ok(forge_name) = ForgeName::new(forge.clone()) else {
                continue;
            };
            let found = seen.get(name.as_str());
            let entry = hyperforge_schema::Observed {
                exists: found.is_some(),
                url: found.map(|r| r.html_url.clone()),
                id: found.map(|r| r.id.clone()),
                description: found.and_then(|r| r.description.clone()),
                visibility: found.map(|r| visibility(r.private)),
                archived: found.map(|r| r.archived),
                ..hyperforge_schema::Observed::default()
            };
            if let Some(r) = found {
                let synced = Synced {
                    url: r.html_url.clone(),
                    id: Some(r.id.clone()),
                    synced_at: now.to_string(),
                };
                let keep = repo
                    .synced
                    .get(&forge_name)
                    .is_some_and(|s| s.url == synced.url && s.id == synced.id);
                if !keep {
                    repo.synced.insert(forge_name.clone(), synced);
                }
            } else {
                repo.synced.remove(&forge_name);
            }
            repo.discovered.forges.insert(forge_name, entry);
        }
        repo.discovered.last_refresh = Some(now.to_string());
    }
}

/// `org import`: the forges' repositories become the desired state (a repository's
/// settings from the first forge that has it, in name order), so the next diff is empty.
pub fn import(ctx: &Ctx<'_>) -> Result<ReposFile, OpsError> {
    let observed = refresh(ctx.of, ctx.emit)?;
    let out = ctx.store.with_org_lock(ctx.org, |tx| {
        let repos = tx.repos_mut();
        for (forge, seen) in &observed.0 {
            for r in seen.values() {
                let name =
                    RepoName::new(r.name.clone()).map_err(|_| OpsError::BadName(r.name.clone()))?;
                let forge_name =
                    ForgeName::new(forge.clone()).map_err(|_| OpsError::BadName(forge.clone()))?;
                let entry = repos.repos.entry(name).or_insert_with(|| Repo {
                    description: r.description.clone(),
                    visibility: Some(visibility(r.private)),
                    archived: r.archived,
                    forges: Some(BTreeSet::new()),
                    ..Repo::default()
                });
                let same = entry.description == r.description
                    && entry.archived == r.archived
                    && entry.visibility == Some(visibility(r.private));
                if same && let Some(f) = entry.forges.as_mut() {
                    f.insert(forge_name);
                }
            }
        }
        capture(repos, &observed, &(ctx.clock)());
        Ok::<_, OpsError>(repos.clone())
    })?;
    (ctx.emit)(Event::Captured {
        org: ctx.org.to_string(),
        repos: out.repos.len(),
    });
    Ok(out)
}

/// What a sync did.
#[derive(Debug)]
pub struct SyncReport {
    /// The plan (empty when converged).
    pub plan: Plan,
    /// What was applied (`None` for a dry run or an empty plan).
    pub applied: Option<Applied>,
    /// What the forges hold at the end.
    pub observed: Observed,
}

/// The declared state a plan is computed against, limited to the repositories `keep`
/// selects: desired repositories (staged changes merged), staged removals, the names that
/// are protected (as declared now or before a staged change: a staged removal does not
/// lift it), and the org's repository count (for the blast radius).
struct Scope {
    /// Retired repositories and when (new retirements included).
    retiring: BTreeMap<String, String>,
    origin: String,
    wanted: Vec<DesiredRepo>,
    removals: BTreeSet<String>,
    protected: BTreeSet<String>,
    total: usize,
}

/// Which retired or removed repositories a plan deletes.
pub enum Purge<'a> {
    /// Those retired longer than the grace period; with `true`, every one (`--purge`).
    Due(bool),
    /// Exactly those a saved plan deletes.
    AsPlanned(&'a BTreeSet<String>),
}

/// Whether `retired_at` is longer ago than `days`.
fn grace_over(retired_at: &str, days: u32) -> bool {
    let cutoff = std::time::SystemTime::now()
        .checked_sub(std::time::Duration::from_secs(u64::from(days) * 86_400))
        .unwrap_or(std::time::UNIX_EPOCH);
    // Fixed-width RFC 3339 in UTC sorts as text.
    retired_at <= infra_fs::time::rfc3339(cutoff).as_str()
}

/// The org's files, read and checked before any forge is asked (a broken file costs no
/// request).
struct Files {
    staged: hyperforge_schema::StagedFile,
    current: ReposFile,
}

fn load(ctx: &Ctx<'_>) -> Result<Files, OpsError> {
    let current = ctx.store.load_repos(ctx.org)?;
    let problems = ctx.store.repos_problems_of(ctx.org, &current)?;
    if !problems.is_empty() {
        return Err(OpsError::Problems {
            file: ctx.store.repos_path(ctx.org),
            problems,
        });
    }
    Ok(Files {
        staged: ctx.store.staged(ctx.org)?,
        current,
    })
}

fn scope(
    ctx: &Ctx<'_>,
    Files { staged, current }: &Files,
    (keep, purge): (&dyn Fn(&str) -> bool, &Purge<'_>),
    observed: &Observed,
) -> Result<Scope, OpsError> {
    let held = |name: &str| observed.0.values().any(|r| r.contains_key(name));
    let (_, org_config) = ctx.store.org(ctx.org.as_str())?;
    let grace = org_config.defaults.delete_grace_days.unwrap_or(7);
    let deletes = |name: &str, retired_at: Option<&str>| match purge {
        Purge::Due(all) => *all || grace == 0 || retired_at.is_some_and(|t| grace_over(t, grace)),
        Purge::AsPlanned(names) => names.contains(name),
    };
    let mut merged = staged.merged_into(current);
    let mut removals = BTreeSet::new();
    // A staged removal retires the repository first (kept, archived and private), unless
    // it is deleted now; a retired one is deleted once its grace period is over.
    for (name, c) in &staged.changes {
        if matches!(c, StagedChange::Remove) && keep(name.as_str()) {
            if deletes(name.as_str(), None) || !held(name.as_str()) {
                removals.insert(name.to_string());
            } else if let Some(repo) = current.repos.get(name) {
                let mut retiring = repo.clone();
                retiring.retired_at = Some(retiring.retired_at.unwrap_or_else(|| (ctx.clock)()));
                merged.repos.insert(name.clone(), retiring);
            }
        }
    }
    // A retired repository (as it stands with the staged changes: unarchiving one takes
    // its removal back) is deleted once due; one no forge holds any more is gone.
    let retired: Vec<(RepoName, String)> = current
        .repos
        .keys()
        .filter_map(|name| {
            let at = merged.repos.get(name)?.retired_at.clone()?;
            Some((name.clone(), at))
        })
        .collect();
    for (name, at) in retired {
        if keep(name.as_str()) && (deletes(name.as_str(), Some(&at)) || !held(name.as_str())) {
            removals.insert(name.to_string());
            merged.repos.remove(&name);
        }
    }
    // Staged renames: new name → old name.
    let renames: BTreeMap<String, String> = staged
        .changes
        .iter()
        .filter_map(|(old, c)| match c {
            StagedChange::Rename(new) => Some((new.to_string(), old.to_string())),
            _ => None,
        })
        .collect();
    let wanted: Vec<DesiredRepo> = desired(org_config, &merged)
        .into_iter()
        .map(|mut d| {
            d.renamed_from = renames.get(&d.name).cloned();
            // Retiring never creates a copy where there is none.
            if merged
                .repos
                .iter()
                .any(|(n, r)| n.as_str() == d.name && r.retired_at.is_some())
            {
                d.forges
                    .retain(|f| observed.0.get(f).is_some_and(|r| r.contains_key(&d.name)));
            }
            d
        })
        .filter(|d| keep(&d.name) || d.renamed_from.as_deref().is_some_and(keep))
        .collect();
    let protected = desired(org_config, current)
        .into_iter()
        .chain(wanted.iter().cloned())
        .filter(|d| d.protected)
        .map(|d| d.name)
        .collect();
    Ok(Scope {
        origin: org_config.origin.to_string(),
        wanted,
        removals,
        protected,
        retiring: merged
            .repos
            .iter()
            .filter(|(_, r)| r.retired_at.is_some())
            .map(|(n, r)| (n.to_string(), r.retired_at.clone().unwrap_or_default()))
            .collect(),
        total: current.repos.len().max(merged.repos.len()),
    })
}

/// The mirror set-up of a plan: every repository it creates on a forge other than the
/// origin, when the origin is one of its forges, gets the origin's content.
fn mirrors(p: &Plan, wanted: &[DesiredRepo], origin: &str) -> Vec<Mirror> {
    p.steps
        .iter()
        .filter(|s| matches!(s, Step::Create { .. }) && s.forge() != origin)
        .filter(|s| {
            wanted
                .iter()
                .any(|d| d.name == s.name() && d.forges.contains(origin))
        })
        .map(|s| Mirror {
            repo: s.name().to_string(),
            from: origin.to_string(),
            to: s.forge().to_string(),
        })
        .collect()
}

fn planned(ctx: &Ctx<'_>, p: &Plan) {
    let count = |f: fn(&Step) -> bool| p.steps.iter().filter(|s| f(s)).count();
    (ctx.emit)(Event::Planned {
        org: p.org.clone(),
        create: count(|s| matches!(s, Step::Create { .. })),
        update: count(|s| matches!(s, Step::Update { .. })),
        delete: count(|s| matches!(s, Step::Delete { .. })),
        rename: count(|s| matches!(s, Step::Rename { .. })),
        in_sync: p.in_sync.len(),
        observed_hash: p.observed_hash.clone(),
    });
}

/// The plan for `org` against freshly refreshed forges (only repository `only` when
/// given; with `purge`, retired and removed repositories are deleted now, not after their
/// grace period), with what was observed.
pub fn diff(ctx: &Ctx<'_>, only: Option<&str>, purge: bool) -> Result<(Plan, Observed), OpsError> {
    let keep = |name: &str| only.is_none_or(|o| o == name);
    let files = load(ctx)?;
    if let Some(o) = only {
        let known = files.current.repos.keys().any(|n| n.as_str() == o)
            || files.staged.changes.iter().any(|(n, c)| {
                n.as_str() == o || matches!(c, StagedChange::Rename(to) if to.as_str() == o)
            });
        if !known {
            return Err(OpsError::UnknownRepo(o.to_string()));
        }
    }
    let observed = refresh(ctx.of, ctx.emit)?;
    let s = scope(ctx, &files, (&keep, &Purge::Due(purge)), &observed)?;
    conflicts(&s.wanted, &observed)?;
    let mut p = plan_of(ctx, &s, &observed);
    if only.is_some() {
        p.untracked_remote.clear();
    }
    planned(ctx, &p);
    Ok((p, observed))
}

/// Names a plan is about (its steps — a rename's old name too — and the repositories it
/// found in sync).
fn plan_names(p: &Plan) -> BTreeSet<String> {
    p.steps
        .iter()
        .flat_map(|s| {
            let from = match s {
                Step::Rename { from, .. } => Some(from.clone()),
                _ => None,
            };
            std::iter::once(s.name().to_string()).chain(from)
        })
        .chain(p.in_sync.iter().cloned())
        .collect()
}

/// The repositories an apply of `p` records: the plan's, and removed or retired ones no
/// forge holds any more (done already: nothing to delete).
fn names_of(files: &Files, p: &Plan, observed: &Observed) -> BTreeSet<String> {
    let mut names = plan_names(p);
    let held = |name: &str| observed.0.values().any(|r| r.contains_key(name));
    for (name, change) in &files.staged.changes {
        if matches!(change, StagedChange::Remove) && !held(name.as_str()) {
            names.insert(name.to_string());
        }
    }
    for (name, repo) in &files.current.repos {
        if repo.retired_at.is_some() && !held(name.as_str()) {
            names.insert(name.to_string());
        }
    }
    names
}

/// Retiring is the first half of a deletion: a protected repository needs `--force`.
fn check_retiring(p: &Plan, s: &Scope, safety: Safety) -> Result<(), OpsError> {
    let step = p
        .steps
        .iter()
        .find(|st| s.retiring.contains_key(st.name()) && s.protected.contains(st.name()));
    match step {
        Some(step) if !safety.force => {
            Err(OpsError::Safety(hyperforge_plan::SafetyError::Protected {
                forge: step.forge().to_string(),
                name: step.name().to_string(),
                what: "retired (archived and made private) for deletion",
            }))
        }
        _ => Ok(()),
    }
}

/// Applies `p` (computed by [`diff`], perhaps in another process and read back from a
/// file): checks the safety rules, refuses if the forges changed since (unless `observed`
/// is what was refreshed just now for it), applies with a step log, captures what the
/// forges now hold, merges the staged changes of the plan's repositories, and verifies that
/// nothing is left to do for them.
pub fn execute(
    ctx: &Ctx<'_>,
    p: &Plan,
    observed: Option<Observed>,
    safety: Safety,
) -> Result<SyncReport, OpsError> {
    if p.org != ctx.org.as_str() {
        return Err(OpsError::PlanOrg {
            plan: p.org.clone(),
            org: ctx.org.to_string(),
        });
    }
    let files = load(ctx)?;
    let observed = match observed {
        Some(o) => o,
        None => refresh(ctx.of, ctx.emit)?,
    };
    let names = names_of(&files, p, &observed);
    let keep = |n: &str| names.contains(n);
    let deleted: BTreeSet<String> = p
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Delete { .. }))
        .map(|s| s.name().to_string())
        .collect();
    let s = scope(ctx, &files, (&keep, &Purge::AsPlanned(&deleted)), &observed)?;
    exactly(ctx, p, &s, &observed)?;
    if !p.is_empty() {
        check(p, s.total, &|n| s.protected.contains(n), safety)?;
    }
    check_retiring(p, &s, safety)?;
    // Before any create: a mirror set-up survives an apply killed half-way.
    crate::pending::add(ctx.store, ctx.org, &p.mirrors)?;
    let applied = if p.is_empty() {
        None
    } else {
        Some(run_apply(ctx, p, &observed)?)
    };
    let after = if applied.is_some() {
        refresh(ctx.of, ctx.emit)?
    } else {
        observed
    };
    let recorded = ctx.store.with_org_lock(ctx.org, |tx| {
        let before = tx.repos().clone();
        tx.merge_staged_where(&keep);
        for (name, at) in &s.retiring {
            let Ok(n) = RepoName::new(name.clone()) else {
                continue;
            };
            let entry = tx
                .repos()
                .repos
                .get(&n)
                .or_else(|| before.repos.get(&n))
                .cloned();
            if let Some(mut repo) = entry {
                repo.retired_at = Some(at.clone());
                tx.repos_mut().repos.insert(n, repo);
            }
        }
        for name in &s.removals {
            if let Ok(n) = RepoName::new(name.clone()) {
                tx.repos_mut().repos.remove(&n);
            }
        }
        capture(tx.repos_mut(), &after, &(ctx.clock)());
        Ok::<_, OpsError>(tx.repos().repos.len())
    })?;
    (ctx.emit)(Event::Captured {
        org: ctx.org.to_string(),
        repos: recorded,
    });
    let verify = plan(ctx.org.as_str(), &s.wanted, &s.removals, &after);
    if !verify.is_empty() {
        return Err(OpsError::Drift(verify.steps.len()));
    }
    Ok(SyncReport {
        plan: p.clone(),
        applied,
        observed: after,
    })
}

/// Exactly this plan: unless its apply was interrupted (its log resumes it), the forges
/// must be as it saw them and its steps must be what the desired state asks now — a stale
/// or hand-edited plan is refused before anything is changed.
fn exactly(ctx: &Ctx<'_>, p: &Plan, s: &Scope, observed: &Observed) -> Result<(), OpsError> {
    if StepLog::open(&log_path(ctx), &p.hash()).any_done() {
        return Ok(());
    }
    if observed.hash() != p.observed_hash {
        return Err(OpsError::Apply(hyperforge_apply::ApplyError::Stale {
            planned: p.observed_hash.clone(),
            now: observed.hash(),
        }));
    }
    conflicts(&s.wanted, observed)?;
    if plan_of(ctx, s, observed).steps != p.steps {
        return Err(OpsError::PlanMismatch);
    }
    Ok(())
}

fn log_path(ctx: &Ctx<'_>) -> std::path::PathBuf {
    ctx.log_dir.join(format!("{}.apply.log", ctx.org))
}

/// Names the forges would treat as one (GitHub and Gitea compare names without case), and
/// renames onto a name a forge already holds: refused before anything is planned, since
/// applying either would change a repository nobody asked to change.
fn conflicts(wanted: &[DesiredRepo], observed: &Observed) -> Result<(), OpsError> {
    for d in wanted {
        for forge in &d.forges {
            let Some(held) = observed.0.get(forge) else {
                continue;
            };
            if let Some(other) = held
                .keys()
                .find(|k| k.eq_ignore_ascii_case(&d.name) && **k != d.name)
                && d.renamed_from.as_deref() != Some(other.as_str())
            {
                return Err(OpsError::CaseCollision {
                    forge: forge.clone(),
                    name: d.name.clone(),
                    existing: other.clone(),
                });
            }
            if let Some(from) = &d.renamed_from
                && held.contains_key(from)
                && held.contains_key(&d.name)
            {
                return Err(OpsError::RenameTargetTaken {
                    forge: forge.clone(),
                    from: from.clone(),
                    name: d.name.clone(),
                });
            }
        }
    }
    Ok(())
}

/// The plan of `s` against `observed`, completed: mirrors, and the protection of repositories
/// being deleted (no longer declared, so the planner cannot know it).
fn plan_of(ctx: &Ctx<'_>, s: &Scope, observed: &Observed) -> Plan {
    let mut p = plan(ctx.org.as_str(), &s.wanted, &s.removals, observed);
    p.mirrors = mirrors(&p, &s.wanted, &s.origin);
    for step in &mut p.steps {
        if let Step::Delete {
            name, protected, ..
        } = step
        {
            *protected |= s.protected.contains(name.as_str());
        }
    }
    p
}

fn run_apply(ctx: &Ctx<'_>, p: &Plan, observed: &Observed) -> Result<Applied, OpsError> {
    let stop = || ctx.interrupt.and_then(infra_process::Interrupt::signal);
    let engine = RestEngine {
        forges: ctx.of.forges.clone(),
        owners: ctx.of.owners.clone(),
        stop: Some(&stop),
    };
    std::fs::create_dir_all(ctx.log_dir)
        .map_err(|e| OpsError::Fs(infra_fs::FsError::new("create", ctx.log_dir, e)))?;
    let mut log = StepLog::open(&log_path(ctx), &p.hash());
    let on_step = |index: usize, step: &Step, resumed: bool| {
        (ctx.emit)(Event::Step {
            index,
            op: step.op().to_string(),
            forge: step.forge().to_string(),
            repo: step.name().to_string(),
            resumed,
        });
    };
    let applied = apply(&engine, p, observed, &mut log, &on_step)?;
    let _ = log.finish();
    Ok(applied)
}

/// `repos sync` / `repos converge` of the org: [`diff`], then — unless `dry_run` —
/// [`execute`] with the state just observed.
pub fn sync(
    ctx: &Ctx<'_>,
    (dry_run, purge): (bool, bool),
    safety: Safety,
    only: Option<&str>,
) -> Result<SyncReport, OpsError> {
    let (p, observed) = diff(ctx, only, purge)?;
    if dry_run {
        return Ok(SyncReport {
            plan: p,
            applied: None,
            observed,
        });
    }
    execute(ctx, &p, Some(observed), safety)
}
