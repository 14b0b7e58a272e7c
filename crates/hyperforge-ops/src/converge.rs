//! Refresh, diff, apply, capture, verify.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hyperforge_apply::{Applied, RestEngine, StepLog, apply};
use hyperforge_forge::Forge;
use hyperforge_plan::{DesiredRepo, Observed, Plan, Safety, check, plan};
use hyperforge_schema::{
    ForgeName, OrgConfig, OrgName, Repo, RepoName, ReposFile, StagedChange, Synced, Visibility,
};
use hyperforge_state::Store;

use crate::OpsError;

/// The forges of one org: the client per forge name and the org's owner login on each.
pub struct OrgForges<'a> {
    /// Clients by forge name.
    pub forges: BTreeMap<String, &'a dyn Forge>,
    /// Owner login by forge name.
    pub owners: BTreeMap<String, String>,
}

/// The time to record (RFC 3339, UTC), given by the caller so tests are deterministic.
pub type Clock<'a> = &'a dyn Fn() -> String;

/// What the forges hold now: every repository of the org's owner on each forge.
pub fn refresh(of: &OrgForges<'_>) -> Result<Observed, OpsError> {
    let mut out = BTreeMap::new();
    for (name, forge) in &of.forges {
        let owner = of.owners.get(name).map_or("", String::as_str);
        let repos = forge.list_repos(owner)?;
        out.insert(
            name.clone(),
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
            private: r.visibility.unwrap_or(org.defaults.visibility) == Visibility::Private,
            archived: r.archived,
            protected: r.protected.unwrap_or(org.defaults.protected),
            forges: r
                .forges
                .clone()
                .unwrap_or_else(|| org.forges.clone())
                .iter()
                .map(ToString::to_string)
                .collect(),
        })
        .collect()
}

/// Writes what was observed into `_discovered` and, for existing copies, `_synced`.
fn capture(repos: &mut ReposFile, observed: &Observed, now: &str) {
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
                visibility: found.map(|r| {
                    if r.private {
                        Visibility::Private
                    } else {
                        Visibility::Public
                    }
                }),
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
pub fn import(
    store: &Store,
    org: &OrgName,
    of: &OrgForges<'_>,
    clock: Clock<'_>,
) -> Result<ReposFile, OpsError> {
    let observed = refresh(of)?;
    store.with_org_lock(org, |tx| {
        let repos = tx.repos_mut();
        for (forge, seen) in &observed.0 {
            for r in seen.values() {
                let name =
                    RepoName::new(r.name.clone()).map_err(|_| OpsError::BadName(r.name.clone()))?;
                let forge_name =
                    ForgeName::new(forge.clone()).map_err(|_| OpsError::BadName(forge.clone()))?;
                let entry = repos.repos.entry(name).or_insert_with(|| Repo {
                    description: r.description.clone(),
                    visibility: Some(if r.private {
                        Visibility::Private
                    } else {
                        Visibility::Public
                    }),
                    archived: r.archived,
                    forges: Some(BTreeSet::new()),
                    ..Repo::default()
                });
                let same = entry.description == r.description
                    && entry.archived == r.archived
                    && entry.visibility
                        == Some(if r.private {
                            Visibility::Private
                        } else {
                            Visibility::Public
                        });
                if same && let Some(f) = entry.forges.as_mut() {
                    f.insert(forge_name);
                }
            }
        }
        capture(repos, &observed, &clock());
        Ok::<_, OpsError>(repos.clone())
    })
}

/// What a sync did.
#[derive(Debug)]
pub struct SyncReport {
    /// The plan (empty when converged).
    pub plan: Plan,
    /// What was applied (`None` for a dry run or an empty plan).
    pub applied: Option<Applied>,
}

/// `repos sync` / `repos converge` of `org`: refresh, plan (desired = `repos.yaml` with the
/// staged changes; only `only` when given), and — unless `dry_run` — check the safety rules,
/// apply with a step log in `log_dir`, capture, merge the staged changes, verify.
pub fn sync(
    store: &Store,
    org: &OrgName,
    of: &OrgForges<'_>,
    (dry_run, safety, only): (bool, Safety, Option<&str>),
    log_dir: &Path,
    clock: Clock<'_>,
) -> Result<SyncReport, OpsError> {
    let (_, org_config) = store.org(org.as_str())?;
    let org_config = org_config.clone();
    let staged = store.staged(org)?;
    let current = store.load_repos(org)?;
    let merged = staged.merged_into(&current);
    let keep = |name: &str| only.is_none_or(|o| o == name);
    let wanted: Vec<DesiredRepo> = desired(&org_config, &merged)
        .into_iter()
        .filter(|d| keep(&d.name))
        .collect();
    let removals: BTreeSet<String> = staged
        .changes
        .iter()
        .filter(|(n, c)| matches!(c, StagedChange::Remove) && keep(n.as_str()))
        .map(|(n, _)| n.to_string())
        .collect();
    let observed = refresh(of)?;
    let mut p = plan(org.as_str(), &wanted, &removals, &observed);
    if only.is_some() {
        p.untracked_remote.clear();
    }
    if dry_run || p.is_empty() {
        if !dry_run {
            store.with_org_lock(org, |tx| {
                tx.merge_staged();
                capture(tx.repos_mut(), &observed, &clock());
                Ok::<_, OpsError>(())
            })?;
        }
        return Ok(SyncReport {
            plan: p,
            applied: None,
        });
    }
    // Protected as declared now or before this change: a staged removal does not lift it.
    let protected: BTreeSet<String> = desired(&org_config, &current)
        .into_iter()
        .chain(wanted.iter().cloned())
        .filter(|d| d.protected)
        .map(|d| d.name)
        .collect();
    let total = merged.repos.len();
    check(&p, total, &|n| protected.contains(n), safety)?;
    let engine = RestEngine {
        forges: of.forges.clone(),
        owners: of.owners.clone(),
    };
    std::fs::create_dir_all(log_dir).map_err(|e| {
        OpsError::State(hyperforge_state::StateError::from(infra_fs_error(
            log_dir, e,
        )))
    })?;
    let mut log = StepLog::open(&log_dir.join(format!("{org}.apply.log")), &p.observed_hash);
    let applied = apply(&engine, &p, &observed, &mut log)?;
    let after = refresh(of)?;
    store.with_org_lock(org, |tx| {
        tx.merge_staged();
        for name in &removals {
            if let Ok(n) = RepoName::new(name.clone()) {
                tx.repos_mut().repos.remove(&n);
            }
        }
        capture(tx.repos_mut(), &after, &clock());
        Ok::<_, OpsError>(())
    })?;
    let _ = log.finish();
    let verify = plan(org.as_str(), &wanted, &removals, &after);
    if !verify.is_empty() {
        return Err(OpsError::Drift(verify.steps.len()));
    }
    Ok(SyncReport {
        plan: p,
        applied: Some(applied),
    })
}

fn infra_fs_error(path: &Path, e: std::io::Error) -> infra_fs::FsError {
    infra_fs::FsError::new("create", path, e)
}
