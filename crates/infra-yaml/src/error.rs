//! The YAML parser's own error: a located [`Diagnostic`] that is also an `Error`.
//!
//! The location, key path, message and hints are exactly a diagnostic's, so the error holds
//! one (readable through `Deref`) instead of repeating its fields and builders; what it adds
//! is being an error type with a `file:line:column: key: message` display.

use std::fmt;
use std::ops::Deref;

use infra_diag::Diagnostic;

/// A YAML file could not be parsed into the expected type, located as precisely as the
/// parser allows. Semantic checks done after parsing use [`Diagnostic`] directly.
///
/// `Display` renders `path:line:column: message` with the key path, so a user can jump
/// straight to the spot. Hints are kept apart so the CLI can print them as `hint:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError(Diagnostic);

impl Deref for YamlError {
    type Target = Diagnostic;

    fn deref(&self) -> &Diagnostic {
        &self.0
    }
}

impl From<Diagnostic> for YamlError {
    fn from(d: Diagnostic) -> Self {
        Self(d)
    }
}

impl From<YamlError> for Diagnostic {
    fn from(e: YamlError) -> Self {
        e.0
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
