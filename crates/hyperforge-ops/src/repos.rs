//! `hyperforge repos list|create|update|remove|refresh` and plan files: what is declared,
//! what is pending, staging changes, and recording what the forges hold.

use std::collections::BTreeMap;
use std::path::Path;

use hyperforge_plan::Plan;
use hyperforge_schema::{
    OrgName, RepoName, RepoPatch, RepoSpec, StagedChange, StagedFile, Visibility,
};
use hyperforge_state::Store;
use serde::Serialize;

use crate::converge::{Ctx, capture, desired, refresh};
use crate::{Event, OpsError};

/// One repository, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct RepoRow {
    /// Its name.
    pub name: String,
    /// `public` or `private` (the org's default when not declared).
    pub visibility: Visibility,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Protected from deletion and from being made private.
    pub protected: bool,
    /// Archived.
    pub archived: bool,
    /// The forges it should be on.
    pub forges: Vec<String>,
    /// The forges it was last seen on (from `_synced`).
    pub synced: Vec<String>,
    /// A pending change: `create`, `update`, `rename`, `remove`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staged: Option<String>,
    /// Retired since (deleted once the org's grace period is over).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<String>,
}

fn change_name(c: &StagedChange) -> &'static str {
    match c {
        StagedChange::Create(_) => "create",
        StagedChange::Update(_) => "update",
        StagedChange::Remove => "remove",
        StagedChange::Rename(_) => "rename",
    }
}

/// `repos list <org>`: declared repositories with pending changes folded in (a staged
/// removal is listed, marked).
pub fn list(store: &Store, org: &OrgName) -> Result<Vec<RepoRow>, OpsError> {
    let (_, oc) = store.org(org.as_str())?;
    let current = store.load_repos(org)?;
    let staged = store.staged(org)?;
    let mut merged = staged.merged_into(&current);
    for (name, c) in &staged.changes {
        if matches!(c, StagedChange::Remove)
            && let Some(r) = current.repos.get(name)
        {
            merged.repos.insert(name.clone(), r.clone());
        }
    }
    let wanted = desired(oc, &merged);
    Ok(wanted
        .into_iter()
        .map(|d| {
            let name = RepoName::new(d.name.clone()).ok();
            let repo = name.as_ref().and_then(|n| merged.repos.get(n));
            RepoRow {
                visibility: if d.private {
                    Visibility::Private
                } else {
                    Visibility::Public
                },
                description: d.description,
                protected: d.protected,
                archived: d.archived,
                forges: d.forges.into_iter().collect(),
                synced: repo
                    .map(|r| r.synced.keys().map(ToString::to_string).collect())
                    .unwrap_or_default(),
                staged: name
                    .as_ref()
                    .and_then(|n| staged.changes.get(n))
                    .map(|c| change_name(c).to_string()),
                retired_at: repo.and_then(|r| r.retired_at.clone()),
                name: d.name,
            }
        })
        .collect())
}

fn declared(staged: &StagedFile, repos: &hyperforge_schema::ReposFile, name: &RepoName) -> bool {
    match staged.changes.get(name) {
        Some(StagedChange::Create(_) | StagedChange::Update(_)) => true,
        Some(StagedChange::Remove | StagedChange::Rename(_)) => false,
        None => repos.repos.contains_key(name),
    }
}

/// What a `repos create|update|remove` stages.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new repository.
    Create(RepoSpec),
    /// New values for some fields.
    Update(RepoPatch),
    /// Give it a new name on every forge.
    Rename(RepoName),
    /// Remove it from every forge (`force`: even if protected).
    Remove {
        /// Even a protected one.
        force: bool,
    },
}

