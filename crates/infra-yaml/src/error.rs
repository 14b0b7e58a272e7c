//! The YAML parser's own error, convertible into the neutral [`Diagnostic`].

use std::fmt;
use std::path::{Path, PathBuf};

use infra_diag::{Diagnostic, Loc};

/// A YAML file could not be parsed into the expected type, located as precisely as the
/// parser allows. Semantic checks done after parsing use [`Diagnostic`] directly.
///
/// `Display` renders `path:line:column: message` followed by the key path, so a user can jump
/// straight to the spot. Hints are kept apart so the CLI can print them as `hint:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The file the problem is in, as given by the caller (usually relative to the project).
    pub path: PathBuf,
    /// 1-based line, if known.
    pub line: Option<u64>,
    /// 1-based column, if known.
    pub column: Option<u64>,
    /// Dotted key path such as `services.container_groups.db.selection`, if known.
    pub key: Option<String>,
    /// What is wrong, phrased as "expected X, found Y" where possible.
    pub message: String,
    /// Suggestions on how to fix it.
    pub hints: Vec<String>,
}

impl YamlError {
    /// Creates an error for `path` with a message and no location.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: None,
            column: None,
            key: None,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Sets the location.
    #[must_use]
    pub fn at(mut self, loc: Option<Loc>) -> Self {
        if let Some(loc) = loc {
            self.line = Some(loc.line);
            self.column = Some(loc.column);
        }
        self
    }

    /// Sets the key path.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.key = if key.is_empty() { None } else { Some(key) };
        self
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds a hint when one is given.
    #[must_use]
    pub fn maybe_hint(self, hint: Option<String>) -> Self {
        match hint {
            Some(h) => self.hint(h),
            None => self,
        }
    }

    /// The `path:line:column` prefix.
    pub fn position(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path.display()),
            (Some(l), None) => format!("{}:{l}", self.path.display()),
            _ => self.path.display().to_string(),
        }
    }

    /// The file path.
    pub fn file(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.position())?;
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

impl From<YamlError> for Diagnostic {
    fn from(e: YamlError) -> Self {
        Diagnostic {
            file: e.path,
            line: e.line,
            column: e.column,
            key: e.key,
            message: e.message,
            hints: e.hints,
        }
    }
}
