//! Errors of the sync loop, grouped by what the user has to do about them.

use std::path::PathBuf;

use hsm_adapter::AdapterError;
use hsm_registry::RegistryError;
use infra_fs::FsError;
use infra_process::ProcessError;
use infra_yaml::Diagnostic;

/// Why a sync (or plan) did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No `hsm.yaml` in this directory or any parent.
    #[error("no `hsm.yaml` found in `{}` or any parent directory", start.display())]
    NoProject {
        /// Where the search started.
        start: PathBuf,
    },
    /// The manifest or a registry file is invalid (exit code 3).
    #[error("the project is invalid ({})", count_problems(problems.len()))]
    Invalid {
        /// Every problem, located.
        problems: Vec<Diagnostic>,
    },
    /// The registry cannot be opened or read.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// A project file could not be read.
    #[error("{0}")]
    Read(#[from] FsError),
    /// A file the package adapter reads could not be read (not malformed: unreadable).
    #[error("{0}")]
    AdapterRead(#[source] AdapterError),
    /// A step of the execution failed; everything was rolled back.
    #[error("{step} failed; every file hsm touched was restored")]
    Step {
        /// The step (`uv sync`, `write docker-compose.hsm.yml`, …).
        step: String,
        /// The cause.
        #[source]
        source: StepError,
        /// How to fix it (from the adapter that failed, when one did).
        hints: Vec<String>,
    },
    /// A step failed and the rollback itself failed for some files.
    #[error("{step} failed and {} could not be restored", count_files(errors.len()))]
    RollbackFailed {
        /// The failing step.
        step: String,
        /// The original cause.
        #[source]
        source: StepError,
        /// Restore failures.
        errors: Vec<FsError>,
    },
    /// Stopped by SIGINT/SIGTERM; everything was rolled back.
    #[error("interrupted (signal {signal}) during {step}; every file hsm touched was restored")]
    Interrupted {
        /// The signal.
        signal: i32,
        /// The step running at the time.
        step: String,
    },
}

fn count_problems(n: usize) -> String {
    if n == 1 {
        "1 problem".into()
    } else {
        format!("{n} problems")
    }
}

fn count_files(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

/// The cause of a failed execution step.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The package tool failed.
    #[error("{0}")]
    Adapter(#[from] AdapterError),
    /// A file operation failed.
    #[error("{0}")]
    Fs(#[from] FsError),
    /// A subprocess (git) failed.
    #[error("{0}")]
    Process(#[from] ProcessError),
}

impl SyncError {
    /// Wraps a list of located problems.
    pub fn invalid(problems: Vec<Diagnostic>) -> Self {
        SyncError::Invalid { problems }
    }
}

impl From<hsm_resolve::ResolveError> for SyncError {
    fn from(e: hsm_resolve::ResolveError) -> Self {
        match e {
            hsm_resolve::ResolveError::Invalid(p) => SyncError::Invalid { problems: p },
            hsm_resolve::ResolveError::Registry(r) => SyncError::Registry(r),
        }
    }
}
