//! The seam between hsm's core and the tool that installs Python packages (seed 000 §4).
//!
//! The core turns the resolved stack into adapter-neutral [`Requirement`]s; an adapter turns
//! them into its own files ([`Artifact`]s, planned and written transactionally by the core)
//! and then runs its tool. uv and pip ship with hsm; another manager (pixi, poetry) is one
//! more implementation of [`PackageAdapter`], with no change to the core.

#![warn(missing_docs)]

mod requirement;

use std::path::{Path, PathBuf};

pub use requirement::{GitRef, ReqKind, Requirement, normalize_name};

use infra_process::{Interrupt, ProcessError};

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

/// Why an adapter failed.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    /// The tool failed or could not be started.
    #[error(transparent)]
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
}

/// A package manager hsm can drive.
pub trait PackageAdapter {
    /// Name as written in `hsm.yaml` (`package_manager: uv`).
    fn name(&self) -> &'static str;

    /// The files to write for `reqs`. `project_name` names a newly created project file.
    fn plan(
        &self,
        root: &Path,
        project_name: &str,
        reqs: &[Requirement],
    ) -> Result<Vec<Artifact>, AdapterError>;

    /// Files the tool itself may modify while installing (backed up and restored on failure).
    fn tool_files(&self, root: &Path) -> Vec<PathBuf>;

    /// Installs: runs the tool against the written artifacts. Returns whether the tool ran
    /// (a project with no Python packages may have nothing to run).
    fn install(&self, ctx: &InstallCtx<'_>) -> Result<bool, AdapterError>;

    /// Checks that `reqs` resolve, without touching the project (used by `hsm check`).
    fn check(
        &self,
        root: &Path,
        reqs: &[Requirement],
        interrupt: &Interrupt,
    ) -> Result<(), AdapterError>;

    /// The program this adapter runs, for "is it installed" checks.
    fn program(&self) -> &'static str;

    /// How the installed environment differs from the written artifacts, one line per
    /// difference (empty: in sync). Changes nothing.
    fn status(&self, root: &Path, interrupt: &Interrupt) -> Result<Vec<String>, AdapterError>;
}