/// Checks that `change` makes sense for `name` given the org's files under its lock, and
/// returns what to stage.
fn validated(
    tx: &hyperforge_state::OrgTx,
    (org, oc): (&OrgName, &hyperforge_schema::OrgConfig),
    name: &RepoName,
    change: Change,
) -> Result<StagedChange, OpsError> {
    let exists = declared(tx.staged(), tx.repos(), name);
    let check_forges = |f: &Option<std::collections::BTreeSet<_>>| -> Result<(), OpsError> {
        match f.iter().flatten().find(|forge| !oc.forges.contains(*forge)) {
            None => Ok(()),
            Some(forge) => Err(OpsError::Invalid {
                what: "forge".into(),
                value: forge.to_string(),
                expected: format!(
                    "forges of org `{org}`: {}",
                    oc.forges
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    };
    let new_name = match &change {
        Change::Create(_) => Some(name),
        Change::Rename(to) => Some(to),
        _ => None,
    };
    if let Some(new_name) = new_name
        && let Some(twin) = tx
            .staged()
            .merged_into(tx.repos())
            .repos
            .keys()
            .find(|k| k.as_str().eq_ignore_ascii_case(new_name.as_str()) && *k != new_name)
    {
        return Err(OpsError::CaseTwin {
            name: new_name.to_string(),
            existing: twin.to_string(),
        });
    }
    let within_limits = |problems: Vec<(&'static str, String)>| match problems.into_iter().next() {
        None => Ok(()),
        Some((key, message)) => Err(OpsError::Limit { key, message }),
    };
    match change {
        Change::Create(_) if exists => Err(OpsError::RepoExists(name.to_string())),
        Change::Create(spec) => {
            check_forges(&spec.forges)?;
            within_limits(spec.problems(name.as_str()))?;
            Ok(StagedChange::Create(spec))
        }
        _ if !exists => Err(OpsError::UnknownRepo(name.to_string())),
        Change::Update(patch) => {
            check_forges(&patch.forges)?;
            within_limits(patch.problems(name.as_str()))?;
            Ok(StagedChange::Update(patch))
        }
        Change::Rename(to) => {
            if declared(tx.staged(), tx.repos(), &to) || tx.staged().changes.contains_key(&to) {
                return Err(OpsError::RepoExists(to.to_string()));
            }
            if matches!(tx.staged().changes.get(name), Some(StagedChange::Update(_))) {
                return Err(OpsError::PendingChange(name.to_string()));
            }
            Ok(StagedChange::Rename(to))
        }
        Change::Remove { force } => {
            let protected = tx
                .staged()
                .merged_into(tx.repos())
                .repos
                .get(name)
                .and_then(|r| r.protected)
                .unwrap_or(oc.defaults.protected);
            if protected && !force {
                return Err(OpsError::ProtectedRemove(name.to_string()));
            }
            Ok(StagedChange::Remove)
        }
    }
}

/// Stages `change` for `name` in `org`, after checking it makes sense: a create of a
/// declared repository, or an update, rename or removal of an undeclared one, is refused;
/// so is staging the removal of a protected repository without `force`.
pub fn stage(
    store: &Store,
    org: &OrgName,
    name: &RepoName,
    change: Change,
    emit: crate::Emit<'_>,
) -> Result<(), OpsError> {
    let (_, oc) = store.org(org.as_str())?;
    let oc = oc.clone();
    let label = match &change {
        Change::Create(_) => "create",
        Change::Update(_) => "update",
        Change::Rename(_) => "rename",
        Change::Remove { .. } => "remove",
    };
    store.with_org_lock(org, |tx| {
        let staged = validated(tx, (org, &oc), name, change)?;
        tx.staged_mut().stage(name.clone(), staged);
        Ok::<_, OpsError>(())
    })?;
    emit(Event::Staged {
        org: org.to_string(),
        repo: name.to_string(),
        change: label.into(),
    });
    Ok(())
}

/// What a refresh found: per declared repository and forge, how the forge differs from
/// what is declared (committed state, staged changes left out), and what nobody declared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RefreshReport {
    /// `repo → forge → [fields that differ, or "missing"]`.
    pub drift: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// `forge/name` of undeclared repositories.
    pub untracked_remote: Vec<String>,
}

/// `repos refresh <org>`: lists the forges, records what they hold in `_discovered` and
/// `_synced`, and reports drift from the committed desired state.
pub fn refresh_org(ctx: &Ctx<'_>) -> Result<RefreshReport, OpsError> {
    let observed = refresh(ctx.of, ctx.emit)?;
    let (_, oc) = ctx.store.org(ctx.org.as_str())?;
    let oc = oc.clone();
    let repos = ctx.store.with_org_lock(ctx.org, |tx| {
        capture(tx.repos_mut(), &observed, &(ctx.clock)());
        Ok::<_, OpsError>(tx.repos().clone())
    })?;
    (ctx.emit)(Event::Captured {
        org: ctx.org.to_string(),
        repos: repos.repos.len(),
    });
    let wanted = desired(&oc, &repos);
    let p = hyperforge_plan::plan(
        ctx.org.as_str(),
        &wanted,
        &std::collections::BTreeSet::new(),
        &observed,
    );
    let mut report = RefreshReport {
        untracked_remote: p.untracked_remote.clone(),
        ..RefreshReport::default()
    };
    for step in &p.steps {
        let fields = match step {
            hyperforge_plan::Step::Create { .. } => vec!["missing".to_string()],
            hyperforge_plan::Step::Update { changes, .. } => {
                changes.iter().map(|c| c.field.clone()).collect()
            }
            hyperforge_plan::Step::Delete { .. } | hyperforge_plan::Step::Rename { .. } => continue,
        };
        report
            .drift
            .entry(step.name().to_string())
            .or_default()
            .insert(step.forge().to_string(), fields);
    }
    Ok(report)
}

/// Writes `plan` to `path` as JSON (atomically).
pub fn write_plan(path: &Path, plan: &Plan) -> Result<(), OpsError> {
    let mut text = serde_json::to_string_pretty(plan).map_err(|e| OpsError::PlanFile {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    text.push('\n');
    infra_fs::write_atomic(path, text.as_bytes(), None).map_err(OpsError::Fs)
}

/// Reads a plan written by `repos plan --out`.
pub fn read_plan(path: &Path) -> Result<Plan, OpsError> {
    let bytes = infra_fs::read_text_file(path).map_err(|e| OpsError::PlanFile {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| OpsError::PlanFile {
        path: path.to_path_buf(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })
}

/// A plan as `repos diff --json` reports it: what would be created, updated and deleted
/// (each `{repo, forge, …}`), what is in sync, and what the forges hold that nobody
/// declared.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The org.
    pub org: String,
    /// Repositories to create, per forge.
    pub to_create: Vec<serde_json::Value>,
    /// Field changes, per repository and forge.
    pub to_update: Vec<serde_json::Value>,
    /// Repositories to delete, per forge.
    pub to_delete: Vec<serde_json::Value>,
    /// Repositories to rename, per forge (`from`, `repo`).
    pub to_rename: Vec<serde_json::Value>,
    /// Content carried to mirror forges after the steps.
    pub mirrors: Vec<hyperforge_plan::Mirror>,
    /// Declared repositories needing nothing.
    pub in_sync: Vec<String>,
    /// `forge/name` of undeclared repositories (never deleted).
    pub untracked_remote: Vec<String>,
    /// The hash of the observed state the plan was computed from.
    pub observed_hash: String,
}

impl DiffReport {
    /// The report of `plan`.
    pub fn of(plan: &Plan) -> Self {
        use hyperforge_plan::Step;
        let mut out = Self {
            org: plan.org.clone(),
            to_create: Vec::new(),
            to_update: Vec::new(),
            to_delete: Vec::new(),
            to_rename: Vec::new(),
            mirrors: plan.mirrors.clone(),
            in_sync: plan.in_sync.clone(),
            untracked_remote: plan.untracked_remote.clone(),
            observed_hash: plan.observed_hash.clone(),
        };
        for step in &plan.steps {
            // `{repo, forge, …the step's own fields}`, in that order.
            let mut v = serde_json::Map::new();
            v.insert("repo".into(), step.name().into());
            v.insert("forge".into(), step.forge().into());
            if let serde_json::Value::Object(fields) =
                serde_json::to_value(step).unwrap_or_default()
            {
                for (k, f) in fields {
                    if !matches!(k.as_str(), "op" | "name" | "forge") {
                        v.insert(k, f);
                    }
                }
            }
            let v = serde_json::Value::Object(v);
            match step {
                Step::Create { .. } => out.to_create.push(v),
                Step::Update { .. } => out.to_update.push(v),
                Step::Rename { .. } => out.to_rename.push(v),
                Step::Delete { .. } => out.to_delete.push(v),
            }
        }
        out
    }

    /// Changes in all.
    pub fn changes(&self) -> usize {
        self.to_create.len() + self.to_update.len() + self.to_delete.len() + self.to_rename.len()
    }
}
