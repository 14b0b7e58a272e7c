//! Deserialising YAML text into typed values with located, key-pathed errors.

use std::cell::RefCell;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::{Diagnostic, Loc, YamlError};

/// Converts a parser location, dropping the "unknown" sentinel.
pub(crate) fn loc_of(loc: &serde_saphyr::Location) -> Option<Loc> {
    if loc.line() == 0 {
        None
    } else {
        Some(Loc {
            line: loc.line(),
            column: loc.column(),
        })
    }
}

/// Parses `text` (the contents of `path`) into `T`.
///
/// Empty documents deserialize like an empty mapping would, so an empty file is a valid
/// (empty) manifest instead of a crash on `null`.
pub fn from_str<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, YamlError> {
    let text = if text.trim().is_empty() || is_only_comments(text) {
        "{}"
    } else {
        text
    };
    // Fast path: plain deserialisation. Key-path tracking costs about a third of the parse
    // time, so it only runs again when there is an error to explain.
    if let Ok(v) = serde_saphyr::from_str::<T>(text) {
        return Ok(v);
    }
    let key_path: RefCell<Option<String>> = RefCell::new(None);
    let result = serde_saphyr::with_deserializer_from_str(text, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            *key_path.borrow_mut() = Some(e.path().to_string());
            e.into_inner()
        })
    });
    result.map_err(|err| convert(path, text, &err, key_path.into_inner()))
}

fn is_only_comments(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---")
}

fn convert(path: &Path, text: &str, err: &serde_saphyr::Error, key: Option<String>) -> YamlError {
    let mut loc = err.location().as_ref().and_then(loc_of);
    let inner = err.without_snippet();
    if let serde_saphyr::Error::Budget { breach, .. } = inner {
        return Diagnostic::new(path, budget_message(breach))
            .at(loc)
            .hint("split the file, or write repeated parts out instead of nesting aliases")
            .into();
    }
    let (raw, alias) = split_alias_note(&inner.to_string());
    let mut message = humanize(&strip_position_prefix(&raw));
    let found = err.location().as_ref().and_then(|l| found_token(text, l));
    if let Some(found) = found.filter(|_| wants_found(&message)) {
        message = format!("{message}, found {found}");
    }
    if message.contains("found a tab")
        && let Some(tab) = first_tab_from(text, loc)
    {
        loc = Some(tab);
    }
    if let Some(line) = alias {
        message = format!("{message} (through the alias whose anchor is on line {line})");
    }
    // serde_path_to_error writes `?` for a segment it could not name (inside a mapping
    // that failed to parse): what precedes it is the useful part.
    let key = key
        .map(|k| {
            let mut k = k.as_str();
            while let Some(rest) = k.strip_suffix(".?").or_else(|| k.strip_suffix("?")) {
                k = rest;
            }
            k.to_string()
        })
        .filter(|k| k != "." && !k.is_empty());
    let hint = hint_for(&message);
    let mut out = Diagnostic::new(path, message).at(loc);
    if let Some(k) = key {
        out = out.key(k);
    }
    out.maybe_hint(hint).into()
}

/// Plain words for a safety limit of the parser (its own text is a Rust debug dump).
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let what = match breach {
        B::Nodes { nodes } => format!("more than {} values", nodes.saturating_sub(1)),
        B::Depth { depth } => format!("nesting deeper than {} levels", depth.saturating_sub(1)),
        B::Aliases { aliases } => format!("more than {} aliases", aliases.saturating_sub(1)),
        B::Anchors { anchors } => format!("more than {} anchors", anchors.saturating_sub(1)),
        B::Documents { documents } => {
            format!("more than {} documents", documents.saturating_sub(1))
        }
        _ => "more content than the parser's safety limits allow".to_string(),
    };
    format!("the file is too large to read safely: {what}")
}

/// Splits the parser's "(defined at line L, column C) (used at line …)" note off a message
/// about a value reached through an alias, returning the anchor's line.
fn split_alias_note(msg: &str) -> (String, Option<u64>) {
    let Some(idx) = msg.find(" (defined at line ") else {
        return (msg.to_string(), None);
    };
    let rest = &msg[idx + " (defined at line ".len()..];
    let line = rest
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok());
    (msg[..idx].to_string(), line)
}

