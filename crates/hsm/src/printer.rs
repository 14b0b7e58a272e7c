//! Output discipline: data on stdout, everything else on stderr, colour only on terminals.

use std::io::Write;

/// Where and how to print.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    /// `--json`.
    pub json: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// Colour on stderr.
    pub color: bool,
    /// `--verbose`.
    pub verbose: bool,
}

impl Printer {
    /// From flags and the environment (`NO_COLOR`, terminals).
    pub fn new(json: bool, quiet: bool, verbose: bool) -> Self {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
        Self {
            json,
            quiet,
            color,
            verbose,
        }
    }

    /// Data for stdout (text mode).
    pub fn out(&self, text: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        if !text.ends_with('\n') && !text.is_empty() {
            let _ = o.write_all(b"\n");
        }
        let _ = o.flush();
    }

    /// JSON for stdout.
    pub fn json(&self, v: &serde_json::Value) {
        let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
        self.out(&text);
    }

    /// A status line on stderr (suppressed by --quiet and --json).
    pub fn status(&self, text: &str) {
        if self.quiet || self.json {
            return;
        }
        let mut e = std::io::stderr().lock();
        let _ = writeln!(e, "{text}");
    }

    /// A detail shown with `--verbose` only.
    pub fn debug(&self, text: &str) {
        if self.verbose && !self.json {
            let mut e = std::io::stderr().lock();
            let _ = writeln!(e, "  · {text}");
        }
    }

    /// A success line: green check when coloured.
    pub fn success(&self, text: &str) {
        if self.color {
            self.status(&format!("\x1b[1;32m✓\x1b[0m {text}"));
        } else {
            self.status(&format!("✓ {text}"));
        }
    }

    /// A warning on stderr (shown even with --quiet, not with --json).
    pub fn warn(&self, text: &str) {
        if self.json {
            return;
        }
        let mut e = std::io::stderr().lock();
        if self.color {
            let _ = writeln!(e, "\x1b[1;33mwarning\x1b[0m: {text}");
        } else {
            let _ = writeln!(e, "warning: {text}");
        }
    }

    /// An error.
    pub fn error(&self, err: &crate::error::CliError) {
        if err.silent {
            return;
        }
        if self.json {
            self.json(&err.to_json());
        } else {
            let mut e = std::io::stderr().lock();
            let _ = e.write_all(err.render(self.color).as_bytes());
        }
    }
}
