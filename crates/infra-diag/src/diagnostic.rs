//! The located diagnostic.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Loc;

/// A problem in a file, located as precisely as the format allows.
///
/// `Display` renders `file:line:column: `key`: message`, so a one-line form exists for logs;
/// CLIs render the parts separately (the hints as `hint:` lines). Serialised as the
/// `diagnostics[]` entries of the JSON error envelope: `{file, line, column, key, message,
/// hints}` with `null` for what is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as the user should see it (usually relative to the project).
    pub file: PathBuf,
    /// 1-based line, if known.
    pub line: Option<u64>,
    /// 1-based column, if known.
    pub column: Option<u64>,
    /// Dotted key path (`services.container_groups.db.selection`, `ports[1]`) or JSON field.
    pub key: Option<String>,
    /// What is wrong, phrased as "expected X, found Y" where possible. Never a secret value.
    pub message: String,
    /// How to fix it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// A problem in `file` with no position yet.
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
            key: None,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Sets the position when one is known.
    #[must_use]
    pub fn at(mut self, loc: Option<Loc>) -> Self {
        if let Some(loc) = loc {
            self.line = Some(loc.line);
            self.column = Some(loc.column);
        }
        self
    }

    /// Sets the line only (formats without columns, such as `.env`).
    #[must_use]
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self.column = None;
        self
    }

    /// Sets the key path (an empty path clears it).
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.key = (!key.is_empty()).then_some(key);
        self
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds a hint when there is one.
    #[must_use]
    pub fn maybe_hint(self, hint: Option<String>) -> Self {
        match hint {
            Some(h) => self.hint(h),
            None => self,
        }
    }

    /// `file:line:column`, `file:line` or `file`.
    pub fn position(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file.display()),
            (Some(l), None) => format!("{}:{l}", self.file.display()),
            _ => self.file.display().to_string(),
        }
    }

    /// The file.
    pub fn file(&self) -> &Path {
        &self.file
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.position())?;
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Sorts diagnostics by file, line and column (unknown positions first) and drops exact
/// duplicates, so a report reads top to bottom like the files.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_position() {
        let d = Diagnostic::new("hsm.yaml", "expected a list")
            .at(Some(Loc { line: 3, column: 7 }))
            .key("packages");
        assert_eq!(d.to_string(), "hsm.yaml:3:7: `packages`: expected a list");
        assert_eq!(Diagnostic::new(".env", "x").at_line(4).position(), ".env:4");
        assert_eq!(Diagnostic::new("f", "m").key("").key, None);
    }

    #[test]
    fn serialises_every_field() {
        let d = Diagnostic::new("a.yaml", "bad").hint("fix it");
        let json = serde_json::to_string(&d).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"file":"a.yaml","line":null,"column":null,"key":null,"message":"bad","hints":["fix it"]}"#
        );
    }

    #[test]
    fn sorted_by_position_and_deduplicated() {
        let a = Diagnostic::new("b", "1").at(Some(Loc { line: 2, column: 1 }));
        let b = Diagnostic::new("a", "2").at(Some(Loc { line: 9, column: 1 }));
        let c = Diagnostic::new("b", "3");
        let mut v = vec![a.clone(), b.clone(), c.clone(), a.clone()];
        sort_and_dedup(&mut v);
        assert_eq!(v, vec![b, c, a]);
    }
}
