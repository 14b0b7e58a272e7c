//! Exit codes shared by every product.
//!
//! Scripts and CI gate on them, so they are a contract: 0 ok, 1 failure (a tool, a write, the
//! network, drift), 2 usage (bad arguments), 3 validation (a file or value the user must
//! fix), 128 + signal when interrupted (130 SIGINT, 143 SIGTERM).

/// The exit code constants.
pub mod code {
    /// Success.
    pub const OK: u8 = 0;
    /// Something failed: a tool, a write, the network; or `status` found drift.
    pub const FAILURE: u8 = 1;
    /// Bad command-line usage.
    pub const USAGE: u8 = 2;
    /// A file, a registry entry or an argument value is invalid.
    pub const VALIDATION: u8 = 3;
}

/// What kind of failure an error is; decides the exit code and the JSON `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Exit 1.
    Failure,
    /// Exit 2.
    Usage,
    /// Exit 3.
    Validation,
    /// Stopped by a signal: exit 128 + signal.
    Interrupted {
        /// The signal received (2 = SIGINT, 15 = SIGTERM).
        signal: i32,
    },
    /// A child's exit status passed through unchanged (`hsm run -- cmd`).
    Exit(u8),
}

impl ErrorKind {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ErrorKind::Failure => code::FAILURE,
            ErrorKind::Usage => code::USAGE,
            ErrorKind::Validation => code::VALIDATION,
            ErrorKind::Interrupted { signal } => {
                128u8.saturating_add(u8::try_from(signal).unwrap_or(0))
            }
            ErrorKind::Exit(c) => c,
        }
    }

    /// The stable name used in the JSON envelope.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Failure => "failure",
            ErrorKind::Usage => "usage",
            ErrorKind::Validation => "validation",
            ErrorKind::Interrupted { .. } => "interrupted",
            ErrorKind::Exit(_) => "exit",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn codes() {
        assert_eq!(ErrorKind::Failure.code(), 1);
        assert_eq!(ErrorKind::Usage.code(), 2);
        assert_eq!(ErrorKind::Validation.code(), 3);
        assert_eq!(ErrorKind::Interrupted { signal: 2 }.code(), 130);
        assert_eq!(ErrorKind::Interrupted { signal: 15 }.code(), 143);
        assert_eq!(ErrorKind::Exit(7).code(), 7);
    }
}
