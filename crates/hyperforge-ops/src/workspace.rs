//! `hyperforge workspace bind|unbind|show|clone-all`: directories of clones mapped to an
//! org, so sync can keep their git remotes right and push their content to mirrors.

use std::path::{Path, PathBuf};

use hyperforge_schema::{OrgName, RepoName, RepoSpec};
use hyperforge_state::Store;
use serde::Serialize;

use crate::repos::{Change, stage};
use crate::{Connected, Emit, Event, Hub, OpsError};

/// `dir` as recorded: absolute and canonical (it must exist).
fn canonical(dir: &Path) -> Result<PathBuf, OpsError> {
    let c = std::fs::canonicalize(dir).map_err(|e| OpsError::Invalid {
        what: "workspace".into(),
        value: dir.display().to_string(),
        expected: format!("an existing directory ({e})"),
    })?;
    if !c.is_dir() {
        return Err(OpsError::Invalid {
            what: "workspace".into(),
            value: dir.display().to_string(),
            expected: "a directory".into(),
        });
    }
    Ok(c)
}

/// A recorded workspace path with `~/` expanded against `home`.
pub fn expand(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(path),
    }
}

/// The clones directly under `dir` (subdirectories with `.git`), by name.
pub(crate) fn clones(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path().join(".git").exists())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    out.sort();
    out
}

/// What `workspace bind` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Bound {
    /// The directory recorded.
    pub path: String,
    /// Clones found that were staged for creation (`--auto-create`).
    pub staged: Vec<String>,
    /// Clones whose directory name is not a valid repository name (left alone).
    pub skipped: Vec<String>,
}

/// `workspace bind <dir> <org> [--auto-create]`: records the binding; with `auto_create`,
/// every clone under `dir` the org does not declare is staged for creation.
pub fn bind(
    store: &mut Store,
    dir: &Path,
    org: &str,
    auto_create: bool,
    emit: Emit<'_>,
) -> Result<Bound, OpsError> {
    let org = store.org(org)?.0.clone();
    let path = canonical(dir)?;
    if path.join(".git").exists() {
        return Err(OpsError::Invalid {
            what: "workspace".into(),
            value: path.display().to_string(),
            expected: "a directory holding clones, not a clone itself (bind its parent)".into(),
        });
    }
    if path.parent().is_none() {
        return Err(OpsError::Invalid {
            what: "workspace".into(),
            value: path.display().to_string(),
            expected: "a directory of clones, not the root".into(),
        });
    }
    let key = path.to_string_lossy().to_string();
    store.update_config(|c| {
        if let Some(other) = c.workspaces.get(&key).filter(|o| **o != org) {
            return Err(OpsError::Exists {
                what: "workspace binding",
                name: format!("{key} (to org {other})"),
                hint: "`hyperforge workspace unbind DIR` first: a binding moved silently would rewrite its clones' remotes",
            });
        }
        c.workspaces.insert(key.clone(), org.clone());
        Ok::<_, OpsError>(())
    })?;
    let mut out = Bound {
        path: key,
        ..Bound::default()
    };
    if auto_create {
        let repos = store.staged(&org)?.merged_into(&store.load_repos(&org)?);
        for (name, _) in clones(&path) {
            let Ok(repo) = RepoName::new(name.clone()) else {
                out.skipped.push(name);
                continue;
            };
            if !repos.repos.contains_key(&repo) {
                stage(
                    store,
                    &org,
                    &repo,
                    Change::Create(RepoSpec::default()),
                    emit,
                )?;
                out.staged.push(name);
            }
        }
    }
    Ok(out)
}

/// `workspace unbind <dir>`: whether a binding was removed.
pub fn unbind(store: &mut Store, dir: &Path, home: Option<&Path>) -> Result<bool, OpsError> {
    let wanted = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    store.update_config(|c| {
        let before = c.workspaces.len();
        c.workspaces
            .retain(|p, _| expand(p, home) != wanted && Path::new(p) != dir);
        Ok::<_, OpsError>(before != c.workspaces.len())
    })
}

