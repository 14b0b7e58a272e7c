//! Registry errors.
//!
//! An unreadable file is an I/O failure (exit 1) wherever it is met — listing, resolving,
//! `registry show` — and a file that reads but does not describe a valid entry is a
//! located [`Diagnostic`] (exit 3). Errors are cached with the lazily parsed file, hence
//! `Clone` (the `io::Error` is shared).

use std::path::PathBuf;
use std::sync::Arc;

use infra_yaml::Diagnostic;

/// Something wrong with the registry.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RegistryError {
    /// The registry directory does not exist.
    #[error("registry directory `{}` does not exist (from {origin})", path.display())]
    Missing {
        /// The directory looked for.
        path: PathBuf,
        /// Where the path came from (`--registry`, `HSM_REGISTRY_PATH`, …).
        origin: String,
    },
    /// A file or folder could not be read.
    #[error("failed to read `{}`", path.display())]
    Io {
        /// The file, as shown to the user.
        path: PathBuf,
        /// The cause.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// A file is not a valid entry.
    #[error("{0}")]
    Invalid(Diagnostic),
}

impl RegistryError {
    /// An I/O failure on `path` (as shown to the user).
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        RegistryError::Io {
            path: path.into(),
            source: Arc::new(source),
        }
    }
}

impl From<Diagnostic> for RegistryError {
    fn from(d: Diagnostic) -> Self {
        RegistryError::Invalid(d)
    }
}
