//! The [`Store`]: one config directory, its config loaded at open, org files on demand.
//!
//! Reads take no lock: every file is replaced atomically, so a reader sees a whole old or a
//! whole new file. Writes to an org take `orgs/<org>/.lock` for the whole read-modify-write
//! ([`Store::with_org_lock`]); the convenience writers ([`Store::save_repos`],
//! [`Store::stage`], [`Store::clear_staged`]) are built on it. The lock is an `flock`, so it
//! serialises threads holding separate `Store`s as well as processes — but it is not
//! re-entrant: do not call a locking method from inside `with_org_lock` for the same org.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyperforge_schema::{
    Config, OrgConfig, OrgName, RepoName, ReposFile, SCHEMA_VERSION, StagedChange, StagedFile,
};
use infra_fs::{FileLock, Transaction};
use infra_yaml::{Diagnostic, PathIndex};

use crate::StateError;
use crate::files::{FileKind, load, render};

/// How often a waiting writer retries a held lock.
const LOCK_POLL: Duration = Duration::from_millis(10);

/// Asked while a lock is held by someone else: first right after the first failed
/// attempt (a caller can say "waiting for …" then), then every poll; `false` gives up.
pub type LockWait = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// A hyperforge config directory.
#[derive(Clone)]
pub struct Store {
    dir: PathBuf,
    config: Config,
    wait: Option<LockWait>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the config directory `dir` and loads its `config.yaml` (an absent file is an
    /// empty config; the directory need not exist yet).
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, StateError> {
        let dir = dir.into();
        let config = load(FileKind::Config, &dir.join("config.yaml"))?.unwrap_or_default();
        Ok(Self {
            dir,
            config,
            wait: None,
        })
    }

    /// Calls `wait` while a lock is held elsewhere (without it, writers wait for as long
    /// as it takes); when it returns `false` the write gives up with
    /// [`StateError::LockAbandoned`].
    pub fn on_lock_wait(mut self, wait: LockWait) -> Self {
        self.wait = Some(wait);
        self
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `config.yaml` as loaded (or last saved through this store).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Path of `config.yaml`.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.yaml")
    }

    /// Path of an org's `repos.yaml`.
    pub fn repos_path(&self, org: &OrgName) -> PathBuf {
        self.org_dir(org).join("repos.yaml")
    }

    /// Path of an org's `staged-repos.yaml`.
    pub fn staged_path(&self, org: &OrgName) -> PathBuf {
        self.org_dir(org).join("staged-repos.yaml")
    }

    fn org_dir(&self, org: &OrgName) -> PathBuf {
        self.dir.join("orgs").join(org.as_str())
    }

    /// Changes `config.yaml` under the directory's lock: the file is re-read, `change`
    /// applied, and the result written (only if `change` succeeds).
    pub fn update_config<T, E: From<StateError>>(
        &mut self,
        change: impl FnOnce(&mut Config) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = self.lock(&self.dir.join(".lock"))?;
        let path = self.config_path();
        let mut config: Config = load(FileKind::Config, &path)?.unwrap_or_default();
        let out = change(&mut config)?;
        config.version = SCHEMA_VERSION;
        infra_fs::write_atomic(&path, render(&path, &config)?.as_bytes(), None)
            .map_err(StateError::from)?;
        self.config = config;
        Ok(out)
    }

    /// Cross-reference problems of `config.yaml` (see [`Config::problems`]) as located
    /// diagnostics, read from the file as it is on disk.
    pub fn config_problems(&self) -> Result<Vec<Diagnostic>, StateError> {
        let path = self.config_path();
        let text = match infra_fs::read_text_optional(&path)? {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => String::new(),
        };
        Ok(locate(&path, &text, self.config.problems()))
    }

    /// Problems of an org's `repos.yaml` serde cannot see (see [`ReposFile::problems`]),
    /// located.
    pub fn repos_problems(&self, org: &OrgName) -> Result<Vec<Diagnostic>, StateError> {
        let repos = self.load_repos(org)?;
        self.repos_problems_of(org, &repos)
    }

    /// As [`Store::repos_problems`] for `repos` already loaded, plus forges the org does
    /// not have (a repo's `forges:` must name the org's forges). The file is read again to
    /// locate them only when there are any.
    pub fn repos_problems_of(
        &self,
        org: &OrgName,
        repos: &ReposFile,
    ) -> Result<Vec<Diagnostic>, StateError> {
        let mut problems = repos.problems();
        if let Some(oc) = self.config.orgs.get(org) {
            for (name, repo) in &repos.repos {
                for forge in repo.forges.iter().flatten() {
                    if !oc.forges.contains(forge) {
                        problems.push((
                            format!("repos.{name}.forges"),
                            format!(
                                "forge `{forge}` is not one of org `{org}`'s forges ({})",
                                oc.forges
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
                if repo
                    .forges
                    .as_ref()
                    .is_some_and(std::collections::BTreeSet::is_empty)
                {
                    problems.push((
                        format!("repos.{name}.forges"),
                        "the list is empty: name at least one forge, or leave `forges` out for the org's".to_owned(),
                    ));
                }
            }
        }
        if problems.is_empty() {
            return Ok(Vec::new());
        }
        let path = self.repos_path(org);
        let text = infra_fs::read_text_optional(&path)?
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(locate(&path, &text, problems))
    }

    /// The org named `name`, or an error suggesting the closest defined one.
    pub fn org(&self, name: &str) -> Result<(&OrgName, &OrgConfig), StateError> {
        self.config
            .orgs
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .ok_or_else(|| StateError::UnknownOrg {
                name: name.to_owned(),
                suggestion: infra_yaml::did_you_mean(
                    name,
                    self.config.orgs.keys().map(OrgName::as_str),
                ),
            })
    }

    fn known(&self, org: &OrgName) -> Result<(), StateError> {
        self.org(org.as_str()).map(|_| ())
    }

    /// An org's `repos.yaml` (empty when absent).
    pub fn load_repos(&self, org: &OrgName) -> Result<ReposFile, StateError> {
        self.known(org)?;
        Ok(load(FileKind::Repos, &self.repos_path(org))?.unwrap_or_default())
    }

    /// An org's pending changes (none when the file is absent).
    pub fn staged(&self, org: &OrgName) -> Result<StagedFile, StateError> {
        self.known(org)?;
        Ok(load(FileKind::Staged, &self.staged_path(org))?.unwrap_or_default())
    }

    /// Replaces an org's `repos.yaml` with `repos`, under the org lock.
    pub fn save_repos(&self, org: &OrgName, repos: &ReposFile) -> Result<(), StateError> {
        self.with_org_lock(org, |tx| {
            *tx.repos_mut() = repos.clone();
            Ok(())
        })
    }

    /// Stages `change` for repo `name`, folded into what is already pending.
    pub fn stage(
        &self,
        org: &OrgName,
        name: RepoName,
        change: StagedChange,
    ) -> Result<(), StateError> {
        self.with_org_lock(org, |tx| {
            tx.staged_mut().stage(name, change);
            Ok(())
        })
    }

    /// Drops every pending change of an org (removes `staged-repos.yaml`).
    pub fn clear_staged(&self, org: &OrgName) -> Result<(), StateError> {
        self.with_org_lock(org, |tx| {
            *tx.staged_mut() = StagedFile::default();
            Ok(())
        })
    }

    /// Runs `f` on the org's files under its exclusive lock, then writes what `f` changed.
    ///
    /// The files are read after the lock is taken, so `f` sees every earlier writer's
    /// result. When `f` fails nothing is written. Both files are written in one
    /// [`Transaction`]: if the second write fails the first is put back. `repos.yaml` is
    /// written before `staged-repos.yaml`, so a crash between the two leaves changes staged
    /// that are already merged; merging them again changes nothing.
    pub fn with_org_lock<T, E: From<StateError>>(
        &self,
        org: &OrgName,
        f: impl FnOnce(&mut OrgTx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.known(org)?;
        let _lock = self.lock(&self.org_dir(org).join(".lock"))?;
        let mut tx = OrgTx {
            repos: self.load_repos(org)?,
            staged: self.staged(org)?,
            repos_changed: false,
            staged_changed: false,
        };
        let out = f(&mut tx)?;
        self.write_tx(org, tx)?;
        Ok(out)
    }

    /// Takes the exclusive lock at `path`, waiting for other holders (creating its
    /// directory).
    /// Holds the org's sync lock: one apply of an org at a time, across processes (the CLI,
    /// the hub, `watch`), held from the plan to the capture. It is not the files' lock, so
    /// staging a change while a sync runs still works.
    pub fn sync_lock(&self, org: &OrgName) -> Result<FileLock, StateError> {
        self.known(org)?;
        self.lock(&self.org_dir(org).join(".sync.lock"))
    }

    fn lock(&self, path: &Path) -> Result<FileLock, StateError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| infra_fs::FsError::new("create directory", dir, e))?;
        }
        let keep_waiting = || self.wait.as_ref().is_none_or(|wait| wait(path));
        FileLock::exclusive_wait(path, LOCK_POLL, &keep_waiting)?.ok_or_else(|| {
            StateError::LockAbandoned {
                lock: path.to_owned(),
            }
        })
    }

    fn write_tx(&self, org: &OrgName, mut tx: OrgTx) -> Result<(), StateError> {
        let mut files = Transaction::new();
        if tx.repos_changed {
            let path = self.repos_path(org);
            tx.repos.version = SCHEMA_VERSION;
            files.write(&path, render(&path, &tx.repos)?.as_bytes(), None)?;
        }
        if tx.staged_changed {
            let path = self.staged_path(org);
            if tx.staged.is_empty() {
                files.remove(&path)?;
            } else {
                tx.staged.version = SCHEMA_VERSION;
                files.write(&path, render(&path, &tx.staged)?.as_bytes(), None)?;
            }
        }
        files.commit();
        Ok(())
    }
}

/// Turns (key path, message) pairs into diagnostics at the keys' lines in `text`.
fn locate(path: &Path, text: &str, problems: Vec<(String, String)>) -> Vec<Diagnostic> {
    let index = PathIndex::build(text);
    problems
        .into_iter()
        .map(|(key, message)| {
            Diagnostic::new(path, message)
                .at(index.locate(&key))
                .key(key)
        })
        .collect()
}

/// An org's files while its lock is held; changes are written when
/// [`Store::with_org_lock`]'s closure returns `Ok`.
#[derive(Debug)]
pub struct OrgTx {
    repos: ReposFile,
    staged: StagedFile,
    repos_changed: bool,
    staged_changed: bool,
}

impl OrgTx {
    /// `repos.yaml` as read under the lock.
    pub fn repos(&self) -> &ReposFile {
        &self.repos
    }

    /// `repos.yaml`, to change (it will be written).
    pub fn repos_mut(&mut self) -> &mut ReposFile {
        self.repos_changed = true;
        &mut self.repos
    }

    /// The pending changes as read under the lock.
    pub fn staged(&self) -> &StagedFile {
        &self.staged
    }

    /// The pending changes, to change (they will be written; none left removes the file).
    pub fn staged_mut(&mut self) -> &mut StagedFile {
        self.staged_changed = true;
        &mut self.staged
    }

    /// Merges the pending changes into `repos.yaml` and clears them.
    pub fn merge_staged(&mut self) {
        self.merge_staged_where(&|_| true);
    }

    /// Merges the pending changes of the repositories `keep` selects into `repos.yaml`
    /// and clears those; the others stay pending (a single-repo sync applied only one).
    pub fn merge_staged_where(&mut self, keep: &dyn Fn(&str) -> bool) {
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.staged.changes)
            .into_iter()
            .partition(|(name, _)| keep(name.as_str()));
        let applied = StagedFile {
            changes: now.into_iter().collect(),
            ..StagedFile::default()
        };
        self.repos = applied.merged_into(&self.repos);
        self.staged.changes = later.into_iter().collect();
        self.repos_changed = true;
        self.staged_changed = true;
    }
}
