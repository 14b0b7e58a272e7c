//! Output discipline: data on stdout, everything else on stderr.
//!
//! Data is what a script pipes on (a plan, a list, JSON); status, progress, warnings and
//! errors go to stderr so they never corrupt it. `--json` makes stdout exactly one JSON
//! document (errors included, as the envelope) and silences status lines; `-q` silences
//! status lines but keeps warnings and errors; `-v` adds detail lines. A closed pipe
//! (`hsm list | head -1`) is not a panic and not an error: the reader has what it wanted.
//! Any other failure to write data (a full disk, `> /dev/full`) is remembered and reported
//! by [`stdout_failure`], so the command does not exit 0 with its output lost.

use std::io::{BufRead as _, IsTerminal as _, Write};
use std::str::FromStr;
use std::sync::Mutex;

use serde::Serialize;

use crate::style::{self, paint};
use crate::{CliError, ErrorEnvelope, Progress, render_text};

/// The first failure to write data to stdout other than a closed pipe.
static STDOUT_FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// Remembers the first write failure of stdout (a closed pipe is not one).
fn note_stdout(result: std::io::Result<()>) {
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
        && let Ok(mut first) = STDOUT_FAILURE.lock()
    {
        first.get_or_insert_with(|| e.to_string());
    }
}

/// The error to exit with when data could not be written to stdout (other than into a
/// closed pipe): binaries check it before exiting successfully.
pub fn stdout_failure() -> Option<CliError> {
    let first = STDOUT_FAILURE.lock().ok()?.clone()?;
    Some(
        CliError::failure(format!("could not write the output to stdout: {first}"))
            .hint("check where stdout goes (a full disk, a closed file)"),
    )
}

/// When to colour stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    /// On a terminal, unless `NO_COLOR` (or `TERM=dumb`, `CLICOLOR=0`) says otherwise.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl FromStr for ColorMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            other => Err(format!(
                "`{other}` is not a colour mode: expected `auto`, `always` or `never`"
            )),
        }
    }
}

/// The global output flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrinterOptions {
    /// `--json`.
    pub json: bool,
    /// `-q`.
    pub quiet: bool,
    /// `-v`.
    pub verbose: bool,
    /// `--color`.
    pub color: ColorMode,
}

/// Where and how to print.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    json: bool,
    quiet: bool,
    verbose: bool,
    color: bool,
    terminal: bool,
}

impl Printer {
    /// A printer for these flags, looking at stderr to decide colour and progress style.
    pub fn new(options: PrinterOptions) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let color = match options.color {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => {
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
            }
        };
        Self {
            json: options.json,
            quiet: options.quiet,
            verbose: options.verbose,
            color,
            terminal,
        }
    }

    /// Whether `--json` is on.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether `-q` is on.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether `-v` is on.
    pub fn is_verbose(&self) -> bool {
        self.verbose
    }

    /// Whether stderr is coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// Whether status lines are shown (not `-q`, not `--json`).
    pub fn shows_status(&self) -> bool {
        !self.quiet && !self.json
    }

    /// Data on stdout (a trailing newline is added when missing).
    pub fn data(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let newline = !text.is_empty() && !text.ends_with('\n');
        note_stdout(
            out.write_all(text.as_bytes())
                .and_then(|()| {
                    if newline {
                        out.write_all(b"\n")
                    } else {
                        Ok(())
                    }
                })
                .and_then(|()| out.flush()),
        );
    }

    /// One pretty-printed JSON document on stdout.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.data(&text),
            Err(e) => self.data(&format!(
                "{{\"error\": {{\"kind\": \"failure\", \"message\": \"cannot serialise the output: {e}\"}}}}"
            )),
        }
    }

    /// One JSON value on one line (NDJSON streams of events).
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            self.data(&text);
        }
    }

    fn stderr_line(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// A status line on stderr (silenced by `-q` and `--json`).
    pub fn status(&self, text: &str) {
        if self.shows_status() {
            self.stderr_line(text);
        }
    }

    /// A success line: `✓ text`.
    pub fn success(&self, text: &str) {
        if self.shows_status() {
            self.stderr_line(&format!(
                "{} {text}",
                paint(style::SUCCESS, "✓", self.color)
            ));
        }
    }

    /// A `warning:` line (shown with `-q`, not with `--json`).
    pub fn warn(&self, text: &str) {
        if !self.json {
            self.stderr_line(&format!(
                "{}: {text}",
                paint(style::WARNING, "warning", self.color)
            ));
        }
    }

    /// A detail line shown with `-v` only.
    pub fn debug(&self, text: &str) {
        if self.verbose && !self.json {
            self.stderr_line(&format!("  · {text}"));
        }
    }

    /// The error: rendered on stderr, or as the JSON envelope on stdout with `--json`.
    /// Nothing when it was already reported as data.
    pub fn error(&self, err: &CliError) {
        if err.reported {
            return;
        }
        if self.json {
            self.json(&ErrorEnvelope::of(err));
        } else {
            let _ = std::io::stderr()
                .lock()
                .write_all(render_text(err, self.color).as_bytes());
        }
    }

    /// Starts showing long work: a spinner on a terminal, one plain line otherwise, nothing
    /// with `-q` or `--json`.
    pub fn progress(&self, message: &str) -> Progress {
        Progress::start(message, self.shows_status(), self.terminal)
    }

    /// Asks a question on stderr and reads one line from stdin. `None` when stdin is not a
    /// terminal (nobody to ask) or reading fails.
    pub fn ask(&self, question: &str) -> Option<String> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question} ");
        let _ = err.flush();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        Some(line.trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_modes_parse() {
        assert_eq!("never".parse::<ColorMode>(), Ok(ColorMode::Never));
        assert!("sometimes".parse::<ColorMode>().is_err());
    }

    #[test]
    fn json_mode_silences_status() {
        let p = Printer::new(PrinterOptions {
            json: true,
            ..PrinterOptions::default()
        });
        assert!(!p.shows_status());
        assert!(p.is_json());
    }
}
