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
    result.map_err(|err| convert(path, &err, key_path.into_inner()))
}

fn is_only_comments(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---")
}

fn convert(path: &Path, err: &serde_saphyr::Error, key: Option<String>) -> YamlError {
    let loc = err.location().as_ref().and_then(loc_of);
    let inner = err.without_snippet();
    let mut message = inner.to_string();
    // The parser prefixes "line L column C:" or similar; we print our own position.
    message = humanize(&strip_position_prefix(&message));
    let key = key.filter(|k| k != "." && k != "?" && !k.is_empty());
    let hint = hint_for(&message);
    let mut out = Diagnostic::new(path, message).at(loc);
    if let Some(k) = key.filter(|k| !k.is_empty()) {
        out = out.key(k);
    }
    out.maybe_hint(hint).into()
}

fn strip_position_prefix(msg: &str) -> String {
    let mut m = msg.trim();
    if let Some(rest) = m.strip_prefix("error: ") {
        m = rest;
    }
    // "line 3 column 7: ..." / "at line 3, column 7"
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
    // `invalid type: unit value, expected X`: an empty value (a bare tag, `~`).
    if let Some(expected) = msg.strip_prefix("invalid type: unit value, expected ") {
        return format!("expected {expected}, found an empty value");
    }
    msg
}

fn hint_for(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("remove the key or check its spelling against the documented fields".into())
    } else if message.contains("duplicate") {
        Some("each key may appear only once in a mapping".into())
    } else if message.contains("missing field") {
        Some("add the required key".into())
    } else if message.contains("several YAML documents") {
        Some("remove the extra `---` documents, or merge them into one".into())
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

    #[test]
    fn bad_yaml_is_located() {
        let e = from_str::<Outer>(&p(), "name: [x\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
    }
}
