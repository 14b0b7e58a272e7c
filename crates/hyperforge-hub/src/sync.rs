//! The methods that talk to an org's forges — import, diff, plan, refresh, sync,
//! converge — with the confirmation and safety rules the CLI applies: nothing is changed
//! on a forge without `yes`, and `force` / `allow_large` are passed to the safety check
//! with the org's blast-radius limit.

use hyperforge_ops::repos::{DiffReport, refresh_org};
use hyperforge_ops::{Connected, Ctx, Emit, Hub, OpsError, SyncReport, after_sync};
use hyperforge_schema::{OrgName, RepoName};
use serde::Serialize;
use serde_json::{Value, json};

use crate::methods::{org_name, to_json};
use crate::org_locks::OrgLocks;
use crate::params;
use crate::rpc::{CONFIRMATION_REQUIRED, RpcError};

/// Runs `f` with the org's forges connected.
fn on_org<T>(
    hub: &Hub,
    org: &OrgName,
    emit: Emit<'_>,
    f: impl FnOnce(&Ctx<'_>, &Connected) -> Result<T, OpsError>,
) -> Result<T, OpsError> {
    let connected = hub.connect(org)?;
    let of = connected.org_forges();
    let logs = hub.log_dir();
    let ctx = Ctx {
        store: &hub.store,
        org,
        of: &of,
        log_dir: &logs,
        clock: &*hub.clock,
        emit,
        interrupt: Some(&hub.interrupt),
    };
    f(&ctx, &connected)
}

/// `org.import`: the forges' repositories become the desired state.
pub(crate) fn import(hub: &Hub, org: &OrgName, emit: Emit<'_>) -> Result<Value, RpcError> {
    let repos = on_org(hub, org, emit, |ctx, _| hyperforge_ops::import(ctx))?;
    let names: Vec<&str> = repos.repos.keys().map(RepoName::as_str).collect();
    Ok(json!({ "org": org.as_str(), "repos": names }))
}

/// `repos.diff`: what a sync would do ([`DiffReport`]).
pub(crate) fn diff(
    hub: &Hub,
    org: &OrgName,
    (only, purge): (Option<RepoName>, bool),
    emit: Emit<'_>,
) -> Result<Value, RpcError> {
    let only = only.as_ref().map(RepoName::as_str);
    let (plan, _) = on_org(hub, org, emit, |ctx, _| {
        hyperforge_ops::diff(ctx, only, purge)
    })?;
    to_json(&DiffReport::of(&plan))
}

/// `repos.plan`: the plan itself, as `repos plan --out` writes it (a client may keep it).
pub(crate) fn plan(hub: &Hub, org: &OrgName, emit: Emit<'_>) -> Result<Value, RpcError> {
    let (plan, _) = on_org(hub, org, emit, |ctx, _| {
        hyperforge_ops::diff(ctx, None, false)
    })?;
    to_json(&plan)
}

/// `repos.refresh`: `_synced` and `_discovered` recorded, drift reported.
pub(crate) fn refresh(hub: &Hub, org: &OrgName, emit: Emit<'_>) -> Result<Value, RpcError> {
    to_json(&on_org(hub, org, emit, |ctx, _| refresh_org(ctx))?)
}

/// What `repos.sync` and `repos.converge` answer.
#[derive(Debug, Serialize)]
struct SyncResult {
    org: String,
    dry_run: bool,
    /// The plan, as `repos.diff` reports it.
    plan: DiffReport,
    /// What was applied (absent for a dry run or an empty plan).
    #[serde(skip_serializing_if = "Option::is_none")]
    applied: Option<AppliedSummary>,
}

/// What an apply did.
#[derive(Debug, Serialize)]
struct AppliedSummary {
    /// `forge/name` created or updated.
    synced: Vec<String>,
    /// `forge/name` deleted.
    deleted: Vec<String>,
    /// Steps an earlier, interrupted apply had done.
    resumed: usize,
}

fn result(org: &OrgName, dry_run: bool, report: &SyncReport) -> Result<Value, RpcError> {
    to_json(&SyncResult {
        org: org.to_string(),
        dry_run,
        plan: DiffReport::of(&report.plan),
        applied: report.applied.as_ref().map(|a| AppliedSummary {
            synced: a.synced.keys().map(|(f, n)| format!("{f}/{n}")).collect(),
            deleted: a.deleted.iter().map(|(f, n)| format!("{f}/{n}")).collect(),
            resumed: a.resumed,
        }),
    })
}

/// The flags of an applying method.
#[derive(Debug, Clone, Copy)]
struct Flags {
    purge: bool,
    dry_run: bool,
    yes: bool,
    force: bool,
    allow_large: bool,
}

/// Refuses a call that would change the forges without `yes`.
fn confirmed(method: &str, flags: Flags) -> Result<(), RpcError> {
    if flags.dry_run || flags.yes {
        return Ok(());
    }
    Err(RpcError::new(
        CONFIRMATION_REQUIRED,
        format!(
            "{method} changes the forges: pass \"yes\": true to apply (or \"dry_run\": true to see the plan)"
        ),
    )
    .with_data(json!({ "field": "yes" })))
}

/// Plans and (unless a dry run) applies, under the org's lock when applying; `git_side`
/// also checks the workspaces' remotes and pushes to mirrors, as `repos sync` does.
fn apply(
    hub: &Hub,
    locks: &OrgLocks,
    org: &OrgName,
    only: Option<&str>,
    flags: Flags,
    git_side: bool,
    emit: Emit<'_>,
) -> Result<Value, RpcError> {
    let run = || {
        // One apply of an org at a time across processes too (the CLI, `watch`).
        let _sync = (!flags.dry_run)
            .then(|| hub.store.sync_lock(org))
            .transpose()?;
        on_org(hub, org, emit, |ctx, connected| {
            let report = hyperforge_ops::sync(
                ctx,
                (flags.dry_run, flags.purge),
                hub.safety(org, flags.force, flags.allow_large),
                only,
            )?;
            if git_side {
                let (p, o) = (&report.plan, &report.observed);
                after_sync(hub, org, connected, p, o, flags.dry_run, emit)?;
            }
            Ok(report)
        })
    };
    let report = if flags.dry_run {
        run()
    } else {
        locks.exclusive(org.as_str(), run)
    }?;
    result(org, flags.dry_run, &report)
}

/// `repos.sync`.
pub(crate) fn sync(
    hub: &Hub,
    locks: &OrgLocks,
    p: params::Sync,
    emit: Emit<'_>,
) -> Result<Value, RpcError> {
    let flags = Flags {
        purge: p.purge,
        dry_run: p.dry_run,
        yes: p.yes,
        force: p.force,
        allow_large: p.allow_large,
    };
    confirmed("repos.sync", flags)?;
    let org = org_name(hub, p.org)?;
    let only = p.repo.as_ref().map(RepoName::as_str);
    apply(hub, locks, &org, only, flags, true, emit)
}

/// `repos.converge`: refresh, diff, apply, capture, verify.
pub(crate) fn converge(
    hub: &Hub,
    locks: &OrgLocks,
    p: params::Converge,
    emit: Emit<'_>,
) -> Result<Value, RpcError> {
    let flags = Flags {
        purge: p.purge,
        dry_run: p.dry_run,
        yes: p.yes,
        force: p.force,
        allow_large: p.allow_large,
    };
    confirmed("repos.converge", flags)?;
    let org = org_name(hub, p.org)?;
    apply(hub, locks, &org, None, flags, false, emit)
}
