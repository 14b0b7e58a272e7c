//! Registry errors.

use std::path::PathBuf;

use infra_yaml::Diagnostic;

/// Something wrong with the registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry directory does not exist.
    #[error("registry directory `{}` does not exist", path.display())]
    Missing {
        /// The directory looked for.
        path: PathBuf,
        /// Where the path came from (`--registry`, `HSM_REGISTRY_PATH`, …).
        origin: String,
    },
    /// A file could not be read.
    #[error("failed to read `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid.
    #[error(transparent)]
    Invalid(#[from] Diagnostic),
}
