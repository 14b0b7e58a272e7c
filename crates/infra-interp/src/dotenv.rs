//! Loading `.env` files.
//!
//! Parsing is left to [`dotenvy`], but its errors carry the offending line verbatim, and
//! `.env` lines hold secrets: an unterminated quote would print the password that follows
//! it in every error message and JSON report. So a parse error is re-diagnosed here from
//! the file text, by mirroring how dotenvy cuts the file into logical lines (quotes may span
//! lines) and parses one, and reported by file, line and key with a description of what is
//! wrong, never with any part of the value.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

/// A `.env` file could not be read or parsed.
///
/// Neither the message nor any other field holds any part of a value from the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid .env file `{}`{}: {message}", path.display(), match line {
    Some(line) => format!(" at line {line}"),
    None => String::new(),
})]
pub struct DotenvError {
    /// The file concerned.
    pub path: PathBuf,
    /// The 1-based line of the problem, when known: for a value spanning several lines, the
    /// line of its key.
    pub line: Option<usize>,
    /// The variable whose definition is malformed, when the line starts with a valid name
    /// followed by `=`.
    pub key: Option<String>,
    /// What went wrong.
    pub message: String,
}

/// Reads the variables defined in the `.env` file at `path`, in file order.
///
/// A missing file yields an empty map. Quoting, comments, `export` prefixes and
/// `${VAR}` expansion follow [`dotenvy`]; a leading byte order mark is ignored. When a
/// name is defined twice, the last definition wins.
pub fn load_dotenv(path: &Path) -> Result<IndexMap<String, String>, DotenvError> {
    let error = |line, key, message| DotenvError {
        path: path.to_path_buf(),
        line,
        key,
        message,
    };
    // A FIFO would block forever, a link to `/dev/zero` be read until memory runs out.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        let message = "is not a regular file (a directory, a FIFO or a device)".to_string();
        return Err(error(None, None, message));
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(IndexMap::new()),
        // I/O errors describe the failure (permissions), not the contents.
        Err(err) => return Err(error(None, None, format!("cannot be read: {err}"))),
    };
    let contents = match String::from_utf8(bytes) {
        Ok(contents) => contents,
        // Say where, never what: the bytes around may be a secret.
        Err(err) => {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let message = "expected UTF-8 text; save the file as UTF-8".to_string();
            return Err(error(Some(line), None, message));
        }
    };
    // Read the file once ourselves: dotenvy's iterator does not skip a UTF-8 byte order
    // mark, and the text is needed to diagnose parse errors.
    let contents = contents.strip_prefix('\u{feff}').unwrap_or(&contents);
    if let Some(problem) = dollar_problems(contents) {
        return Err(error(problem.line, problem.key, problem.message));
    }
    let mut vars = IndexMap::new();
    let mut parsed = 0;
    for item in dotenvy::from_read_iter(contents.as_bytes()) {
        match item {
            Ok((key, value)) => {
                vars.insert(key, value);
                parsed += 1;
            }
            // The error's own text is the line, secret included: drop it.
            Err(dotenvy::Error::LineParse(..)) => {
                let problem = diagnose(contents, parsed);
                return Err(error(problem.line, problem.key, problem.message));
            }
            // Reading from memory does not fail, and dotenvy's environment errors may
            // quote a value: say nothing more specific.
            Err(_) => return Err(error(None, None, "cannot be parsed".to_string())),
        }
    }
    // No `.env` file, ours included, can hold these; say so here, at the user's line.
    if let Some((key, _)) = vars.iter().find(|(_, v)| v.contains(['\0', '\r'])) {
        let line = logical_lines(contents)
            .iter()
            .filter(|l| split_definition(l.text.trim()).is_some_and(|(k, _)| k == key))
            .map(|l| l.number)
            .next_back();
        let message = format!(
            "the value of `{key}` contains a NUL byte or a carriage return, which no .env file \
             can pass on; remove it"
        );
        return Err(error(line, Some(key.clone()), message));
    }
    Ok(vars)
}

