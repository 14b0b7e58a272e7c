//! The git side of a sync: one remote per forge in every clone of a bound workspace (and
//! the org's `~/.ssh/config` Host blocks when its forges are reached over SSH), and the
//! content pushed to mirror forges after an apply.

use std::collections::BTreeSet;
use std::path::Path;

use hyperforge_git::ssh_config::HostBlock;
use hyperforge_git::{RemoteChange, ensure_remotes};
use hyperforge_plan::{Observed, Plan, Step};
use hyperforge_schema::OrgName;

use crate::{Connected, Emit, Event, Hub, OpsError};

/// `url` (a clone URL a forge answered) when git may use it for `forge`: an http(s),
/// ssh:// or scp-style URL without spaces or control characters (a hostile forge could
/// answer with an `ext::` command or an option-like string), and for http(s) on the
/// forge's own host — its API host, that host without `api.` (github.com's clone host),
/// or its `web_url` host — never downgraded from https to http (the token goes there).
pub(crate) fn checked_url(hub: &Hub, forge: &str, url: &str) -> Result<String, OpsError> {
    let bad = |expected: String| OpsError::Invalid {
        what: format!("clone URL from {forge}"),
        value: url
            .chars()
            .take(200)
            .collect::<String>()
            .escape_default()
            .to_string(),
        expected,
    };
    let scheme_ok = ["https://", "http://", "ssh://", "git@"]
        .iter()
        .any(|p| url.starts_with(p));
    if !scheme_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("an https://, http://, ssh:// or git@ URL".into()));
    }
    let Some(origin) = hyperforge_git::url_origin(url) else {
        return Ok(url.to_string());
    };
    let config = hub.store.config();
    let fc = config
        .forges
        .iter()
        .find(|(n, _)| n.as_str() == forge)
        .map(|(_, f)| f);
    let api = fc
        .and_then(|f| hyperforge_git::url_origin(&f.api_url))
        .unwrap_or_default();
    let host = |o: &str| {
        o.split_once("://")
            .map(|(_, h)| h.to_string())
            .unwrap_or_default()
    };
    let mut allowed = vec![host(&api)];
    if let Some(bare) = host(&api).strip_prefix("api.") {
        allowed.push(bare.to_string());
    }
    if let Some(web) = fc
        .and_then(|f| f.web_url.as_deref())
        .and_then(hyperforge_git::url_origin)
    {
        allowed.push(host(&web));
    }
    if !allowed.contains(&host(&origin)) {
        return Err(bad(format!(
            "a URL on {forge}'s host ({})",
            allowed.join(" or ")
        )));
    }
    if api.starts_with("https://") && origin.starts_with("http://") {
        return Err(bad(format!("an https URL ({forge}'s API is https)")));
    }
    Ok(url.to_string())
}

/// The token of `forge`, for `url` only.
pub(crate) fn auth<'a>(
    connected: &'a Connected,
    forge: &str,
    origin: &'a Option<String>,
) -> Option<hyperforge_git::Auth<'a>> {
    Some(hyperforge_git::Auth {
        url: origin.as_deref()?,
        token: connected.tokens.get(forge)?.expose(),
    })
}

/// The SSH alias for `forge` of `org` (`github-acme`).
fn alias(forge: &str, org: &OrgName) -> String {
    format!("{forge}-{org}")
}

/// The URL a clone's remote for `forge` should have: an SSH alias when the forge has an
/// `ssh_host` and the org an `ssh_key`, else the forge's HTTPS clone URL.
fn remote_url(
    hub: &Hub,
    org: &OrgName,
    forge: &str,
    owner: &str,
    repo: &str,
    clone_url: &str,
) -> Option<String> {
    let config = hub.store.config();
    let oc = config.orgs.get(org)?;
    let fc = config.forges.iter().find(|(n, _)| n.as_str() == forge)?.1;
    match (&fc.ssh_host, &oc.ssh_key) {
        (Some(_), Some(_)) => Some(format!("git@{}:{owner}/{repo}.git", alias(forge, org))),
        _ => checked_url(hub, forge, clone_url).ok(),
    }
}

