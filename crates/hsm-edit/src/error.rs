//! The one error type of the editor.
//!
//! Callers need to tell apart "the file is not YAML" (show the parser message), "the file has
//! an unexpected shape where we must write" (point at the key), "the result would not load"
//! (never write it) and "the thing to edit is not there" (a usage error of the command).

/// Why an edit could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestEditError {
    /// The input text is not YAML the editor can work on.
    #[error("cannot parse the YAML: {0}")]
    Parse(String),
    /// A key the edit has to go through holds the wrong kind of value.
    #[error("`{key}` must be {expected}")]
    Shape {
        /// Dotted path of the offending key.
        key: String,
        /// What the editor needs there, e.g. "a mapping".
        expected: &'static str,
    },
    /// The edited text would not load as a valid file; nothing was changed.
    #[error("the edit would leave an invalid file: {0}")]
    Invalid(String),
    /// The file shares values through aliases or merge keys, which an edit could change
    /// in more places than the one it means.
    #[error(
        "hsm.yaml uses a YAML alias or merge key (line {line}); hsm edits only files without them, because an edit through one changes every place that shares it"
    )]
    Aliased {
        /// The line of the first one.
        line: u64,
    },
    /// The entry the edit refers to is not in the file.
    #[error("{0} is not in the file")]
    NotFound(String),
}