/// Messages that say what was expected but not what was there.
fn wants_found(message: &str) -> bool {
    message.starts_with("expected ")
        && !message.contains(", found ")
        && !message.contains("not a list")
}

/// What the parser pointed at, as the user wrote it: `a list`, `a mapping` or the scalar
/// in backticks (shortened when long).
fn found_token(text: &str, loc: &serde_saphyr::Location) -> Option<String> {
    let span = loc.span();
    let offset = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok().filter(|l| *l > 0)?;
    let token = text.get(offset..offset.checked_add(len)?)?;
    Some(match token.chars().next()? {
        '[' | '-' if len == 1 => "a list".to_string(),
        '{' if len == 1 => "a mapping".to_string(),
        _ => {
            let mut shown: String = token.chars().take(40).collect();
            if shown.len() < token.len() {
                shown.push('…');
            }
            let shown: String = shown
                .chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            format!("`{shown}`")
        }
    })
}

/// The first tab at or after `loc` (the parser points at the scalar being scanned, not at
/// the tab that ended it).
fn first_tab_from(text: &str, loc: Option<Loc>) -> Option<Loc> {
    let start = loc.map_or(0, |l| {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(usize::try_from(l.line.saturating_sub(1)).unwrap_or(usize::MAX))
            .map(str::len)
            .sum();
        line_start
    });
    let at = text.get(start..)?.find('\t')? + start;
    Some(Loc::of_offset(text, at))
}

fn strip_position_prefix(msg: &str) -> String {
    let mut m = msg.trim();
    if let Some(rest) = m.strip_prefix("error: ") {
        m = rest;
    }
    // "line 3 column 7: ..." / "... at line 3, column 7"
    if let Some(rest) = m.strip_prefix("line ")
        && let Some(idx) = rest.find(": ")
        && rest[..idx]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c.is_alphabetic())
    {
        return rest[idx + 2..].trim().to_string();
    }
    if let Some(idx) = m.rfind(" at line ") {
        return m[..idx].trim().to_string();
    }
    m.lines().next().unwrap_or(m).trim().to_string()
}

/// Rewrites parser jargon into "expected X" phrasing users understand.
fn humanize(msg: &str) -> String {
    let msg = msg
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(msg)
        .to_string();
    let table: &[(&str, &str)] = &[
        ("expected sequence start", "expected a list"),
        (
            "expected mapping start",
            "expected a mapping (key: value pairs)",
        ),
        ("invalid u16", "expected a whole number between 0 and 65535"),
        ("invalid u32", "expected a whole number"),
        ("invalid u64", "expected a whole number"),
        ("invalid bool", "expected `true` or `false`"),
        // Said for any scalar field (a name, a number, a flag) given a list or a mapping.
        (
            "expected string scalar",
            "expected a single value here, not a list or a mapping",
        ),
    ];
    for (from, to) in table {
        if msg == *from {
            return (*to).to_string();
        }
    }
    // Library wording that means nothing to someone editing a YAML file.
    let phrases: &[(&str, &str)] = &[
        (
            "multiple YAML documents detected",
            "the file holds several YAML documents (separated by `---`); expected one",
        ),
        (
            "externally tagged enum expected scalar or mapping",
            "expected one value (a name), found a list",
        ),
        (
            "invalid enum variant",
            "expected one of the documented names",
        ),
        (
            "unexpected value for unit",
            "expected one of the documented names, written plainly (not a tagged value or a mapping)",
        ),
        (
            "does not match target enum",
            "expected one of the documented names, without a `!tag`",
        ),
        (
            "cannot deserialize null into",
            "expected a value here, found none (`~`, `null` or nothing)",
        ),
        (
            "!!binary scalar",
            "`!!binary` is not supported here: write the value as plain text",
        ),
    ];
    for (from, to) in phrases {
        if msg.contains(from) {
            return (*to).to_string();
        }
    }
    shaped(&msg).unwrap_or(msg)
}

