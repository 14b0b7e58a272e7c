//! The single error type of this crate.

use std::io;
use std::path::PathBuf;

/// A filesystem operation failed on a specific path.
///
/// The display form names the operation and the path only (for example
/// ``failed to write `config/app.env` ``); the underlying [`io::Error`] is exposed as the
/// error [`source`](std::error::Error::source) so callers can render the full chain.
#[derive(Debug, thiserror::Error)]
#[error("failed to {op} `{}`", path.display())]
pub struct FsError {
    /// The operation that failed: `"read"`, `"write"`, `"rename"`, `"create directory"`,
    /// `"remove"`, `"restore"`, ...
    pub op: &'static str,
    /// The path the operation concerned.
    pub path: PathBuf,
    /// The underlying I/O error.
    #[source]
    pub source: io::Error,
}

impl FsError {
    /// Builds an error for `op` on `path`.
    pub fn new(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self {
            op,
            path: path.into(),
            source,
        }
    }
}

/// Whether `err` means "nothing exists at this path" (including a path below a regular
/// file, which cannot exist either).
pub(crate) fn is_absent(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}
