//! What can go wrong with the config directory.

use std::path::PathBuf;

use infra_fs::FsError;
use infra_yaml::YamlError;

/// An error reading or writing the config directory.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A file could not be parsed; located (file, line, column, key path).
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// A filesystem operation failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A file was written by a newer hyperforge.
    #[error(
        "{}: schema version {found} is newer than this hyperforge understands ({supported}); upgrade hyperforge",
        file.display()
    )]
    TooNew {
        /// The file.
        file: PathBuf,
        /// Its version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// An older file could not be migrated.
    #[error("{}: cannot migrate from schema version {from}: {message}", file.display())]
    Migration {
        /// The file.
        file: PathBuf,
        /// Its version.
        from: u32,
        /// Why.
        message: String,
    },
    /// An org name that is not in `config.yaml`.
    #[error("org `{name}` is not defined in config.yaml{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownOrg {
        /// The name asked for.
        name: String,
        /// The closest defined org.
        suggestion: Option<String>,
    },
    /// Another writer held the lock and the wait callback gave up.
    #[error("{} is held by another hyperforge; gave up waiting", lock.display())]
    LockAbandoned {
        /// The lock file.
        lock: PathBuf,
    },
    /// A value could not be written as YAML (a bug, not a user error).
    #[error("{}: cannot write as YAML: {message}", file.display())]
    Render {
        /// The file.
        file: PathBuf,
        /// The serializer's message.
        message: String,
    },
}