/// serde's and the scanner's fixed sentence shapes, said as the YAML author sees them.
fn shaped(msg: &str) -> Option<String> {
    // `invalid type: unit value, expected X`: an empty value (a bare tag, `~`).
    if let Some(expected) = msg.strip_prefix("invalid type: unit value, expected ") {
        return Some(format!("expected {expected}, found an empty value"));
    }
    // serde's `invalid type: sequence, expected X`: say it as the YAML author sees it.
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let found = match found {
            "sequence" => "a list".to_string(),
            "map" => "a mapping".to_string(),
            other => ["integer ", "floating point ", "boolean "]
                .iter()
                .find_map(|p| other.strip_prefix(p))
                .map(str::to_string)
                .or_else(|| {
                    let text = other.strip_prefix("string \"")?.strip_suffix('"')?;
                    Some(format!("`{text}`"))
                })
                .unwrap_or_else(|| other.to_string()),
        };
        return Some(format!("expected {expected}, found {found}"));
    }
    // serde's `unknown variant `x`, expected one of a, b`: "variant" is Rust's word.
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return Some(format!("unknown value {rest}"));
    }
    if let Some(rest) = msg.strip_prefix("unexpected character: ") {
        let code = rest
            .trim_matches(|c| c == '`' || c == '\'')
            .strip_prefix("\\u{")
            .and_then(|h| h.strip_suffix('}'))
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        return Some(match code {
            Some(code) => format!("found the character U+{code:04X}, which YAML does not allow"),
            None => "found a character YAML does not allow".to_string(),
        });
    }
    if msg.contains("found a tab") {
        return Some("found a tab where YAML allows only spaces".to_string());
    }
    None
}

/// The scanner's phrases for text that is not well-formed YAML.
const SYNTAX: &[&str] = &[
    "illegal placement",
    "unclosed",
    "did not find expected",
    "while scanning",
    "while parsing",
    "invalid indentation",
    "indentation error",
    "mapping values are not allowed",
];

