//! Why the runtime failed.

use std::path::PathBuf;

/// A runtime operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The PostgreSQL binaries are not installed (or not where configured).
    #[error("PostgreSQL's `{program}` was not found")]
    NotInstalled {
        /// The program looked for.
        program: String,
    },
    /// sqlrs runs as root and the user PostgreSQL must run as does not exist.
    #[error(
        "user `{0}` does not exist; PostgreSQL cannot run as root, so sqlrs runs it as that user"
    )]
    NoUser(String),
    /// A PostgreSQL tool failed.
    #[error("`{step}` failed")]
    Tool {
        /// What was being done.
        step: String,
        /// The tool's failure (its exit status and last lines).
        #[source]
        source: infra_process::ProcessError,
    },
    /// A file operation failed.
    #[error("failed to {op} `{}`", path.display())]
    Io {
        /// What.
        op: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl RuntimeError {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.into(),
            source,
        }
    }
}
