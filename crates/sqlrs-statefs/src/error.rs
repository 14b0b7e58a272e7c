//! Why a store operation failed.
//!
//! Every failure is a [`StateFsError`]: what was being done, on which path, and the
//! `io::Error` behind it. A failed external tool (`btrfs`, `mount`) travels inside that
//! `io::Error` as a [`ToolError`], whose `source()` is the tool's
//! [`ProcessError`](infra_process::ProcessError): walking the source chain finds it, with
//! the last lines the tool printed.

use std::error::Error;
use std::fmt;
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

    /// An error whose cause is a sentence of ours (`kind` says what sort of failure).
    pub(crate) fn because(
        op: &'static str,
        path: impl Into<PathBuf>,
        kind: io::ErrorKind,
        why: impl Into<String>,
    ) -> Self {
        Self::new(op, path, io::Error::new(kind, why.into()))
    }
}

/// A snapshot backend name that is not one: the names that are follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a snapshot backend: expected one of {list}", list = crate::kind::listed())]
pub struct UnknownBackend(pub String);

/// An external tool failed; shows as the tool's own error, and hands it on as its source
/// (an `io::Error` hides what it wraps from `source()` and shows only the wrapped error's
/// own source, so the tool's error must be one step further down).
#[derive(Debug)]
pub(crate) struct ToolError(pub(crate) infra_process::ProcessError);

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error for ToolError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_process::ProcessError;

    #[test]
    fn a_failed_tool_is_found_in_the_source_chain() {
        let tool = ProcessError::Failed {
            command: "btrfs subvolume delete /x".into(),
            code: Some(1),
            signal: None,
            output_tail: "ERROR: Not a Btrfs subvolume".into(),
        };
        let e = StateFsError::new("remove", "/x", io::Error::other(ToolError(tool)));
        assert_eq!(e.to_string(), "failed to remove `/x`");
        let first = e.source().unwrap();
        assert_eq!(
            first.to_string(),
            "`btrfs subvolume delete /x` failed with exit status 1"
        );
        let found = first
            .source()
            .and_then(|s| s.downcast_ref::<ProcessError>())
            .unwrap();
        assert!(
            matches!(found, ProcessError::Failed { output_tail, .. } if output_tail.contains("Not a Btrfs"))
        );
    }

    #[test]
    fn an_unknown_backend_lists_the_valid_names() {
        assert_eq!(
            UnknownBackend("zfs".into()).to_string(),
            "`zfs` is not a snapshot backend: expected one of `auto`, `copy`, `reflink`, `btrfs`, `overlay`"
        );
    }
}
