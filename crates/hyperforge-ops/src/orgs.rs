//! `hyperforge org create|list|show|remove`: orgs in `config.yaml`. (`org import` is
//! [`crate::import`].)

use std::collections::{BTreeMap, BTreeSet};

use hyperforge_schema::{ForgeName, OrgConfig, OrgDefaults, OrgName, Owner, StagedChange};
use hyperforge_state::Store;
use serde::Serialize;

use crate::OpsError;

/// What `org create` is given.
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// The owner login (one for all forges, or per forge).
    pub owner: Owner,
    /// Its forges.
    pub forges: BTreeSet<ForgeName>,
    /// The origin forge (the first of `forges` when not given).
    pub origin: Option<ForgeName>,
    /// Defaults for its repositories.
    pub defaults: OrgDefaults,
    /// The SSH key for its forges reached over SSH (their `ssh_host`).
    pub ssh_key: Option<String>,
}

/// `org create`: adds `name`; an identical existing org is not an error.
pub fn create(store: &mut Store, name: &OrgName, new: NewOrg) -> Result<bool, OpsError> {
    if new.forges.is_empty() {
        return Err(OpsError::Invalid {
            what: "--forges".into(),
            value: String::new(),
            expected: "at least one forge name".into(),
        });
    }
    let origin = match new.origin {
        Some(o) => o,
        None => new.forges.iter().next().cloned().ok_or(OpsError::Invalid {
            what: "--forges".into(),
            value: String::new(),
            expected: "at least one forge name".into(),
        })?,
    };
    if !new.forges.contains(&origin) {
        return Err(OpsError::Invalid {
            what: "--origin".into(),
            value: origin.to_string(),
            expected: "one of the org's --forges".into(),
        });
    }
    let org = OrgConfig {
        owner: new.owner,
        forges: new.forges,
        origin,
        defaults: new.defaults,
        ssh_key: new.ssh_key,
    };
    if let Some(key) = &org.ssh_key
        && (key.is_empty()
            || key
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"'))
    {
        return Err(OpsError::Invalid {
            what: "--ssh-key".into(),
            value: key.escape_default().to_string(),
            expected: "a key file path without spaces, quotes or control characters".into(),
        });
    }
    store.update_config(|c| {
        for f in &org.forges {
            if !c.forges.contains_key(f) {
                return Err(OpsError::UnknownForge(f.to_string()));
            }
        }
        match c.orgs.get(name) {
            Some(existing) if *existing == org => Ok(false),
            Some(_) => Err(OpsError::Exists {
                what: "org",
                name: name.to_string(),
                hint: "`hyperforge org show` shows it; `org remove` it first to define it anew",
            }),
            None => {
                c.orgs.insert(name.clone(), org);
                if c.default_org.is_none() {
                    c.default_org = Some(name.clone());
                }
                Ok(true)
            }
        }
    })
}

/// One org, as listed or shown.
#[derive(Debug, Clone, Serialize)]
pub struct OrgRow {
    /// Its name.
    pub name: String,
    /// Owner login per forge.
    pub owners: BTreeMap<String, String>,
    /// Its forges.
    pub forges: Vec<String>,
    /// Its origin forge.
    pub origin: String,
    /// Declared repositories.
    pub repos: usize,
    /// Pending changes.
    pub staged: usize,
    /// Workspaces bound to it.
    pub workspaces: Vec<String>,
    /// Whether it is the default org.
    pub default: bool,
}

fn row(store: &Store, name: &OrgName, org: &OrgConfig) -> Result<OrgRow, OpsError> {
    let c = store.config();
    Ok(OrgRow {
        name: name.to_string(),
        owners: org
            .forges
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    org.owner.login_on(f).unwrap_or_default().to_string(),
                )
            })
            .collect(),
        forges: org.forges.iter().map(ToString::to_string).collect(),
        origin: org.origin.to_string(),
        repos: store.load_repos(name)?.repos.len(),
        staged: store.staged(name)?.changes.len(),
        workspaces: c
            .workspaces
            .iter()
            .filter(|(_, o)| *o == name)
            .map(|(p, _)| p.clone())
            .collect(),
        default: c.default_org.as_ref() == Some(name),
    })
}

/// `org list`.
pub fn list(store: &Store) -> Result<Vec<OrgRow>, OpsError> {
    store
        .config()
        .orgs
        .iter()
        .map(|(n, o)| row(store, n, o))
        .collect()
}

/// `org show <org>`.
pub fn show(store: &Store, name: &str) -> Result<OrgRow, OpsError> {
    let (n, o) = store.org(name)?;
    row(store, n, o)
}

/// `org remove <org>`: the org leaves `config.yaml` (with its workspace bindings); its
/// `repos.yaml` stays on disk unless `purge`, and no forge is touched. Refused while
/// changes are staged, unless `force`.
pub fn remove(store: &mut Store, name: &str, purge: bool, force: bool) -> Result<(), OpsError> {
    let org = store.org(name)?.0.clone();
    let staged = store.staged(&org)?;
    if !staged.is_empty() && !force {
        let creates = staged
            .changes
            .values()
            .filter(|c| matches!(c, StagedChange::Create(_)))
            .count();
        return Err(OpsError::Pending {
            org: org.to_string(),
            changes: staged.changes.len(),
            creates,
        });
    }
    let dir = store.repos_path(&org);
    store.update_config(|c| {
        c.orgs.remove(&org);
        c.workspaces.retain(|_, o| *o != org);
        // No other org silently becomes the default: a bare `repos sync --yes` would
        // then act on an org nobody named.
        if c.default_org.as_ref() == Some(&org) {
            c.default_org = None;
        }
        Ok::<_, OpsError>(())
    })?;
    if purge && let Some(d) = dir.parent() {
        std::fs::remove_dir_all(d)
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .map_err(|e| OpsError::Fs(infra_fs::FsError::new("remove", d, e)))?;
    }
    Ok(())
}
