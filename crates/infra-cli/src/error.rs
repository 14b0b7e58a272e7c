//! The error a command returns: what the renderer needs, nothing flattened.

use std::error::Error;
use std::fmt;

use infra_diag::Diagnostic;

use crate::ErrorKind;

/// A boxed error that can cross threads.
type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// An error ready for the user.
///
/// `error` is the real error, so the renderer can walk its `source()` chain; nothing is
/// turned into a string before rendering. Products build it in `From` impls (one file per
/// product), which is where the kind and the hints are chosen.
#[derive(Debug)]
pub struct CliError {
    /// Decides the exit code and the JSON `kind`.
    pub kind: ErrorKind,
    /// The error itself: its `Display` is the headline, its sources the causes.
    pub error: BoxError,
    /// Located problems in the user's files.
    pub diagnostics: Vec<Diagnostic>,
    /// How to fix it.
    pub hints: Vec<String>,
    /// Items listed under the headline (one difference per line, …).
    pub details: Vec<String>,
    /// The end of a failed child's output.
    pub output: Option<ChildOutput>,
    /// The error was already reported as data (e.g. `status --json` printed the drift): only
    /// the exit code remains to be set.
    pub reported: bool,
}

/// The last lines a failed child process printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildOutput {
    /// The command, as displayed (never with environment values).
    pub command: String,
    /// Its last lines, as printed (escaped when rendered).
    pub tail: String,
}

/// A plain message used as an error (no source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(pub String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Message {}

impl CliError {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, error: impl Into<BoxError>) -> Self {
        Self {
            kind,
            error: error.into(),
            diagnostics: Vec::new(),
            hints: Vec::new(),
            details: Vec::new(),
            output: None,
            reported: false,
        }
    }

    /// A failure (exit 1) with a plain message.
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failure, Message(message.into()))
    }

    /// A usage error (exit 2) with a plain message.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, Message(message.into()))
    }

    /// A validation error (exit 3) with a plain message.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, Message(message.into()))
    }

    /// Validation failed with located problems: the headline counts them.
    pub fn diagnostics(headline: impl Into<String>, diagnostics: Vec<Diagnostic>) -> Self {
        let mut e = Self::validation(headline);
        e.diagnostics = diagnostics;
        e
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

    /// Adds listed details.
    #[must_use]
    pub fn details(mut self, details: impl IntoIterator<Item = String>) -> Self {
        self.details.extend(details);
        self
    }

    /// Attaches the end of a failed child's output.
    #[must_use]
    pub fn output(mut self, output: Option<ChildOutput>) -> Self {
        self.output = output;
        self
    }

    /// Marks the error as already reported on stdout (JSON mode).
    #[must_use]
    pub fn reported(mut self) -> Self {
        self.reported = true;
        self
    }

    /// Changes the kind.
    #[must_use]
    pub fn kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// The exit code.
    pub fn code(&self) -> u8 {
        self.kind.code()
    }

    /// The headline: the error's own message.
    pub fn headline(&self) -> String {
        self.error.to_string()
    }

    /// The messages of the error's sources, outermost first. A source whose message is
    /// already part of the message before it (`#[error(transparent)]` chains, or a wrapper
    /// that repeats its cause) is skipped, so no line is printed twice.
    pub fn causes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut previous = self.headline();
        let mut source = self.error.source();
        while let Some(s) = source {
            let text = s.to_string();
            if !text.is_empty() && !previous.contains(&text) {
                out.push(text.clone());
            }
            previous = text;
            source = s.source();
        }
        out
    }
}

/// The first error of type `T` in `error`'s chain (itself included).
pub fn find_source<'a, T: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("failed to read `x`")
        }
    }
    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn chain_is_kept() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
        let e = CliError::new(ErrorKind::Failure, Outer(io));
        assert_eq!(e.headline(), "failed to read `x`");
        assert_eq!(e.causes(), vec!["permission denied".to_string()]);
        assert!(find_source::<std::io::Error>(e.error.as_ref()).is_some());
        assert_eq!(e.code(), 1);
    }
}