/// Writes the org's Host blocks (forges with an `ssh_host`, when the org has an
/// `ssh_key`) into `~/.ssh/config`; whether the file changed.
pub fn ssh_blocks(hub: &Hub, org: &OrgName, dry_run: bool) -> Result<bool, OpsError> {
    let (Some(path), config) = (&hub.ssh_config, hub.store.config()) else {
        return Ok(false);
    };
    let Some(oc) = config.orgs.get(org) else {
        return Ok(false);
    };
    let Some(key) = &oc.ssh_key else {
        return Ok(false);
    };
    let blocks: Vec<HostBlock> = oc
        .forges
        .iter()
        .filter_map(|f| {
            let host = config.forges.get(f)?.ssh_host.clone()?;
            Some(HostBlock {
                alias: alias(f.as_str(), org),
                hostname: host,
                user: "git".into(),
                identity_file: Some(key.clone()),
                port: None,
            })
        })
        .collect();
    if blocks.is_empty() || dry_run {
        return Ok(false);
    }
    hyperforge_git::ssh_config::write(path, &blocks).map_err(OpsError::Fs)
}

/// Checks the remotes of the clone at `dir` of repository `repo`: one per forge that
/// holds it, named after the forge.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per command; a struct would only rename them"
)]
pub(crate) fn remotes_of(
    hub: &Hub,
    org: &OrgName,
    connected: &Connected,
    observed: &Observed,
    dir: &Path,
    repo: &str,
    dry_run: bool,
    emit: Emit<'_>,
) -> Result<(), OpsError> {
    let wanted: Vec<(String, String)> = observed
        .0
        .iter()
        .filter_map(|(forge, repos)| {
            let r = repos.get(repo)?;
            let owner = connected.owners.get(forge)?;
            Some((
                forge.clone(),
                remote_url(hub, org, forge, owner, repo, &r.clone_url)?,
            ))
        })
        .collect();
    for change in ensure_remotes(dir, &wanted, dry_run, &hub.interrupt)? {
        let (added, corrected) = if dry_run {
            ("to add", "to correct")
        } else {
            ("added", "corrected")
        };
        let (remote, change, url) = match change {
            RemoteChange::Added(n, u) => (n, added, u),
            RemoteChange::Corrected(n, _, u) => (n, corrected, u),
            RemoteChange::Kept(n) => {
                let u = wanted
                    .iter()
                    .find(|(w, _)| *w == n)
                    .map(|(_, u)| u.clone())
                    .unwrap_or_default();
                (n, "kept", u)
            }
        };
        emit(Event::Remote {
            repo: repo.to_string(),
            remote,
            change: change.to_string(),
            url,
        });
    }
    Ok(())
}

/// Before an apply: the remotes of every clone in the org's workspaces whose repository
/// the forges already hold are checked and added or corrected (those of repositories the
/// apply creates follow in [`after_sync`]).
pub fn remotes_before(
    hub: &Hub,
    org: &OrgName,
    connected: &Connected,
    observed: &Observed,
    emit: Emit<'_>,
) -> Result<(), OpsError> {
    for ws in crate::workspace::of_org(&hub.store, org, hub.home.as_deref()) {
        for (name, dir) in crate::workspace::clones(&ws) {
            if observed.0.values().any(|r| r.contains_key(&name)) {
                remotes_of(hub, org, connected, observed, &dir, &name, false, emit)?;
            }
        }
    }
    Ok(())
}