/// The first `$` dotenvy would read differently from what the author meant: one that starts
/// no variable (dotenvy drops it and what follows, silently: `pa$` becomes `pa`), or a
/// `$NAME` right before a closing double quote (which dotenvy rejects as an unterminated
/// quote). Either is refused, naming the key and never the value.
fn dollar_problems(contents: &str) -> Option<Problem> {
    for line in logical_lines(contents) {
        if line.end != Split::Complete {
            continue;
        }
        let Some((key, value)) = split_definition(line.text.trim()) else {
            continue;
        };
        let Some(dollar) = dollar_problem(value) else {
            continue;
        };
        let message = match dollar {
            Dollar::Lone => format!(
                "a `$` in the value of `{key}` starts no variable (`$NAME` or `${{NAME}}`) and \
                 would be lost; for a literal `$` write `\\$`, or put the value in single \
                 quotes, where nothing is expanded"
            ),
            // The name is not shown: it may be part of a secret that merely holds a `$`.
            Dollar::BeforeQuote => format!(
                "a variable written `$NAME` right before the closing quote in the value of \
                 `{key}` is not read correctly; write it `${{NAME}}`, or write `\\$` for a \
                 literal `$`"
            ),
        };
        return Some(Problem {
            line: Some(line.number),
            key: Some(key.to_string()),
            message,
        });
    }
    None
}

/// A `$` that does not mean what it seems to.
#[derive(Debug, PartialEq, Eq)]
enum Dollar {
    /// Starts no variable.
    Lone,
    /// `$NAME"`: a variable right before a closing double quote.
    BeforeQuote,
}

/// The first misleading `$` of a value (see [`dollar_problems`]).
fn dollar_problem(value: &str) -> Option<Dollar> {
    let mut chars = value.chars().peekable();
    let (mut single, mut double) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => single = !single,
            _ if single => {}
            '\\' => {
                chars.next();
            }
            '"' => double = !double,
            '$' => match chars.peek() {
                Some('{') => {}
                Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
                    while chars
                        .next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .is_some()
                    {}
                    if double && chars.peek() == Some(&'"') {
                        return Some(Dollar::BeforeQuote);
                    }
                }
                _ => return Some(Dollar::Lone),
            },
            _ => {}
        }
    }
    None
}

/// A parse problem, described without any part of a value.
struct Problem {
    line: Option<usize>,
    key: Option<String>,
    message: String,
}

/// Describes why dotenvy rejected `contents` after accepting `parsed` definitions.
///
/// dotenvy yields one result per logical line that is not blank or a comment, so the
/// rejected line is the next such line after the `parsed` accepted ones.
fn diagnose(contents: &str, parsed: usize) -> Problem {
    let Some(line) = logical_lines(contents)
        .into_iter()
        .filter(LogicalLine::is_definition)
        .nth(parsed)
    else {
        return Problem {
            line: None,
            key: None,
            message: "cannot be parsed".to_string(),
        };
    };
    let (key, message) = describe(&line);
    Problem {
        line: Some(line.number),
        key,
        message,
    }
}

/// The state of dotenvy's line splitter (`QuotedLines` in its `iter.rs`) at the end of a
/// physical line; anything but `Complete` continues the logical line on the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    Complete,
    Escape,
    WhiteSpace,
    Single,
    SingleEscape,
    Double,
    DoubleEscape,
}

/// One logical line as dotenvy cuts the file.
#[derive(Debug, PartialEq, Eq)]
struct LogicalLine<'a> {
    /// The 1-based number of the physical line it starts on.
    number: usize,
    /// What dotenvy parses: the comment cut off, the final line break removed; empty for
    /// a comment line.
    text: &'a str,
    /// `Complete` normally; otherwise the file ended inside it (in that state).
    end: Split,
}

impl LogicalLine<'_> {
    /// Whether dotenvy yields a result for it (a definition or an error).
    fn is_definition(&self) -> bool {
        let text = self.text.trim();
        self.end != Split::Complete || !(text.is_empty() || text.starts_with('#'))
    }
}

