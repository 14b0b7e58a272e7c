//! What the migration has to say about one construct: a note (carried over, maybe with a
//! different meaning now) or a refusal (cannot be carried over; nothing is written).

/// One thing worth telling about a construct of the original's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, as shown to the user (relative to the project).
    pub file: String,
    /// 1-based line; 0 when the construct has no line (a whole file).
    pub line: usize,
    /// The key path inside the file (`sources.prod.type`), empty for the whole file.
    pub key: String,
    /// What happens to it (a note) or why it cannot be carried over (a refusal).
    pub message: String,
    /// What to do about it, for refusals.
    pub hint: Option<String>,
    /// Whether the construct stops the migration.
    pub blocking: bool,
}

/// Collects the findings of one file.
pub(crate) struct Report<'a> {
    pub(crate) file: String,
    pub(crate) findings: &'a mut Vec<Finding>,
}

impl Report<'_> {
    /// A construct carried over, with something the user should know.
    pub(crate) fn note(&mut self, line: usize, key: &str, message: impl Into<String>) {
        self.push(line, key, message.into(), None, false);
    }

    /// A construct that cannot be carried over.
    pub(crate) fn refuse(
        &mut self,
        line: usize,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(line, key, message.into(), Some(hint.into()), true);
    }

    fn push(
        &mut self,
        line: usize,
        key: &str,
        message: String,
        hint: Option<String>,
        blocking: bool,
    ) {
        self.findings.push(Finding {
            file: shown(&self.file),
            line,
            key: shown(key),
            message: shown(&message),
            hint,
            blocking,
        });
    }
}

/// Text from the user's files as it may be shown on a terminal: control and invisible
/// characters (an escape sequence in a key, a bidi override in a name) escaped.
pub(crate) fn shown(text: &str) -> String {
    infra_diag::escape_invisible(text).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_control_is_escaped() {
        assert_eq!(
            super::shown("a\u{1b}[31mb\u{202e}c\n"),
            "a\\u{1b}[31mb\\u{202e}c\\n"
        );
    }
}