/// After a sync of `org`: remotes of every clone in its workspaces checked, and content
/// pushed — a clone's branches to the mirror forges (and to forges where this plan just
/// created the repository); a repository created on a mirror but with no clone here is
/// mirrored from the origin. A failed push is a warning: the forges' records are kept.
pub fn after_sync(
    hub: &Hub,
    org: &OrgName,
    connected: &Connected,
    plan: &Plan,
    observed: &Observed,
    dry_run: bool,
    emit: Emit<'_>,
) -> Result<(), OpsError> {
    ssh_blocks(hub, org, dry_run)?;
    let created: BTreeSet<(String, String)> = plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Create { .. }))
        .map(|s| (s.name().to_string(), s.forge().to_string()))
        .collect();
    let origin = connected.origin.as_str();
    // The plan's mirror set-ups and those an earlier sync left pending.
    let mut todo = if dry_run {
        Vec::new()
    } else {
        crate::pending::read(&hub.store, org)
    };
    for m in &plan.mirrors {
        if !todo.contains(m) {
            todo.push(m.clone());
        }
    }
    let mut with_clone = BTreeSet::new();
    for ws in crate::workspace::of_org(&hub.store, org, hub.home.as_deref()) {
        for (name, dir) in crate::workspace::clones(&ws) {
            if !observed.0.values().any(|r| r.contains_key(&name)) {
                continue;
            }
            remotes_of(hub, org, connected, observed, &dir, &name, dry_run, emit)?;
            if dry_run || !hyperforge_git::has_commits(&dir, &hub.interrupt) {
                continue;
            }
            with_clone.insert(name.clone());
            for (forge, repos) in &observed.0 {
                let fresh = created.contains(&(name.clone(), forge.clone()));
                if let Some(r) = repos.get(&name)
                    && (forge != origin || fresh)
                    && push(hub, connected, (&dir, &r.clone_url), &name, forge, emit)
                {
                    todo.retain(|m| !(m.repo == name && m.to == *forge));
                }
            }
        }
    }
    if !dry_run {
        // A clone's push took what it could (and removed what it did); the rest comes from
        // the origin.
        todo.retain(|m| {
            with_clone.contains(&m.repo)
                || !mirror_without_clone(hub, connected, m, &created, observed, emit)
        });
        crate::pending::write(&hub.store, org, &todo)?;
    }
    Ok(())
}

/// Pushes the clone at `dir` to `forge`; whether the forge now has its content.
fn push(
    hub: &Hub,
    connected: &Connected,
    (dir, url): (&Path, &str),
    repo: &str,
    forge: &str,
    emit: Emit<'_>,
) -> bool {
    let origin = hyperforge_git::url_origin(url);
    match hyperforge_git::push_all(dir, forge, auth(connected, forge, &origin), &hub.interrupt) {
        Ok(changed) => {
            if changed {
                emit(Event::Pushed {
                    repo: repo.to_string(),
                    forge: forge.to_string(),
                });
            }
            true
        }
        Err(e) => {
            emit(Event::Warning {
                message: format!(
                    "pushing {repo} to {forge} failed (retried at the next sync): {}",
                    crate::error::chain(&e)
                ),
            });
            false
        }
    }
}

/// Carries the origin's content to the mirror of `m` through a temporary bare clone;
/// whether the set-up is done (pushed, or nothing to carry: the origin was created empty
/// in the same plan). Not done — a forge lacks the repository, a push failed — stays
/// pending.
fn mirror_without_clone(
    hub: &Hub,
    connected: &Connected,
    m: &hyperforge_plan::Mirror,
    created: &BTreeSet<(String, String)>,
    observed: &Observed,
    emit: Emit<'_>,
) -> bool {
    if created.contains(&(m.repo.clone(), m.from.clone())) {
        return true;
    }
    let (Some(from), Some(to)) = (
        observed.0.get(&m.from).and_then(|r| r.get(&m.repo)),
        observed.0.get(&m.to).and_then(|r| r.get(&m.repo)),
    ) else {
        return false;
    };
    let (Ok(from_url), Ok(to_url)) = (
        checked_url(hub, &m.from, &from.clone_url),
        checked_url(hub, &m.to, &to.clone_url),
    ) else {
        return false;
    };
    let (fo, to_o) = (
        hyperforge_git::url_origin(&from_url),
        hyperforge_git::url_origin(&to_url),
    );
    match hyperforge_git::mirror(
        (&from_url, auth(connected, &m.from, &fo)),
        (&to_url, auth(connected, &m.to, &to_o)),
        &hub.interrupt,
    ) {
        Ok(()) => {
            emit(Event::Pushed {
                repo: m.repo.clone(),
                forge: m.to.clone(),
            });
            true
        }
        Err(e) => {
            emit(Event::Warning {
                message: format!(
                    "mirroring {} from {} to {} failed (retried at the next sync): {}",
                    m.repo,
                    m.from,
                    m.to,
                    crate::error::chain(&e)
                ),
            });
            false
        }
    }
}
