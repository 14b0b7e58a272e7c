//! Remotes of a clone, one per forge.

use std::path::Path;

use infra_process::{Cmd, Interrupt, Output, ProcessError};

/// A git command failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` failed (its last lines are in the source).
    #[error("git failed in {}", .dir.display())]
    Git {
        /// The clone.
        dir: std::path::PathBuf,
        /// Why.
        #[source]
        source: ProcessError,
    },
    /// The directory is not a git work tree.
    #[error("{} is not a git repository", .0.display())]
    NotARepo(std::path::PathBuf),
}

/// What [`ensure_remotes`] did to one remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteChange {
    /// Added with this URL.
    Added(String, String),
    /// Its URL was corrected from the first to the second.
    Corrected(String, String, String),
    /// Already right.
    Kept(String),
}

fn git(dir: &Path, args: &[&str], interrupt: &Interrupt) -> Result<String, GitError> {
    let cmd = Cmd::new("git").arg("-C").arg(dir).args(args).stdin_null();
    infra_process::run(&cmd, Output::Capture, interrupt)
        .map(|f| f.stdout)
        .map_err(|source| GitError::Git {
            dir: dir.to_path_buf(),
            source,
        })
}

/// Gives the clone at `dir` the remotes `wanted` (name → URL); `dry_run` only reports.
pub fn ensure_remotes(
    dir: &Path,
    wanted: &[(String, String)],
    dry_run: bool,
    interrupt: &Interrupt,
) -> Result<Vec<RemoteChange>, GitError> {
    if !dir.join(".git").exists() {
        return Err(GitError::NotARepo(dir.to_path_buf()));
    }
    let mut changes = Vec::new();
    for (name, url) in wanted {
        let current = git(dir, &["remote", "get-url", name], interrupt)
            .ok()
            .map(|s| s.trim().to_string());
        let change = match current {
            None => RemoteChange::Added(name.clone(), url.clone()),
            Some(c) if c == *url => RemoteChange::Kept(name.clone()),
            Some(c) => RemoteChange::Corrected(name.clone(), c, url.clone()),
        };
        if !dry_run {
            match &change {
                RemoteChange::Added(..) => {
                    git(dir, &["remote", "add", name, url], interrupt)?;
                }
                RemoteChange::Corrected(..) => {
                    git(dir, &["remote", "set-url", name, url], interrupt)?;
                }
                RemoteChange::Kept(_) => {}
            }
        }
        changes.push(change);
    }
    Ok(changes)
}

/// Pushes every branch and tag of the clone at `dir` to `remote`.
pub fn push_all(dir: &Path, remote: &str, interrupt: &Interrupt) -> Result<(), GitError> {
    git(dir, &["push", "--quiet", remote, "--all"], interrupt)?;
    git(dir, &["push", "--quiet", remote, "--tags"], interrupt)?;
    Ok(())
}