/// Cuts `contents` into logical lines exactly as dotenvy 0.15 does.
fn logical_lines(contents: &str) -> Vec<LogicalLine<'_>> {
    let mut lines = Vec::new();
    let mut rest = contents;
    let mut number = 1;
    while !rest.is_empty() {
        let start = number;
        let mut state = Split::Complete;
        let mut len = 0;
        loop {
            let Some(tail) = rest.get(len..).filter(|tail| !tail.is_empty()) else {
                lines.push(LogicalLine {
                    number: start,
                    text: rest,
                    end: state,
                });
                rest = "";
                break;
            };
            let physical = tail.find('\n').map_or(tail.len(), |i| i + 1);
            let end = len + physical;
            number += usize::from(tail[..physical].ends_with('\n'));
            let buf = &rest[..end];
            let done = if buf.trim_start().starts_with('#') {
                Some("")
            } else {
                match split_state(state, &tail[..physical]) {
                    Err(comment) => Some(&rest[..len + comment]),
                    Ok(Split::Complete) => {
                        let text = buf
                            .strip_suffix('\n')
                            .map_or(buf, |text| text.strip_suffix('\r').unwrap_or(text));
                        Some(text)
                    }
                    Ok(next) => {
                        state = next;
                        None
                    }
                }
            };
            if let Some(text) = done {
                lines.push(LogicalLine {
                    number: start,
                    text,
                    end: Split::Complete,
                });
                rest = &rest[end..];
                break;
            }
            len = end;
        }
    }
    lines
}

/// dotenvy's `eval_end_state`: the splitter state after `physical`, or the byte offset of
/// a comment that ends the logical line.
fn split_state(mut state: Split, physical: &str) -> Result<Split, usize> {
    for (pos, c) in physical.char_indices() {
        state = match state {
            Split::WhiteSpace => match c {
                '#' => return Err(pos),
                '\\' => Split::Escape,
                '"' => Split::Double,
                '\'' => Split::Single,
                _ => Split::Complete,
            },
            Split::Escape => Split::Complete,
            Split::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => Split::WhiteSpace,
                '\\' => Split::Escape,
                '"' => Split::Double,
                '\'' => Split::Single,
                _ => Split::Complete,
            },
            Split::Double => match c {
                '\\' => Split::DoubleEscape,
                '"' => Split::Complete,
                _ => Split::Double,
            },
            Split::DoubleEscape => Split::Double,
            Split::Single => match c {
                '\\' => Split::SingleEscape,
                '\'' => Split::Complete,
                _ => Split::Single,
            },
            Split::SingleEscape => Split::Single,
        };
    }
    Ok(state)
}

/// The key (when the line starts with a valid name and `=`) and a description of what is
/// wrong with a logical line dotenvy rejected.
fn describe(line: &LogicalLine<'_>) -> (Option<String>, String) {
    let text = line.text.trim();
    if text.is_empty() {
        return (
            None,
            "the last line holds only whitespace and no line break".to_string(),
        );
    }
    let Some((key, value)) = split_definition(text) else {
        return (
            None,
            "expected `KEY=value`, with a name of ASCII letters, digits, `_` and `.` that does \
             not start with a digit"
                .to_string(),
        );
    };
    let what = match line.end {
        Split::Single | Split::SingleEscape => Some(ValueProblem::Single),
        Split::Double | Split::DoubleEscape => Some(ValueProblem::Double),
        Split::Escape | Split::WhiteSpace => Some(ValueProblem::CutOff),
        Split::Complete => value_problem(value),
    };
    let message = match what {
        Some(ValueProblem::Single) => format!("unterminated single quote in the value of `{key}`"),
        Some(ValueProblem::Double) => format!("unterminated double quote in the value of `{key}`"),
        Some(ValueProblem::Brace) => format!("unterminated `${{` in the value of `{key}`"),
        Some(ValueProblem::Escape) => format!(
            "unsupported backslash escape in the value of `{key}` (known: `\\\\`, `\\'`, \
             `\\\"`, `\\$`, `\\n` and a backslash before a space)"
        ),
        Some(ValueProblem::Space) => format!(
            "unquoted whitespace inside the value of `{key}` (quote the value, or put a \
             comment after ` #`)"
        ),
        Some(ValueProblem::CutOff) => format!(
            "the file ends in the value of `{key}` after a backslash or whitespace, without \
             a line break"
        ),
        None => format!("cannot parse the value of `{key}`"),
    };
    (Some(key.to_string()), message)
}

/// Splits a definition like dotenvy does (`[export] NAME = value`), returning the name and
/// the value text, or `None` when the line is not of that shape.
fn split_definition(text: &str) -> Option<(&str, &str)> {
    let (key, rest) = split_name(text)?;
    let rest = rest.trim_start();
    if let Some(value) = rest.strip_prefix('=') {
        return Some((key, value.trim_start()));
    }
    if key != "export" {
        return None;
    }
    let (key, rest) = split_name(rest)?;
    let value = rest.trim_start().strip_prefix('=')?;
    Some((key, value.trim_start()))
}