fn hint_for(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("remove the key or check its spelling against the documented fields".into())
    } else if message.contains("duplicate") {
        Some("each key may appear only once in a mapping".into())
    } else if message.contains("missing field") {
        Some("add the required key".into())
    } else if message.contains("several YAML documents") {
        Some("remove the extra `---` documents, or merge them into one".into())
    } else if let Some(values) = message
        .strip_prefix("unknown value ")
        .and_then(|m| m.split_once(", expected one of "))
        .map(|(_, values)| values)
    {
        Some(format!("write one of: {values}"))
    } else if message.contains("a tab where") {
        Some("indent with spaces".into())
    } else if message.contains("YAML does not allow") {
        Some("remove it: a YAML file holds printable text".into())
    } else if SYNTAX.iter().any(|s| message.contains(s)) {
        Some(
            "check the text just before this point: an unclosed `[`, `{` or quote, or a \
             line indented differently from its neighbours"
                .into(),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::path::PathBuf;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "only deserialised")]
    struct Inner {
        port: u16,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "only deserialised")]
    struct Outer {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        web: Option<Inner>,
    }

    fn p() -> PathBuf {
        PathBuf::from("hsm.yaml")
    }

    #[test]
    fn wrong_type_is_located_with_key_path() {
        let e = from_str::<Outer>(&p(), "name: x\nweb:\n  port: eighty\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert_eq!(e.key.as_deref(), Some("web.port"), "{e:?}");
        assert!(e.to_string().starts_with("hsm.yaml:3:"), "{e}");
    }

    #[test]
    fn a_list_where_one_value_goes_says_so() {
        for text in [
            "name: [x]\nweb:\n  port: 1\n",
            "name: x\nweb:\n  port: {a: 1}\n",
        ] {
            let e = from_str::<Outer>(&p(), text).unwrap_err();
            assert_eq!(
                e.message, "expected a single value here, not a list or a mapping",
                "{e:?}"
            );
        }
    }

    #[test]
    fn unknown_field_names_key_and_hints() {
        let e = from_str::<Outer>(&p(), "name: x\nwbe: {}\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(e.message.contains("wbe"), "{e:?}");
        assert!(!e.hints.is_empty());
    }

    #[test]
    fn empty_document_is_empty_mapping() {
        let o = from_str::<Outer>(&p(), "# only a comment\n").unwrap();
        assert!(o.name.is_none());
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "lowercase")]
    #[allow(dead_code, reason = "only deserialised")]
    enum Mode {
        Dev,
        Prod,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "only deserialised")]
    struct Lists {
        #[serde(default)]
        packages: Vec<String>,
        #[serde(default)]
        params: std::collections::BTreeMap<String, Vec<String>>,
        #[serde(default)]
        mode: Option<Mode>,
    }

    fn lists_error(text: &str) -> YamlError {
        from_str::<Lists>(&p(), text).unwrap_err()
    }

    #[test]
    fn a_wrong_type_says_what_was_found() {
        let e = lists_error("packages: 5\n");
        assert_eq!(e.message, "expected a list, found `5`");
        let e = lists_error("packages: {a: 1}\n");
        assert_eq!(e.message, "expected a list, found a mapping");
    }

    #[test]
    fn an_unknown_choice_is_a_value_not_a_variant_and_lists_the_choices() {
        let e = lists_error("mode: debug\n");
        assert_eq!(
            e.message,
            "unknown value `debug`, expected one of dev, prod"
        );
        assert_eq!(e.hints, vec!["write one of: dev, prod".to_string()]);
    }

    #[test]
    fn a_control_character_is_named_by_its_code_point() {
        let e = lists_error("packages: [a]\n\0\n");
        assert_eq!(
            e.message,
            "found the character U+0000, which YAML does not allow"
        );
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
    }

    #[test]
    fn a_tab_is_located_where_it_is() {
        let e = lists_error("packages:\n  - requests\n\tmode: dev\n");
        assert_eq!(e.message, "found a tab where YAML allows only spaces");
        assert_eq!((e.line, e.column), (Some(3), Some(1)));
        assert_eq!(e.hints, vec!["indent with spaces".to_string()]);
    }

    #[test]
    fn a_key_path_never_ends_in_a_placeholder() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code, reason = "only deserialised")]
        struct Project {
            name: Option<String>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code, reason = "only deserialised")]
        struct Manifest {
            project: Option<Project>,
            packages: Option<Vec<String>>,
        }
        // A mapping left open: the parser fails inside it, where serde names no key.
        let e = from_str::<Manifest>(&p(), "project: {name: x\npackages: [\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("project"), "{e:?}");
        assert!(e.hints[0].contains("unclosed"), "{e:?}");
    }

    #[test]
    fn a_syntax_error_hints_at_unclosed_brackets() {
        let e = lists_error("packages: [requests\nmode: dev\n");
        assert!(e.hints[0].contains("unclosed"), "{e:?}");
    }

    #[test]
    fn a_value_reached_through_an_alias_is_a_whole_sentence() {
        let e = lists_error("params:\n  a: &a [x]\n  b: [*a]\n");
        assert_eq!(
            e.message,
            "expected a single value here, not a list or a mapping \
             (through the alias whose anchor is on line 2)"
        );
        assert_eq!(e.key.as_deref(), Some("params.b[0]"));
    }

    #[test]
    fn a_file_past_the_safety_limits_says_so_in_words() {
        let mut text = String::from("packages:\n");
        for i in 0..300_000 {
            text.push_str(&format!("- p{i}\n"));
        }
        let e = lists_error(&text);
        assert!(
            e.message
                .starts_with("the file is too large to read safely: more than "),
            "{}",
            e.message
        );
        assert!(!e.message.contains('{'), "{}", e.message);
        assert!(!e.hints.is_empty());
    }

    #[test]
    fn bad_yaml_is_located() {
        let e = from_str::<Outer>(&p(), "name: [x\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
    }
}
