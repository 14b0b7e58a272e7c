//! The one renderer: text for people, the JSON envelope for programs.
//!
//! Text layout (colours only on a terminal):
//!
//! ```text
//! error: <diagnostic message>          one block per located problem
//!   --> file:line:column (at `key`)
//!   hint: <diagnostic hint>
//! error: <headline>                    omitted when one diagnostic already says it all
//!   Caused by: <source>                one line per error in the source() chain
//!   - <detail>
//!   `<command>` printed (last lines):  the end of a failed child's output, escaped
//!     │ <line>
//! hint: <hint>
//! ```

use std::fmt::Write as _;

use infra_diag::Diagnostic;
use serde::Serialize;

use crate::style::{self, paint};
use crate::{CliError, ErrorKind};

/// Renders `err` for a terminal (`color` adds styles, never changes text).
pub fn render_text(err: &CliError, color: bool) -> String {
    let label = |s: anstyle::Style, t: &str| paint(s, t, color);
    let mut out = String::new();
    for d in &err.diagnostics {
        let _ = writeln!(
            out,
            "{}: {}",
            label(style::ERROR, "error"),
            label(style::EMPHASIS, &one_line(&d.message))
        );
        let _ = write!(out, "  {} {}", label(style::HINT, "-->"), d.position());
        if let Some(k) = &d.key {
            let _ = write!(out, " (at `{}`)", one_line(k));
        }
        out.push('\n');
        for h in &d.hints {
            let _ = writeln!(out, "  {}: {}", label(style::HINT, "hint"), one_line(h));
        }
    }
    let headline_is_redundant = err.diagnostics.len() == 1 && err.kind == ErrorKind::Validation;
    if !headline_is_redundant {
        let _ = writeln!(
            out,
            "{}: {}",
            label(style::ERROR, "error"),
            label(style::EMPHASIS, &one_line(&err.headline()))
        );
    }
    for c in err.causes() {
        let _ = writeln!(out, "  Caused by: {}", one_line(&c.to_string()));
    }
    for d in &err.details {
        let _ = writeln!(out, "  - {}", one_line(d));
    }
    if let Some(o) = &err.output
        && !o.tail.trim().is_empty()
    {
        let _ = writeln!(out, "  `{}` printed (last lines):", o.command);
        for line in escape_output(o.tail.trim_end()).lines() {
            let _ = writeln!(out, "    {} {line}", label(style::DIM, "│"));
        }
    }
    for h in &err.hints {
        let _ = writeln!(out, "{}: {}", label(style::HINT, "hint"), one_line(h));
    }
    out
}

/// A diagnostic's field on one line: a key or value from the user's file may hold a newline
/// or a control character, which would break the layout (or reach the terminal raw).
fn one_line(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() || infra_diag::is_invisible(c))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if infra_diag::is_invisible(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Makes a child's output safe to print inside ours: control characters other than tab
/// and newline (escape sequences that could recolour or rewrite the terminal, carriage
/// returns that hide text) are shown as `\x1b`-style escapes.
pub fn escape_output(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The JSON error envelope every product prints on stdout with `--json`:
/// `{"error": {"kind", "code", "message", "causes", "details", "hints", "diagnostics",
/// "output"}}`. Field names are stable; absent parts are empty lists or `null`.
#[derive(Debug, Serialize)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// The body of [`ErrorEnvelope`].
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// `failure`, `usage`, `validation`, `interrupted` or `exit`.
    pub kind: &'static str,
    /// The process exit code.
    pub code: u8,
    /// The headline.
    pub message: String,
    /// The `source()` chain, outermost first.
    pub causes: Vec<String>,
    /// Listed details.
    pub details: Vec<String>,
    /// Hints.
    pub hints: Vec<String>,
    /// Located problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The end of a failed child's output, escaped.
    pub output: Option<String>,
}

impl ErrorEnvelope {
    /// The envelope of `err`.
    pub fn of(err: &CliError) -> Self {
        Self {
            error: ErrorBody {
                kind: err.kind.name(),
                code: err.code(),
                message: err.headline(),
                causes: err.causes(),
                details: err.details.clone(),
                hints: err.hints.clone(),
                diagnostics: err.diagnostics.clone(),
                output: err.output.as_ref().map(|o| escape_output(&o.tail)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChildOutput;

    #[test]
    fn layout_with_diagnostics_causes_output_and_hints() {
        let mut e = CliError::failure("`uv sync` failed; every file was restored")
            .hint("install uv")
            .output(Some(ChildOutput {
                command: "uv sync".into(),
                tail: "resolving\n\x1b[31merror\x1b[0m: no\rsolution".into(),
            }));
        e.details.push("one".into());
        let text = render_text(&e, false);
        assert_eq!(
            text,
            "error: `uv sync` failed; every file was restored\n  - one\n  `uv sync` printed (last lines):\n    │ resolving\n    │ \\x1b[31merror\\x1b[0m: no\\x0dsolution\nhint: install uv\n"
        );
        let v = CliError::diagnostics(
            "the project is invalid",
            vec![Diagnostic::new("hsm.yaml", "bad").key("a").hint("fix")],
        );
        assert_eq!(
            render_text(&v, false),
            "error: bad\n  --> hsm.yaml (at `a`)\n  hint: fix\n"
        );
    }

    #[test]
    fn diagnostic_fields_stay_on_one_line() {
        let d = Diagnostic::new("r.yaml", "bad key `A\nB`")
            .at_line(3)
            .key("env.A\nB\u{0}")
            .hint("rename\tit");
        let e = CliError::diagnostics("invalid", vec![d]);
        let text = render_text(&e, false);
        assert_eq!(
            text,
            "error: bad key `A\\nB`\n  --> r.yaml:3 (at `env.A\\nB\\x00`)\n  hint: rename\\tit\n"
        );
    }

    #[test]
    fn headlines_details_and_hints_stay_on_one_line_and_show_hidden_characters() {
        let mut e = CliError::failure("package `req\u{202e}x` is\nbad").hint("run `a\nb`");
        e.details.push("d\u{200b}\ne".into());
        let text = render_text(&e, false);
        assert_eq!(
            text,
            "error: package `req\\u{202e}x` is\\nbad\n  - d\\u{200b}\\ne\nhint: run `a\\nb`\n"
        );
    }

    #[test]
    fn envelope_fields() {
        let e = CliError::usage("give a name").hint("see --help");
        let json = serde_json::to_string(&ErrorEnvelope::of(&e)).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"error":{"kind":"usage","code":2,"message":"give a name","causes":[],"details":[],"hints":["see --help"],"diagnostics":[],"output":null}}"#
        );
    }
}
