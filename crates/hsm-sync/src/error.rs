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
    #[error("{} problem{} found", problems.len(), if problems.len() == 1 { "" } else { "s" })]
    Invalid {
        /// Every problem, located.
        problems: Vec<Diagnostic>,
    },
    /// The registry cannot be opened.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The package adapter named in `hsm.yaml` does not exist.
    #[error("unknown package manager `{name}`")]
    UnknownAdapter {
        /// The name written.
        name: String,
        /// Known names.
        known: Vec<String>,
    },
    /// A step of the execution failed; everything was rolled back.
    #[error("{step} failed; every file was restored")]
    Step {
        /// The step (`uv sync`, `write docker-compose.hsm.yml`, …).
        step: String,
        /// The cause.
        #[source]
        source: StepError,
    },
    /// A step failed and the rollback itself failed for some files.
    #[error("{step} failed and {} file(s) could not be restored", errors.len())]
    RollbackFailed {
        /// The failing step.
        step: String,
        /// The original cause.
        #[source]
        source: StepError,
        /// Restore failures.
        errors: Vec<FsError>,
    },
    /// Another hsm process is applying a plan to this project.
    #[error("another hsm process is changing this project (it holds the lock on `hsm.yaml`)")]
    Busy,
    /// Stopped by SIGINT/SIGTERM; everything was rolled back.
    #[error("interrupted by signal {signal} during {step}; every file was restored")]
    Interrupted {
        /// The signal.
        signal: i32,
        /// The step running at the time.
        step: String,
    },
}

/// The cause of a failed execution step.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The package tool failed.
    #[error(transparent)]
    Adapter(#[from] AdapterError),
    /// A file operation failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A subprocess (git) failed.
    #[error(transparent)]
    Process(#[from] ProcessError),
}

impl SyncError {
    /// Wraps a list of located problems.
    pub fn invalid(problems: Vec<Diagnostic>) -> Self {
        SyncError::Invalid { problems }
    }

    /// Whether this is a validation problem (exit code 3) rather than a failure (exit 1).
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            SyncError::Invalid { .. }
                | SyncError::UnknownAdapter { .. }
                | SyncError::NoProject { .. }
        )
    }
}
