//! The seam between hsm's core and the tool that installs Python packages (seed 000 §4).
//!
//! The core turns the resolved stack into adapter-neutral [`Requirement`]s; an adapter turns
//! them into its own files ([`Artifact`]s, planned and written transactionally by the core)
//! and then runs its tool. Everything tool-specific — the program, the install step shown in
//! plans, hints for its failures, the environment a process needs to use what it installed,
//! and cleaning up after itself when a project switches to another adapter — comes through
//! [`PackageAdapter`], so the binary never names a tool. uv and pip ship with hsm; another
//! manager is one more implementation and one line of registration.

#![warn(missing_docs)]

mod requirement;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

pub use hsm_schema::{normalize_name, requirement_name};
pub use requirement::{GitRef, Index, ReqKind, Requirement};

use infra_process::{Cmd, Interrupt, ProcessError};

/// A file an adapter wants to exist with given contents (or to be absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the project root.
    pub path: PathBuf,
    /// New contents; `None` deletes the file.
    pub contents: Option<String>,
    /// Unix permission bits for new files.
    pub mode: Option<u32>,
    /// Whether the contents are secret (diffs redact values).
    pub sensitive: bool,
}

/// Context of an adapter run.
pub struct InstallCtx<'a> {
    /// Project root.
    pub root: &'a Path,
    /// Pass `--frozen`: install from the lock without updating it.
    pub frozen: bool,
    /// Stops the tool on SIGINT/SIGTERM.
    pub interrupt: &'a Interrupt,
    /// Capture the tool's output instead of forwarding it.
    pub quiet: bool,
    /// Extra environment for the tool (and the build backends it runs).
    pub env: &'a [(String, String)],
}

/// What an install did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Installed {
    /// The tool ran (a project with no Python packages may have nothing to run).
    pub ran: bool,
    /// It changed the environment (installed, removed or updated something).
    pub changed: bool,
}

/// Why an adapter failed.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    /// The tool failed or could not be started.
    #[error("{0}")]
    Process(#[from] ProcessError),
    /// A project file the adapter edits is malformed.
    #[error("`{}`: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// A project file the adapter edits is not well-formed, at a known position.
    #[error("`{}`: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// 1-based line and column.
        line: u64,
        /// 1-based column.
        column: u64,
    },
    /// A file could not be read or written.
    #[error("failed to {op} `{}`", path.display())]
    Io {
        /// `read`, `write`, `create`, …
        op: &'static str,
        /// The file, relative to the project.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// A package manager hsm can drive.
pub trait PackageAdapter {
    /// Name as written in `hsm.yaml` (`package_manager: uv`).
    fn name(&self) -> &'static str;

    /// The program this adapter runs, as configured (`uv`, `/opt/bin/uv`, `python3`).
    fn program(&self) -> &str;

    /// The files to write for `reqs`. `project_name` names a newly created project file.
    fn plan(
        &self,
        root: &Path,
        project_name: &str,
        reqs: &[Requirement],
    ) -> Result<Vec<Artifact>, AdapterError>;

    /// The files that undo what this adapter owned, for a project that now uses another one
    /// (empty when it owns nothing there).
    fn release(&self, root: &Path) -> Result<Vec<Artifact>, AdapterError>;

    /// Files the tool itself may modify while installing (backed up and restored on failure).
    fn tool_files(&self, root: &Path) -> Vec<PathBuf>;

    /// The command [`install`](Self::install) will run once `planned` is written, for plans;
    /// `None` when it will run nothing.
    fn install_step(&self, root: &Path, planned: &[Artifact], frozen: bool) -> Option<Cmd>;

    /// Installs: runs the tool against the written artifacts.
    fn install(&self, ctx: &InstallCtx<'_>) -> Result<Installed, AdapterError>;

    /// Checks that `reqs` resolve, without touching the project (used by `hsm check`).
    fn check(
        &self,
        root: &Path,
        reqs: &[Requirement],
        interrupt: &Interrupt,
    ) -> Result<(), AdapterError>;

    /// How the installed environment differs from the written artifacts, one line per
    /// difference (empty: in sync). Changes nothing.
    fn status(&self, root: &Path, interrupt: &Interrupt) -> Result<Vec<String>, AdapterError>;

    /// The environment a process needs to use what this adapter installed (`hsm run`):
    /// variables to set, in order (e.g. `VIRTUAL_ENV`, and `PATH` with the environment's
    /// `bin` first, given the current `PATH`).
    fn activation(&self, root: &Path, path: Option<&OsStr>) -> Vec<(String, OsString)>;

    /// Hints for one of this adapter's errors (how to install its program, …).
    fn hints(&self, err: &AdapterError) -> Vec<String>;
}

/// `VIRTUAL_ENV` and `PATH` for the project's `.venv`, the way `uv run` activates it; nothing
/// when there is no environment yet.
pub fn activate_venv(root: &Path, path: Option<&OsStr>) -> Vec<(String, OsString)> {
    let venv = root.join(".venv");
    let bin = venv.join("bin");
    if !bin.is_dir() {
        return Vec::new();
    }
    let mut paths = vec![bin];
    if let Some(p) = path {
        paths.extend(std::env::split_paths(p));
    }
    let Ok(joined) = std::env::join_paths(paths) else {
        return Vec::new();
    };
    vec![
        ("VIRTUAL_ENV".to_string(), venv.into_os_string()),
        ("PATH".to_string(), joined),
    ]
}
