//! Where a child's output goes.

/// How [`run`](crate::run) handles the child's stdout and stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// The child writes straight to our stdout and stderr; nothing is captured.
    Inherit,
    /// Both streams are collected in full and returned (or used for the error message).
    Capture,
    /// Both streams are read line by line and written to our stderr, each line prefixed
    /// with `prefix` (for example `"  uv │ "`). Stdout is also captured in full, and the
    /// last lines of both streams are kept for error messages.
    Forward {
        /// Text written before every forwarded line.
        prefix: String,
    },
}
