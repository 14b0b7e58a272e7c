//! Why a store operation failed.

use std::io;
use std::path::PathBuf;

/// A filesystem operation on the state store failed.
#[derive(Debug, thiserror::Error)]
#[error("failed to {op} `{}`", path.display())]
pub struct StateFsError {
    /// What was being done (`copy`, `remove`, `rename`, …).
    pub op: &'static str,
    /// On what.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: io::Error,
}

impl StateFsError {
    pub(crate) fn new(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self {
            op,
            path: path.into(),
            source,
        }
    }
}
