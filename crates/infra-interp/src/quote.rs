//! Writing dotenv values that two different readers read back unchanged.
//!
//! A dotenv file written for local processes is read back by [`crate::load_dotenv`]
//! (the `dotenvy` 0.15 parser) and by `docker-compose --env-file` (Compose 1.29, which
//! parses with python-dotenv 0.21). The two disagree on most of the syntax, so the quoting
//! here uses only what both read the same way:
//!
//! * **dotenvy** treats `'…'` as fully literal (no escapes, so no `'` inside), expands
//!   `$NAME` and `${NAME}` everywhere else, and knows only the escapes `\\`, `\'`, `\"`,
//!   `\$`, `\ ` and `\n`; any other escape is an error. Unquoted values end at a space or
//!   tab. Its line splitter treats `\x` as a pair even inside `'…'`.
//! * **python-dotenv** decodes `\\` and `\'` inside `'…'`, and `\\`, `\'`, `\"`, `\a`, `\b`,
//!   `\f`, `\n`, `\r`, `\t`, `\v` inside `"…"` (other backslashes stay); unquoted values are
//!   literal up to a ` #` comment, with trailing whitespace stripped. It then expands
//!   `${NAME}` and `${NAME:-default}` in **every** value, quoted or not, and has no escape
//!   for `$`. It reads the file in Python's universal-newline mode, so a raw carriage
//!   return arrives as a line feed. Its quote patterns let `\` + quote continue the value,
//!   so a value whose last character is a backslash runs on to the next quote in the file.
//!
//! Hence: values made only of letters, digits and `-_./:,@+%` are written plain. Values
//! without `$` are double-quoted, escaping `\`, `"` and a line feed as `\\`, `\"` and `\n`
//! (the escapes both readers decode). A `$` can only survive dotenvy inside `'…'`, so values
//! with `$` are single-quoted, verbatim.
//!
//! What neither form can carry is refused ([`UnrepresentableValue`]) instead of being
//! written in a way one reader gets wrong: a carriage return, a trailing backslash, and,
//! for values with `$`, a `'`, two backslashes in a row, or a `${…}` that python-dotenv
//! would expand. A NUL is refused too: both readers would keep it, but no process
//! environment can hold it, so the value could never reach a program.
//!
//! Compose then also expands `$` in the Compose file itself, but a value substituted for
//! `${KEY}` there is inserted as is, so the env file is the only place that needs care.

/// Why a value cannot be written to a dotenv file that both `dotenvy` and
/// `docker-compose --env-file` (python-dotenv) read back unchanged.
///
/// The messages name the offending characters, never the value, which may be secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnrepresentableValue {
    /// A raw carriage return arrives as a line feed in Compose (universal newlines), and
    /// dotenvy has no `\r` escape.
    #[error("the value contains a carriage return, which docker compose would read as a line feed")]
    CarriageReturn,
    /// Both readers keep a NUL, but no process environment can hold one (environment
    /// strings are NUL-terminated), so the value could never be used.
    #[error("the value contains a NUL character, which no environment variable can hold")]
    Nul,
    /// Inside either quote, python-dotenv takes a backslash before the closing quote as an
    /// escaped quote and reads on into the following lines; unquoted, dotenvy drops it.
    #[error(
        "the value ends with a backslash, which docker compose would read past the closing quote"
    )]
    TrailingBackslash,
    /// `$` survives dotenvy only inside `'…'`, which cannot contain `'`.
    #[error("the value contains both `$` and `'`, which no dotenv quoting keeps for both readers")]
    DollarAndSingleQuote,
    /// `$` needs `'…'`, inside which python-dotenv turns `\\` into `\` and dotenvy does not.
    #[error(
        "the value contains `$` and two backslashes in a row, which docker compose would read as one"
    )]
    DollarAndDoubleBackslash,
    /// python-dotenv expands `${NAME}` and `${NAME:-default}` even inside `'…'` and has no
    /// escape for `$`.
    #[error("the value contains a `${{…}}` reference, which docker compose would expand")]
    ComposeReference,
}

/// Quotes `value` for the right-hand side of a `KEY=value` line so that both
/// [`crate::load_dotenv`] (dotenvy) and `docker-compose --env-file` (python-dotenv, Compose
/// 1.29) read back exactly `value`.
///
/// Returns the value as is when it is made only of ASCII letters, digits and `-_./:,@+%`;
/// `''` for the empty value; a double-quoted string (with `\\`, `\"` and `\n` escapes) when
/// it has no `$`; and the value in single quotes, verbatim, when it has one. Values that
/// cannot be written for both readers are refused; see [`UnrepresentableValue`] and the
/// module documentation for why.
pub fn quote_dotenv_value(value: &str) -> Result<String, UnrepresentableValue> {
    if value.contains('\r') {
        return Err(UnrepresentableValue::CarriageReturn);
    }
    if value.contains('\0') {
        return Err(UnrepresentableValue::Nul);
    }
    if value.ends_with('\\') {
        return Err(UnrepresentableValue::TrailingBackslash);
    }
    if value.is_empty() {
        return Ok("''".to_string());
    }
    if value.chars().all(is_plain) {
        return Ok(value.to_string());
    }
    if !value.contains('$') {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('"');
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
        return Ok(out);
    }
    if value.contains('\'') {
        return Err(UnrepresentableValue::DollarAndSingleQuote);
    }
    if value.contains("\\\\") {
        return Err(UnrepresentableValue::DollarAndDoubleBackslash);
    }
    if has_python_dotenv_reference(value) {
        return Err(UnrepresentableValue::ComposeReference);
    }
    Ok(format!("'{value}'"))
}

