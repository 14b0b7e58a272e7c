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
    /// A temporary directory could not be made.
    #[error("cannot make a temporary directory: {0}")]
    Io(String),
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
    git_with(
        Cmd::new("git").arg("-C").arg(dir),
        dir,
        args,
        None,
        interrupt,
    )
}

/// A token for git over HTTPS, and the only place it may go: `scheme://host[:port]` of
/// the forge the remote belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Auth<'a> {
    /// `https://github.example.com` (no path).
    pub url: &'a str,
    /// The token.
    pub token: &'a str,
}

/// `scheme://host[:port]` of `url`, when it is an http(s) URL.
pub fn url_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split('/').next().filter(|a| !a.is_empty())?;
    let host = authority.rsplit('@').next()?;
    Some(format!("{scheme}://{host}"))
}

/// Runs git with `args`; with `auth`, git's credential prompt for that forge (and no other
/// host: a rewritten remote or a redirect gets nothing) is answered with the token through
/// a helper reading an environment variable, so the token is never in an argument
/// (visible in `ps`), a remote URL or `.git/config`, and is redacted from any output shown.
fn git_with(
    cmd: Cmd,
    dir: &Path,
    args: &[&str],
    auth: Option<Auth<'_>>,
    interrupt: &Interrupt,
) -> Result<String, GitError> {
    let mut cmd = cmd.args(args).stdin_null().env("GIT_TERMINAL_PROMPT", "0");
    if let Some(auth) = auth {
        cmd = cmd
            .env("GIT_CONFIG_COUNT", "3")
            .env("GIT_CONFIG_KEY_0", "credential.helper")
            .env("GIT_CONFIG_VALUE_0", "")
            .env("GIT_CONFIG_KEY_1", format!("credential.{}.helper", auth.url))
            .env(
                "GIT_CONFIG_VALUE_1",
                "!f() { test \"$1\" = get && echo username=hyperforge && echo \"password=$HYPERFORGE_GIT_TOKEN\"; }; f",
            )
            .env("GIT_CONFIG_KEY_2", "http.followRedirects")
            .env("GIT_CONFIG_VALUE_2", "false")
            .secret_env("HYPERFORGE_GIT_TOKEN", auth.token);
    }
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

/// Pushes every branch and tag of the clone at `dir` to `remote` (with `token` for an
/// HTTPS remote of that forge); whether any ref changed there (`false`: it was up to date).
pub fn push_all(
    dir: &Path,
    remote: &str,
    token: Option<Auth<'_>>,
    interrupt: &Interrupt,
) -> Result<bool, GitError> {
    let git = || Cmd::new("git").arg("-C").arg(dir);
    let mut changed = false;
    for what in ["--all", "--tags"] {
        let out = git_with(
            git(),
            dir,
            &["push", "--porcelain", remote, what],
            token,
            interrupt,
        )?;
        // Porcelain lines: a flag, a tab, the refs; `=` is up to date.
        changed |= out
            .lines()
            .any(|l| l.contains('\t') && !l.starts_with('=') && !l.starts_with("To "));
    }
    Ok(changed)
}

/// Whether the clone at `dir` has at least one commit.
pub fn has_commits(dir: &Path, interrupt: &Interrupt) -> bool {
    git(
        dir,
        &["rev-parse", "--verify", "--quiet", "HEAD"],
        interrupt,
    )
    .is_ok()
}

/// Clones `url` into `dest` (which must not exist), with `token` for HTTPS.
pub fn clone(
    url: &str,
    dest: &Path,
    token: Option<Auth<'_>>,
    interrupt: &Interrupt,
) -> Result<(), GitError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    git_with(
        Cmd::new("git").arg("-C").arg(parent),
        parent,
        &["clone", "--quiet", "--", url, &dest.to_string_lossy()],
        token,
        interrupt,
    )
    .map(drop)
}

/// Mirrors every ref of `from` to `to` through a temporary bare clone (the mirror
/// set-up of a repository that has no clone in a workspace).
pub fn mirror(
    from: (&str, Option<Auth<'_>>),
    to: (&str, Option<Auth<'_>>),
    interrupt: &Interrupt,
) -> Result<(), GitError> {
    let tmp = tempfile::tempdir().map_err(|e| GitError::Io(e.to_string()))?;
    let bare = tmp.path().join("mirror.git");
    let bare_s = bare.to_string_lossy().to_string();
    git_with(
        Cmd::new("git").arg("-C").arg(tmp.path()),
        tmp.path(),
        &["clone", "--quiet", "--mirror", "--", from.0, &bare_s],
        from.1,
        interrupt,
    )?;
    git_with(
        Cmd::new("git").arg("-C").arg(&bare),
        &bare,
        &["push", "--quiet", "--mirror", "--", to.0],
        to.1,
        interrupt,
    )
    .map(drop)
}
