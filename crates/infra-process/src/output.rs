//! Where a child's output goes.

/// How [`run`](crate::run) handles the child's stdout and stderr.
///
/// The choice also decides the child's process group: an [`Inherit`](Output::Inherit)
/// child shares our terminal and our process group (it may be interactive, and a
/// terminal's Ctrl-C must reach it), while a [`Capture`](Output::Capture) or
/// [`Forward`](Output::Forward) child gets a group of its own, which is stopped as a whole
/// on interrupt.
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