/// Characters that mean nothing special to either reader outside quotes.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_./:,@+%".contains(c)
}

/// Whether python-dotenv 0.21 would expand something in `value`: a match of its pattern
/// `\$\{([^}:]*)(?::-([^}]*))?\}` anywhere.
fn has_python_dotenv_reference(value: &str) -> bool {
    value.match_indices("${").any(|(start, _)| {
        let after = &value[start + 2..];
        // The name runs to the first `}` or `:`; no shorter name can match, since the
        // character after it would be neither.
        let Some(stop) = after.find(['}', ':']) else {
            return false;
        };
        let rest = &after[stop..];
        rest.starts_with('}') || (rest.starts_with(":-") && rest.contains('}'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    use crate::load_dotenv;

    #[test]
    fn plain_values_stay_plain() {
        for value in ["abc", "a-b_c.d/e:f,g@h+i%j", "127.0.0.1:5432", "0"] {
            assert_eq!(quote_dotenv_value(value).unwrap(), value);
        }
    }

    #[test]
    fn chosen_quoting() {
        let cases = [
            ("", "''"),
            ("with space", "\"with space\""),
            ("a\"b", "\"a\\\"b\""),
            ("back\\slash", "\"back\\\\slash\""),
            ("two\nlines", "\"two\\nlines\""),
            ("it's", "\"it's\""),
            ("#hash", "\"#hash\""),
            ("$$", "'$$'"),
            ("a$b \"c\"", "'a$b \"c\"'"),
            ("${open", "'${open'"),
            ("${a:b}", "'${a:b}'"),
        ];
        for (value, quoted) in cases {
            assert_eq!(quote_dotenv_value(value).unwrap(), quoted, "{value:?}");
        }
    }

    #[test]
    fn refusals_name_the_reason() {
        use UnrepresentableValue::*;
        let cases = [
            ("a\rb", CarriageReturn),
            ("a\0b", Nul),
            ("ends\\", TrailingBackslash),
            ("$ends\\", TrailingBackslash),
            ("it's$1", DollarAndSingleQuote),
            ("a\\\\$", DollarAndDoubleBackslash),
            ("p${x}w", ComposeReference),
            ("${}", ComposeReference),
            ("${x:-d}", ComposeReference),
            ("${x:-}", ComposeReference),
            ("$a ${b} c", ComposeReference),
        ];
        for (value, reason) in cases {
            assert_eq!(quote_dotenv_value(value), Err(reason), "{value:?}");
        }
        // The message never repeats the value.
        let err = quote_dotenv_value("SECRET${x}").unwrap_err();
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }

    #[test]
    fn python_dotenv_reference_pattern() {
        for value in [
            "${a}", "x${}y", "${a:-b}", "${a:-}", "${a-b}", "$${a}", "${ {}",
        ] {
            assert!(has_python_dotenv_reference(value), "{value:?}");
        }
        for value in [
            "$a", "${a", "${a:b}", "${a:-b", "$ {a}", "{a}", "${a:", "${:x}",
        ] {
            assert!(!has_python_dotenv_reference(value), "{value:?}");
        }
    }

    include!("../tests/support/tricky_values.rs");

    #[test]
    fn every_representable_value_round_trips_through_load_dotenv() {
        let values = tricky_values();
        let mut text = String::from("# generated\n");
        let mut expected = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let Ok(quoted) = quote_dotenv_value(value) else {
                continue;
            };
            let key = format!("INFRA_INTERP_QUOTE_{i}");
            writeln!(text, "{key}={quoted}").unwrap();
            expected.push((key, value.clone()));
        }
        assert!(
            expected.len() > values.len() / 2,
            "too few representable values"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("env");
        std::fs::write(&path, &text).unwrap();
        let vars = load_dotenv(&path).unwrap();
        let mut mismatches = Vec::new();
        for (key, value) in &expected {
            if vars.get(key) != Some(value) {
                mismatches.push(format!(
                    "{value:?} written as {:?} read back as {:?}",
                    quote_dotenv_value(value).unwrap(),
                    vars.get(key)
                ));
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
        assert_eq!(vars.len(), expected.len());
    }
}
