//! One parsed registry file, with what is needed to point at its lines later.

use std::path::{Path, PathBuf};

use infra_yaml::{Diagnostic, Loc, PathIndex};

/// A parsed registry file.
#[derive(Debug)]
pub struct Entry<T> {
    /// The typed contents.
    pub spec: T,
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Path to show in messages (relative to the project when inside it).
    pub display: PathBuf,
    /// Key positions, for semantic errors found after parsing.
    pub index: PathIndex,
}

impl<T> Entry<T> {
    /// The directory holding the file: registry paths are relative to it.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    /// Where `key` (a dotted key path) is written.
    pub fn loc(&self, key: &str) -> Option<Loc> {
        self.index.locate(key)
    }

    /// A located error about `key` in this file.
    pub fn error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        self.index.error(&self.display, key, message)
    }
}
