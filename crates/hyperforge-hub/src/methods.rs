//! Each method run against a fresh [`Hub`]: the same operation functions the CLI calls,
//! their reports serialised as the result. Runs on a blocking thread.

use hyperforge_ops::{Emit, Hub, OpsError, forges, orgs, repos, workspace};
use hyperforge_schema::{OrgName, RepoName, RepoPatch, RepoSpec};
use serde::Serialize;
use serde_json::{Value, json};

use crate::org_locks::OrgLocks;
use crate::params::Method;
use crate::rpc::{INTERNAL_ERROR, INVALID_PARAMS, RpcError};
use crate::sync;

/// Runs `m`; mutations of an org hold its lock in `locks` while they run.
pub(crate) fn run(
    hub: &Hub,
    m: Method,
    emit: Emit<'_>,
    locks: &OrgLocks,
) -> Result<Value, RpcError> {
    match m {
        Method::ForgeList => to_json(&forges::list(&hub.store)),
        Method::ForgeAuth(p) => to_json(&forges::auth(hub, &p.names)?),
        Method::OrgList => to_json(&orgs::list(&hub.store)?),
        Method::OrgShow(p) => to_json(&orgs::show(&hub.store, &p.org)?),
        Method::OrgImport(p) => {
            let org = org_name(hub, Some(p.org))?;
            locks.exclusive(org.as_str(), || sync::import(hub, &org, emit))
        }
        Method::ReposList(p) => to_json(&repos::list(&hub.store, &org_name(hub, p.org)?)?),
        Method::ReposCreate(p) => {
            let spec = RepoSpec {
                description: p.description,
                visibility: p.visibility,
                forges: p.forges,
                protected: p.protected,
                default_branch: p.default_branch,
                topics: p.topics,
            };
            stage(hub, locks, p.org, p.repo, repos::Change::Create(spec), emit)
        }
        Method::ReposUpdate(p) if p.rename.is_some() => {
            let to = p.rename.clone();
            let alone = p.description.is_none()
                && p.visibility.is_none()
                && p.forges.is_none()
                && p.protected.is_none()
                && p.archived.is_none()
                && p.default_branch.is_none()
                && p.topics.is_none();
            match (to, alone) {
                (Some(to), true) => {
                    stage(hub, locks, p.org, p.repo, repos::Change::Rename(to), emit)
                }
                _ => Err(RpcError::new(
                    INVALID_PARAMS,
                    "invalid params: `rename` is staged alone, without other fields",
                )
                .with_data(json!({ "field": "rename" }))),
            }
        }
        Method::ReposUpdate(p) => {
            let patch = RepoPatch {
                description: p.description,
                visibility: p.visibility,
                forges: p.forges,
                protected: p.protected,
                archived: p.archived,
                default_branch: p.default_branch,
                topics: p.topics,
            };
            stage(
                hub,
                locks,
                p.org,
                p.repo,
                repos::Change::Update(patch),
                emit,
            )
        }
        Method::ReposRemove(p) => {
            let change = repos::Change::Remove { force: p.force };
            stage(hub, locks, p.org, p.repo, change, emit)
        }
        Method::ReposDiff(p) => sync::diff(hub, &org_name(hub, p.org)?, (p.repo, p.purge), emit),
        Method::ReposPlan(p) => sync::plan(hub, &org_name(hub, p.org)?, emit),
        Method::ReposSync(p) => sync::sync(hub, locks, p, emit),
        Method::ReposRefresh(p) => {
            let org = org_name(hub, p.org)?;
            locks.exclusive(org.as_str(), || sync::refresh(hub, &org, emit))
        }
        Method::ReposConverge(p) => sync::converge(hub, locks, p, emit),
        Method::WorkspaceShow(p) => to_json(&workspace::show(
            &hub.store,
            p.dir.as_deref(),
            hub.home.as_deref(),
        )?),
    }
}

/// The org named, or the config's default org.
pub(crate) fn org_name(hub: &Hub, given: Option<String>) -> Result<OrgName, RpcError> {
    match given {
        Some(name) => Ok(hub.store.org(&name).map_err(OpsError::from)?.0.clone()),
        None => hub.store.config().default_org.clone().ok_or_else(|| {
            RpcError::new(
                INVALID_PARAMS,
                "invalid params: `org` is required (config.yaml names no default org)",
            )
            .with_data(json!({ "field": "org" }))
        }),
    }
}

/// Stages one change under the org's lock; the result says what was staged.
fn stage(
    hub: &Hub,
    locks: &OrgLocks,
    org: String,
    repo: RepoName,
    change: repos::Change,
    emit: Emit<'_>,
) -> Result<Value, RpcError> {
    let org = org_name(hub, Some(org))?;
    let label = match &change {
        repos::Change::Create(_) => "create",
        repos::Change::Update(_) => "update",
        repos::Change::Rename(_) => "rename",
        repos::Change::Remove { .. } => "remove",
    };
    locks.exclusive(org.as_str(), || {
        repos::stage(&hub.store, &org, &repo, change, emit)
    })?;
    Ok(json!({ "org": org.as_str(), "repo": repo.as_str(), "staged": label }))
}

/// `value` as JSON (a report that cannot be serialised is the hub's fault).
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Value, RpcError> {
    serde_json::to_value(value)
        .map_err(|e| RpcError::new(INTERNAL_ERROR, format!("cannot serialise the result: {e}")))
}
