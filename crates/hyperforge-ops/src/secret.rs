//! A token value in memory: never shown by `Debug` or `Display`, so a stray `{:?}` in an
//! error or a log line cannot leak it.

use std::fmt;

/// A secret value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` (trailing newlines, as a file or `echo` leaves them, removed).
    pub fn new(value: impl Into<String>) -> Self {
        let mut v = value.into();
        while v.ends_with(['\n', '\r']) {
            v.pop();
        }
        Self(v)
    }

    /// The value, for the one place that must send it (an HTTP header, git's askpass).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_printed() {
        let s = Secret::new("tok-123\n");
        assert_eq!(s.expose(), "tok-123");
        assert_eq!(format!("{s:?} {s}"), "Secret(<redacted>) <redacted>");
    }
}
