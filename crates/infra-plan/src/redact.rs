//! Hiding secret values in dotenv-style files before they are shown.

use std::collections::HashMap;

/// Replacement for every value.
const REDACTED: &str = "<redacted>";
/// Replacement for a value that differs from the previous version of the file, so that a
/// diff still shows *that* it changed without showing what it was or became.
const REDACTED_CHANGED: &str = "<redacted, changed>";

/// Replaces the value of every `KEY=VALUE` line (also `export KEY=VALUE`) with
/// `<redacted>`, keeping comments, blank lines and line endings.
///
/// Continuation lines of multi-line quoted values and any other line that is not a
/// recognisable assignment are replaced by `<redacted>` as a whole, so nothing that could
/// be part of a value is ever kept.
pub fn redact_dotenv(text: &str) -> String {
    redact(text, None, None)
}

/// Redacts both versions of a file; values of the new version that differ from the old
/// one are marked as changed. With `keys`, only those keys' values are hidden.
pub(crate) fn redact_pair(before: &str, after: &str, keys: Option<&[String]>) -> (String, String) {
    let old_values = values(&scan(before));
    (
        redact(before, None, keys),
        redact(after, Some(&old_values), keys),
    )
}

fn redact(text: &str, previous: Option<&HashMap<&str, String>>, keys: Option<&[String]>) -> String {
    let hidden = |key: &str| keys.is_none_or(|k| k.iter().any(|x| x == key));
    let lines = scan(text);
    let current = values(&lines);
    let mut out = String::with_capacity(text.len());
    for line in &lines {
        match line.kind {
            Kind::Keep => out.push_str(line.content),
            Kind::Assign { key, .. } | Kind::Continuation { key } if !hidden(key) => {
                out.push_str(line.content);
            }
            Kind::Assign { head, key } => {
                let changed = previous
                    .and_then(|previous| previous.get(key))
                    .is_some_and(|old| current.get(key) != Some(old));
                out.push_str(head);
                out.push('=');
                out.push_str(if changed { REDACTED_CHANGED } else { REDACTED });
            }
            Kind::Continuation { .. } | Kind::Opaque => out.push_str(REDACTED),
        }
        out.push_str(line.ending);
    }
    out
}

struct Line<'a> {
    /// The line without its ending.
    content: &'a str,
    /// `"\n"`, `"\r\n"` or `""` for a last line without newline.
    ending: &'a str,
    kind: Kind<'a>,
}

#[derive(Clone, Copy)]
enum Kind<'a> {
    /// Blank or comment: shown as is.
    Keep,
    /// `head=value`, where `head` is the key with optional `export ` and spacing.
    Assign { head: &'a str, key: &'a str },
    /// A further line of a quoted value that spans lines.
    Continuation { key: &'a str },
    /// Anything else.
    Opaque,
}

fn scan(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    // The key and closing quote of a value still open from a previous line.
    let mut open: Option<(&str, char)> = None;
    for raw in text.split_inclusive('\n') {
        let content = raw
            .strip_suffix("\r\n")
            .or_else(|| raw.strip_suffix('\n'))
            .unwrap_or(raw);
        let ending = &raw[content.len()..];
        let kind = if let Some((key, quote)) = open {
            if closes(content, quote) {
                open = None;
            }
            Kind::Continuation { key }
        } else {
            classify(content, &mut open)
        };
        lines.push(Line {
            content,
            ending,
            kind,
        });
    }
    lines
}

fn classify<'a>(content: &'a str, open: &mut Option<(&'a str, char)>) -> Kind<'a> {
    let trimmed = content.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Kind::Keep;
    }
    let Some((head, value)) = content.split_once('=') else {
        return Kind::Opaque;
    };
    let key = head.trim();
    let key = key
        .strip_prefix("export")
        .filter(|rest| rest.starts_with([' ', '\t']))
        .map_or(key, str::trim_start);
    if !is_key(key) {
        return Kind::Opaque;
    }
    let value = value.trim_start();
    if let Some(quote) = value.chars().next().filter(|c| matches!(c, '"' | '\''))
        && !closes(&value[1..], quote)
    {
        *open = Some((key, quote));
    }
    Kind::Assign { head, key }
}

/// Whether `text` contains the closing `quote` (backslash escapes count in `"` only).
fn closes(text: &str, quote: char) -> bool {
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote == '"' {
            escaped = true;
        } else if c == quote {
            return true;
        }
    }
    false
}

fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The raw value text of every key, continuation lines included.
fn values<'a>(lines: &[Line<'a>]) -> HashMap<&'a str, String> {
    let mut values: HashMap<&str, String> = HashMap::new();
    for line in lines {
        match line.kind {
            Kind::Assign { head, key } => {
                let value = line.content.get(head.len() + 1..).unwrap_or_default();
                values.insert(key, value.to_owned());
            }
            Kind::Continuation { key } => {
                let value = values.entry(key).or_default();
                value.push('\n');
                value.push_str(line.content);
            }
            Kind::Keep | Kind::Opaque => {}
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_redacted_structure_is_kept() {
        let text = "# database\n\nDB_PASSWORD=hunter2\nexport API_KEY = 'abc'\r\n  SPACED=x\nEMPTY=\nLAST=tail";
        assert_eq!(
            redact_dotenv(text),
            "# database\n\nDB_PASSWORD=<redacted>\nexport API_KEY =<redacted>\r\n  SPACED=<redacted>\nEMPTY=<redacted>\nLAST=<redacted>"
        );
    }

    #[test]
    fn unrecognised_lines_are_fully_redacted() {
        assert_eq!(
            redact_dotenv("just-a-secret\nnot a key=value\n"),
            "<redacted>\n<redacted>\n"
        );
        let (_, after) = redact_pair("export_dir=1\n_dir=2\n", "export_dir=1\n_dir=2\n", None);
        assert_eq!(after, "export_dir=<redacted>\n_dir=<redacted>\n");
    }

    #[test]
    fn multi_line_values_are_fully_redacted() {
        let text = "CERT=\"-----BEGIN\n# looks like a comment\nKEY=inside\n-----END\"\nNEXT=1\n";
        assert_eq!(
            redact_dotenv(text),
            "CERT=<redacted>\n<redacted>\n<redacted>\n<redacted>\nNEXT=<redacted>\n"
        );
        // Escaped quotes do not close a double-quoted value; single quotes close at once.
        assert_eq!(
            redact_dotenv("A=\"x\\\"\ny\"\nB='z'\nC=1\n"),
            "A=<redacted>\n<redacted>\nB=<redacted>\nC=<redacted>\n"
        );
    }

    #[test]
    fn pair_marks_changed_values() {
        let (before, after) = redact_pair(
            "A=1\nB=2\nC=\"x\ny\"\n",
            "A=1\nB=3\nC=\"x\nz\"\nD=4\n",
            None,
        );
        assert_eq!(
            before,
            "A=<redacted>\nB=<redacted>\nC=<redacted>\n<redacted>\n"
        );
        assert_eq!(
            after,
            "A=<redacted>\nB=<redacted, changed>\nC=<redacted, changed>\n<redacted>\nD=<redacted>\n"
        );
    }

    #[test]
    fn only_named_keys_are_hidden_and_changes_still_show() {
        let keys = vec!["PW".to_string()];
        let (before, after) = redact_pair("HOST=a\nPW=old\n", "HOST=b\nPW=new\n", Some(&keys));
        assert_eq!(before, "HOST=a\nPW=<redacted>\n");
        assert_eq!(after, "HOST=b\nPW=<redacted, changed>\n");
    }
}