/// A workspace, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceRow {
    /// The directory.
    pub path: String,
    /// Its org.
    pub org: String,
    /// Declared repositories cloned there.
    pub cloned: Vec<String>,
    /// Declared repositories not cloned there.
    pub missing: Vec<String>,
    /// Clones there the org does not declare.
    pub undeclared: Vec<String>,
}

/// `workspace show [dir]`: every binding (or the one of `dir`) with its clones.
pub fn show(
    store: &Store,
    dir: Option<&Path>,
    home: Option<&Path>,
) -> Result<Vec<WorkspaceRow>, OpsError> {
    let wanted = dir.map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()));
    let mut rows = Vec::new();
    for (p, org) in &store.config().workspaces {
        let path = expand(p, home);
        if wanted.as_ref().is_some_and(|w| *w != path) {
            continue;
        }
        let declared = store.staged(org)?.merged_into(&store.load_repos(org)?);
        let here: Vec<String> = clones(&path).into_iter().map(|(n, _)| n).collect();
        let names: Vec<String> = declared.repos.keys().map(ToString::to_string).collect();
        rows.push(WorkspaceRow {
            path: p.clone(),
            org: org.to_string(),
            cloned: names.iter().filter(|n| here.contains(n)).cloned().collect(),
            missing: names
                .iter()
                .filter(|n| !here.contains(n))
                .cloned()
                .collect(),
            undeclared: here.into_iter().filter(|n| !names.contains(n)).collect(),
        });
    }
    if let (Some(d), true) = (dir, rows.is_empty()) {
        return Err(OpsError::NotBound(d.display().to_string()));
    }
    Ok(rows)
}

/// The workspaces bound to `org`, expanded.
pub fn of_org(store: &Store, org: &OrgName, home: Option<&Path>) -> Vec<PathBuf> {
    store
        .config()
        .workspaces
        .iter()
        .filter(|(_, o)| *o == org)
        .map(|(p, _)| expand(p, home))
        .collect()
}

/// `workspace clone-all <org>`: clones every declared repository its origin holds that
/// is not yet in the org's workspaces (into the first), then sets its remotes.
pub fn clone_all(
    hub: &Hub,
    org: &OrgName,
    connected: &Connected,
    emit: Emit<'_>,
) -> Result<Vec<String>, OpsError> {
    let home = hub.home.as_deref();
    let dirs = of_org(&hub.store, org, home);
    let Some(first) = dirs.first() else {
        return Err(OpsError::NoWorkspace(org.to_string()));
    };
    let of = connected.org_forges();
    let observed = crate::refresh(&of, emit)?;
    let declared = hub
        .store
        .staged(org)?
        .merged_into(&hub.store.load_repos(org)?);
    let origin = &connected.origin;
    let mut done = Vec::new();
    for name in declared.repos.keys() {
        if dirs.iter().any(|d| d.join(name.as_str()).exists()) {
            continue;
        }
        let Some(remote) = observed.0.get(origin).and_then(|r| r.get(name.as_str())) else {
            emit(Event::Warning {
                message: format!("{name} is not on {origin} yet; run `hyperforge repos sync`"),
            });
            continue;
        };
        let url = crate::gitside::checked_url(hub, origin, &remote.clone_url)?;
        let dest = first.join(name.as_str());
        let scope = hyperforge_git::url_origin(&url);
        let auth = crate::gitside::auth(connected, origin, &scope);
        hyperforge_git::clone(&url, &dest, auth, &hub.interrupt)?;
        // The clone's `origin` remote is git's; hyperforge adds one per forge.
        crate::gitside::remotes_of(
            hub,
            org,
            connected,
            &observed,
            &dest,
            name.as_str(),
            false,
            emit,
        )?;
        emit(Event::Cloned {
            repo: name.to_string(),
            path: dest.display().to_string(),
        });
        done.push(name.to_string());
    }
    Ok(done)
}