/// A leading dotenvy name (`[A-Za-z_][A-Za-z0-9_.]*`) and the text after it.
fn split_name(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    Some(text.split_at(end))
}

/// What is wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueProblem {
    Single,
    Double,
    Brace,
    Escape,
    Space,
    CutOff,
}

/// Where substitution stands in dotenvy's value parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Substitution {
    None,
    /// After `$`; `true` once a name character was read.
    Name(bool),
    /// Inside `${…}`.
    Braced,
}

/// Runs dotenvy's value parser (`parse_value`) without building the value, returning
/// the first problem it would report.
fn value_problem(value: &str) -> Option<ValueProblem> {
    let mut single = false;
    let mut double = false;
    let mut escaped = false;
    let mut expecting_end = false;
    let mut substitution = Substitution::None;
    for c in value.chars() {
        if expecting_end {
            match c {
                ' ' | '\t' => {}
                '#' => break,
                _ => return Some(ValueProblem::Space),
            }
        } else if escaped {
            if !matches!(c, '\\' | '\'' | '"' | '$' | ' ' | 'n') {
                return Some(ValueProblem::Escape);
            }
            escaped = false;
        } else if single {
            single = c != '\'';
        } else if substitution != Substitution::None {
            // dotenvy quirk kept on purpose: the character ending a `$NAME` is taken
            // literally, even a quote, so `"a$"` leaves the double quote open.
            substitution = match (substitution, c) {
                (Substitution::Name(_), c) if c.is_alphanumeric() => Substitution::Name(true),
                (Substitution::Name(false), '{') => Substitution::Braced,
                (Substitution::Name(_), '$') => Substitution::Name(false),
                (Substitution::Name(_), _) => Substitution::None,
                (_, '}') => Substitution::None,
                (state, _) => state,
            };
        } else if c == '$' {
            substitution = Substitution::Name(false);
        } else if double {
            match c {
                '"' => double = false,
                '\\' => escaped = true,
                _ => {}
            }
        } else {
            match c {
                '\'' => single = true,
                '"' => double = true,
                '\\' => escaped = true,
                ' ' | '\t' => expecting_end = true,
                _ => {}
            }
        }
    }
    if substitution == Substitution::Braced {
        Some(ValueProblem::Brace)
    } else if single {
        Some(ValueProblem::Single)
    } else if double {
        Some(ValueProblem::Double)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn load(contents: &str) -> Result<IndexMap<String, String>, DotenvError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, contents).unwrap();
        load_dotenv(&path).map_err(|err| DotenvError {
            path: PathBuf::from(".env"),
            ..err
        })
    }

    #[test]
    fn missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_dotenv(&dir.path().join(".env")).unwrap().is_empty());
    }

    #[test]
    fn quotes_comments_and_export() {
        let vars = load(concat!(
            "# a comment\n",
            "\n",
            "PLAIN=value\n",
            "export EXPORTED=yes\n",
            "SINGLE='it has $NO expansion'\n",
            "DOUBLE=\"two words\"\n",
            "TRAILING=kept # comment dropped\n",
            "EMPTY=\n",
            "MULTI=\"line1\nline2\"\n",
        ))
        .unwrap();
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("PLAIN", "value"),
                ("EXPORTED", "yes"),
                ("SINGLE", "it has $NO expansion"),
                ("DOUBLE", "two words"),
                ("TRAILING", "kept"),
                ("EMPTY", ""),
                ("MULTI", "line1\nline2"),
            ]
        );
    }

    #[test]
    fn later_definition_wins_but_keeps_position() {
        let vars = load("A=1\nB=2\nA=3\n").unwrap();
        assert_eq!(
            vars.get_index(0),
            Some((&"A".to_string(), &"3".to_string()))
        );
        assert_eq!(vars.len(), 2);
    }

    #[test]
    fn a_dollar_that_starts_no_variable_is_refused_not_dropped() {
        for text in [
            "A=1\nB=S3CR$\n",
            "B=S3CR$$word\n",
            "B=\"S3CR$\"\n",
            "B=\"S3CR$$w\"\n",
            "B=S3CR$ y\n",
        ] {
            let err = load(text).unwrap_err();
            assert_eq!(err.key.as_deref(), Some("B"), "{text:?}: {err}");
            assert!(
                err.message.contains("starts no variable"),
                "{text:?}: {err}"
            );
            assert!(!format!("{err:?}").contains("S3CR"), "{err}");
        }
        let err = load("A=1\nB=S3CR$\n").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn a_variable_before_the_closing_quote_says_to_use_braces() {
        let err = load("B=\"x $HOME\"\n").unwrap_err();
        assert!(err.message.contains("write it `${NAME}`"), "{err}");
        assert!(!err.message.contains("HOME"), "{err}");
    }

    #[test]
    fn literal_dollars_can_be_written() {
        let vars = load("A='pa$$word'\nB=\"pa\\$word\"\nC=${A}x\nD=\"${A} y\"\n").unwrap();
        assert_eq!(vars.get("A").map(String::as_str), Some("pa$$word"));
        assert_eq!(vars.get("B").map(String::as_str), Some("pa$word"));
        assert_eq!(vars.get("C").map(String::as_str), Some("pa$$wordx"));
        assert_eq!(vars.get("D").map(String::as_str), Some("pa$$word y"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_located_and_not_quoted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, b"A=1\nSECRET=s3cr\xffet\n").unwrap();
        let err = load_dotenv(&path).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("UTF-8"), "{}", err.message);
        assert!(!err.to_string().contains("s3cr"), "{err}");
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let vars = load("\u{feff}KEY=v\n").unwrap();
        assert_eq!(vars.get("KEY").map(String::as_str), Some("v"));
    }

    #[test]
    fn parse_error_reports_line_number() {
        let err = load("A=1\n# note\nB=2\nBAD LINE HERE\nC=3\n").unwrap_err();
        assert_eq!(err.line, Some(4));
        assert_eq!(err.key, None);
        assert_eq!(
            err.to_string(),
            "invalid .env file `.env` at line 4: expected `KEY=value`, with a name of ASCII \
             letters, digits, `_` and `.` that does not start with a digit"
        );
    }

    #[test]
    fn unterminated_quote_reports_its_line_and_key() {
        let err = load("A=1\nB=\"open\nC=3\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err:?}");
        assert_eq!(err.key.as_deref(), Some("B"));
        assert_eq!(
            err.to_string(),
            "invalid .env file `.env` at line 2: unterminated double quote in the value of `B`"
        );
    }

    /// The marker every malformed value below carries.
    const SECRET: &str = "hunter2SECRET";

    /// Malformed files, each with the line and key the error must name (`None`: the line is
    /// not `KEY=value`) and words its message must contain.
    #[allow(clippy::too_many_lines, reason = "a table of cases")]
    fn malformed() -> Vec<(String, usize, Option<&'static str>, &'static str)> {
        let s = SECRET;
        vec![
            (
                format!("KEY=\"unterminated {s}\n"),
                1,
                Some("KEY"),
                "unterminated double quote",
            ),
            (
                format!("A=1\nKEY=\"unterminated {s}"),
                2,
                Some("KEY"),
                "unterminated double quote",
            ),
            (
                format!("A=1\n\nKEY='{s}\nB=2\n"),
                3,
                Some("KEY"),
                "unterminated single quote",
            ),
            // A backslash hides the closing quote from dotenvy's line splitter.
            (
                format!("KEY='{s}\\'\nB=2\n"),
                1,
                Some("KEY"),
                "unterminated single quote",
            ),
            (
                format!("export KEY=\"{s}\n"),
                1,
                Some("KEY"),
                "unterminated double quote",
            ),
            (
                format!("A=1\nKEY=\"{s}$\"\n"),
                2,
                Some("KEY"),
                "starts no variable",
            ),
            (
                format!("KEY=a${{{s}\n"),
                1,
                Some("KEY"),
                "unterminated `${`",
            ),
            (
                format!("KEY=\"{s}\\q\"\n"),
                1,
                Some("KEY"),
                "unsupported backslash escape",
            ),
            (
                format!("KEY={s}\\q\n"),
                1,
                Some("KEY"),
                "unsupported backslash escape",
            ),
            (
                format!("# c\nKEY=two {s}\n"),
                2,
                Some("KEY"),
                "unquoted whitespace",
            ),
            (
                format!("KEY = {s} {s}\n"),
                1,
                Some("KEY"),
                "unquoted whitespace",
            ),
            (
                format!("A=1\nKEY={s}\\"),
                2,
                Some("KEY"),
                "the file ends in the value",
            ),
            (
                format!("KEY={s} "),
                1,
                Some("KEY"),
                "the file ends in the value",
            ),
            (format!("{s}\n"), 1, None, "expected `KEY=value`"),
            (
                format!("A=1\n{s} is here\n"),
                2,
                None,
                "expected `KEY=value`",
            ),
            (format!("1{s}=x\n"), 1, None, "expected `KEY=value`"),
            (format!("MY-{s}=x\n"), 1, None, "expected `KEY=value`"),
            (format!("KEY {s}=x\n"), 1, None, "expected `KEY=value`"),
            (format!("\"KEY={s}\"\n"), 1, None, "expected `KEY=value`"),
            (
                format!("A=\"x\ny\"\nKEY=\"{s}\n"),
                3,
                Some("KEY"),
                "unterminated double quote",
            ),
            ("A=1\n   ".to_string(), 2, None, "only whitespace"),
        ]
    }

    #[test]
    fn malformed_lines_never_echo_the_value() {
        for (contents, line, key, words) in malformed() {
            let err = load(&contents).unwrap_err();
            let shown = format!("{err}\n{err:?}\n{}", err.message);
            assert!(!shown.contains(SECRET), "{contents:?}: {shown}");
            assert_eq!(err.line, Some(line), "{contents:?}: {shown}");
            assert!(
                err.to_string().contains(&format!("at line {line}")),
                "{shown}"
            );
            assert_eq!(err.key.as_deref(), key, "{contents:?}: {shown}");
            if let Some(key) = key {
                assert!(err.message.contains(&format!("`{key}`")), "{shown}");
            }
            assert!(err.message.contains(words), "{contents:?}: {shown}");
        }
    }

    include!("../tests/support/tricky_values.rs");

    /// Whatever dotenvy rejects, the diagnosis finds the line and never falls back to a
    /// vaguer message: checks the mirror of dotenvy's parser on raw, unquoted values.
    #[test]
    fn every_rejected_raw_value_is_diagnosed() {
        let mut rejected = 0;
        for value in tricky_values() {
            let contents = format!("A=1\nKEY={value}{SECRET}{value}\nB=2\n");
            let Err(err) = load(&contents) else { continue };
            rejected += 1;
            let shown = format!("{err}\n{err:?}");
            assert!(!shown.contains(SECRET), "{contents:?}: {shown}");
            assert!(err.line.is_some(), "{contents:?}: {shown}");
            assert!(!err.message.starts_with("cannot"), "{contents:?}: {shown}");
            if err.line == Some(2) {
                assert_eq!(err.key.as_deref(), Some("KEY"), "{contents:?}: {shown}");
            }
        }
        assert!(rejected > 100, "only {rejected} rejected values");
    }

    #[test]
    fn logical_lines_follow_dotenvy() {
        let contents = "A=1 # c\n# note\nB=\"x\ny\"\r\n  \nC='open\nD=2";
        let lines: Vec<(usize, &str, Split)> = logical_lines(contents)
            .into_iter()
            .map(|l| (l.number, l.text, l.end))
            .collect();
        assert_eq!(
            lines,
            [
                (1, "A=1 ", Split::Complete),
                (2, "", Split::Complete),
                (3, "B=\"x\ny\"", Split::Complete),
                (5, "  ", Split::Complete),
                (6, "C='open\nD=2", Split::Single),
            ]
        );
    }

    #[test]
    fn a_path_that_is_not_a_file_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_dotenv(dir.path()).unwrap_err();
        assert_eq!(err.path, dir.path());
        assert_eq!(err.line, None);
        assert_eq!(err.key, None);
        assert!(err.message.contains("not a regular file"), "{err}");
    }

    #[test]
    fn unreadable_file_reports_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
        std::os::unix::fs::symlink("loop", &path).unwrap();
        let err = load_dotenv(&path).unwrap_err();
        assert!(err.message.starts_with("cannot be read: "), "{err}");
    }
}
