//! What a finished program did — exit status, stdout, stderr — as one reviewable text.
//!
//! The products' promise to users is their output: messages, exit codes, which stream a line
//! goes to. A [`Transcript`] keeps all three together so one inline snapshot of
//! [`Transcript::render`] pins them at once, and a change to any of them shows up in review.
//! The assertion helpers ([`Transcript::success`], [`Transcript::failure`]) always print both
//! streams when they fail, because "expected success, got 1" alone says nothing about why.

use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Output};

use crate::Filters;

/// Exit status and output of a finished program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// The exit code; `None` when a signal ended the program.
    pub code: Option<i32>,
    /// The signal that ended the program, if one did.
    pub signal: Option<i32>,
    /// Standard output (invalid UTF-8 replaced by U+FFFD).
    pub stdout: String,
    /// Standard error (invalid UTF-8 replaced by U+FFFD).
    pub stderr: String,
    /// Applied by [`render`](Self::render) and the `filtered_*` accessors.
    pub filters: Filters,
}

impl Transcript {
    /// From a status and raw output bytes.
    pub fn new(status: ExitStatus, stdout: &[u8], stderr: &[u8], filters: Filters) -> Self {
        Self {
            code: status.code(),
            signal: status.signal(),
            stdout: String::from_utf8_lossy(stdout).into_owned(),
            stderr: String::from_utf8_lossy(stderr).into_owned(),
            filters,
        }
    }

    /// From [`std::process::Output`] (e.g. of `Child::wait_with_output` after a spawn).
    pub fn from_output(output: &Output, filters: Filters) -> Self {
        Self::new(output.status, &output.stdout, &output.stderr, filters)
    }

    /// The transcript with `filters` applied:
    ///
    /// ```text
    /// exit: 0
    /// --- stdout
    /// <stdout>
    /// --- stderr
    /// <stderr>
    /// ```
    ///
    /// `exit: signal 15` when a signal ended the program. A stream's section is left out
    /// when the stream is empty; a stream that does not end with a newline gets one, followed
    /// by the line `\ no newline at end`.
    pub fn render(&self) -> String {
        self.filters.apply(&self.render_raw())
    }

    /// [`render`](Self::render) without the filters (the real paths, for failure messages).
    pub fn render_raw(&self) -> String {
        let mut s = format!("exit: {}\n", self.exit_label());
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if text.is_empty() {
                continue;
            }
            s.push_str("--- ");
            s.push_str(name);
            s.push('\n');
            s.push_str(text);
            if !text.ends_with('\n') {
                s.push_str("\n\\ no newline at end\n");
            }
        }
        s
    }

    /// `0`, `1`, … or `signal 15`.
    pub fn exit_label(&self) -> String {
        match (self.code, self.signal) {
            (Some(c), _) => c.to_string(),
            (None, Some(s)) => format!("signal {s}"),
            (None, None) => "unknown".to_string(),
        }
    }

    /// Stdout with the filters applied.
    pub fn filtered_stdout(&self) -> String {
        self.filters.apply(&self.stdout)
    }

    /// Stderr with the filters applied.
    pub fn filtered_stderr(&self) -> String {
        self.filters.apply(&self.stderr)
    }

    /// Asserts exit code 0 and returns stdout (unfiltered).
    #[track_caller]
    pub fn success(&self) -> &str {
        if self.code != Some(0) {
            panic!(
                "expected success, got exit {}\n{}",
                self.exit_label(),
                self.render_raw()
            );
        }
        &self.stdout
    }

    /// Asserts exit code `code` and returns stderr (unfiltered).
    #[track_caller]
    pub fn failure(&self, code: i32) -> &str {
        if self.code != Some(code) {
            panic!(
                "expected exit {code}, got exit {}\n{}",
                self.exit_label(),
                self.render_raw()
            );
        }
        &self.stderr
    }

    /// Parses stdout as JSON; panics showing the transcript if it is not JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.render_raw()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(raw: i32) -> ExitStatus {
        ExitStatus::from_raw(raw)
    }

    fn t(code: i32, out: &str, err: &str) -> Transcript {
        Transcript::new(
            status(code << 8),
            out.as_bytes(),
            err.as_bytes(),
            Filters::new(),
        )
    }

    #[test]
    fn render_shows_both_streams() {
        let t = t(2, "out\n", "err\n");
        assert_eq!(t.render(), "exit: 2\n--- stdout\nout\n--- stderr\nerr\n");
    }

    #[test]
    fn empty_sections_are_left_out() {
        assert_eq!(t(0, "", "").render(), "exit: 0\n");
        assert_eq!(t(1, "", "e\n").render(), "exit: 1\n--- stderr\ne\n");
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        assert_eq!(
            t(0, "a", "").render(),
            "exit: 0\n--- stdout\na\n\\ no newline at end\n"
        );
    }

    #[test]
    fn a_signal_is_named() {
        let t = Transcript::new(status(15), b"", b"", Filters::new());
        assert_eq!((t.code, t.signal), (None, Some(15)));
        assert_eq!(t.render(), "exit: signal 15\n");
    }

    #[test]
    fn render_applies_the_filters_but_accessors_do_not() {
        let mut t = t(0, "in /tmp/x\n", "");
        t.filters = Filters::new().path("/tmp/x", "[TMP]");
        assert_eq!(t.render(), "exit: 0\n--- stdout\nin [TMP]\n");
        assert_eq!(t.success(), "in /tmp/x\n");
        assert_eq!(t.filtered_stdout(), "in [TMP]\n");
    }

    #[test]
    fn success_and_failure_return_the_stream() {
        assert_eq!(t(0, "o", "e").success(), "o");
        assert_eq!(t(3, "o", "e").failure(3), "e");
    }

    #[test]
    #[should_panic(
        expected = "expected success, got exit 1\nexit: 1\n--- stdout\no\n--- stderr\nwhy\n"
    )]
    fn failed_success_shows_both_streams() {
        t(1, "o\n", "why\n").success();
    }

    #[test]
    #[should_panic(expected = "expected exit 2, got exit 0")]
    fn failure_checks_the_code() {
        t(0, "", "").failure(2);
    }

    #[test]
    fn json_parses_stdout() {
        assert_eq!(t(0, "{\"a\": 1}", "").json()["a"], 1);
    }

    #[test]
    #[should_panic(expected = "stdout is not JSON")]
    fn json_panics_with_the_text() {
        t(0, "nope", "").json();
    }
}
