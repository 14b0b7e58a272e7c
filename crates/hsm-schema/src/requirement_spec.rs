//! What a registry entry may write in a PyPI source's `spec`: a version specifier set or a
//! PEP 508 requirement.
//!
//! The `spec` text is handed to uv or pip, which used to be the first to notice `requests>>2`
//! or `>=`; by then hsm had already edited `pyproject.toml`. Checking the text when the
//! registry is read gives a located error and leaves the project untouched.
//!
//! # Accepted
//!
//! * A PEP 440 specifier set, comma-separated: `>=2`, `>=2,<3`, `==1.*`, `~=1.4`, `!=1.5`,
//!   `===weird`. Spaces around operators and commas are allowed and dropped.
//! * A PEP 508 requirement: `name[extra,…] specifiers ; marker`, the specifiers optionally in
//!   parentheses (`requests (>=2)`), e.g. `requests>=2.32`, `torch==2.3.0+cpu`,
//!   `requests[socks]>=2 ; python_version >= "3.10"`.
//! * A PEP 508 direct reference, `name @ URL ; marker`, where URL is `scheme://…` without
//!   whitespace (`https://…/x.whl`, `git+https://…@v1`, `file:///…`). It is parsed and kept
//!   in [`RequirementSpec::Requirement::url`]; whether a PyPI source may use one (it bypasses
//!   the index) is the caller's policy, see [`RequirementSpec::is_direct_reference`].
//!
//! # What is checked
//!
//! * Names (distribution and extras): PEP 508, see [`is_valid_distribution_name`].
//! * Versions: the full PEP 440 grammar (case-insensitive, with the normalisations PEP 440
//!   allows): optional `v`, epoch `1!`, release `1.2.3`, pre-release (`a`, `b`, `rc`, `c`,
//!   `alpha`, `beta`, `pre`, `preview`), post-release (`.post1`, `-1`, `rev`, `r`), dev release
//!   (`.dev0`), local version (`+cpu`), with `-`, `_` or `.` separators.
//! * Operators and where PEP 440 allows things: `.*` only after `==`/`!=` and only on a
//!   release (`==1.4.*`); local versions only after `==`, `!=` and `===`; `~=` needs at least
//!   two release numbers; `===` takes any text without whitespace or `,`.
//! * Markers: the PEP 508 grammar (`and`, `or`, parentheses, comparison, `in`, `not in`)
//!   over the standard marker variables and quoted strings.
//!
//! # What is not checked
//!
//! * Whether a version or package exists, or whether specifiers contradict (`>3,<2`).
//! * The values compared in markers (`python_version >= "three"` passes).
//! * URLs beyond `scheme://rest` without whitespace.
//! * A requirement whose whole text is a version (`2.0`) is rejected with a hint to write
//!   `==2.0`, although PEP 508 would read it as a distribution named `2.0`.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::quote::{code, not_a};

const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];
const OPERATORS_SHOWN: &str = "`==`, `!=`, `<=`, `>=`, `<`, `>`, `~=` or `===`";
const VERSION_EXPECTED: &str =
    "expected a PEP 440 version such as `1.2`, `2.0.0rc1`, `1.0.post1` or `1!2.0`";
const NAME_EXPECTED: &str =
    "expected ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit";
const MARKER_VARIABLES: [&str; 14] = [
    "python_version",
    "python_full_version",
    "os_name",
    "sys_platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform_machine",
    "platform_python_implementation",
    "implementation_name",
    "implementation_version",
    "extra",
    "extras",
    "dependency_groups",
];

/// A checked PyPI `spec`: a bare specifier set or a full requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequirementSpec {
    /// A version specifier set, whitespace removed: `>=2,<3`.
    Specifier(String),
    /// A PEP 508 requirement.
    Requirement {
        /// Distribution name as written (see [`normalize_name`] for comparisons).
        name: String,
        /// Extras as written, in order.
        extras: Vec<String>,
        /// Specifier set, whitespace and parentheses removed; empty when there is none.
        specifier: String,
        /// Environment marker as written (trimmed), without the `;`.
        marker: Option<String>,
        /// Direct reference URL (`name @ URL`); `specifier` is then empty.
        url: Option<String>,
    },
}

/// PEP 503 normal form of a distribution name (surrounding whitespace ignored): lower case,
/// each run of `-`, `_`, `.` as `-`.
pub fn normalize_name(name: &str) -> String {
    let name = name.trim();
    if is_normalized(name) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    if name.is_ascii() {
        // Names are ASCII in practice; bytes avoid the Unicode case tables (this runs for
        // every registry file on every command).
        for &b in name.as_bytes() {
            if matches!(b, b'-' | b'_' | b'.') {
                if !in_run {
                    out.push('-');
                }
                in_run = true;
            } else {
                out.push(char::from(b.to_ascii_lowercase()));
                in_run = false;
            }
        }
        return out;
    }
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// The distribution name a PEP 508 requirement string starts with (leading whitespace
/// allowed, as PEP 508 does), as written; empty when there is none.
pub fn requirement_name(spec: &str) -> &str {
    let spec = spec.trim_start();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    &spec[..end]
}

/// Whether two distribution names are one under PEP 503 (`Six` = `six`, `a_b` = `a.b`),
/// compared without building either normal form.
pub fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        return same_ascii_name(a.as_bytes(), b.as_bytes());
    }
    fn normal(s: &str) -> impl Iterator<Item = char> + '_ {
        let mut in_run = false;
        s.trim().chars().filter_map(move |c| {
            if matches!(c, '-' | '_' | '.') {
                let first = !in_run;
                in_run = true;
                first.then_some('-')
            } else {
                in_run = false;
                Some(c)
            }
        })
    }
    let mut x = normal(a).flat_map(char::to_lowercase);
    let mut y = normal(b).flat_map(char::to_lowercase);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (p, q) if p == q => {}
            _ => return false,
        }
    }
}

/// [`same_name`] on ASCII bytes: compared byte by byte, each run of `-`, `_`, `.` as one.
fn same_ascii_name(a: &[u8], b: &[u8]) -> bool {
    let sep = |c: u8| matches!(c, b'-' | b'_' | b'.');
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (None, None) => return true,
            (Some(&x), Some(&y)) if sep(x) && sep(y) => {
                while a.get(i).is_some_and(|&c| sep(c)) {
                    i += 1;
                }
                while b.get(j).is_some_and(|&c| sep(c)) {
                    j += 1;
                }
            }
            (Some(&x), Some(&y)) if !sep(x) && x.eq_ignore_ascii_case(&y) => {
                i += 1;
                j += 1;
            }
            _ => return false,
        }
    }
}

/// Whether `name` is already in PEP 503 normal form (lower-case ASCII letters, digits and
/// single `-`), the common case that needs no rewriting.
fn is_normalized(name: &str) -> bool {
    let mut previous_dash = false;
    name.bytes().all(|b| {
        let dash = b == b'-';
        let ok = b.is_ascii_lowercase() || b.is_ascii_digit() || (dash && !previous_dash);
        previous_dash = dash;
        ok
    })
}

/// Whether `name` is a PEP 508 distribution (or extra) name: ASCII letters and digits, with
/// `-`, `_` and `.` allowed inside, starting and ending with a letter or digit.
pub fn is_valid_distribution_name(name: &str) -> bool {
    let b = name.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// Whether `version` is a valid PEP 440 version (local versions such as `2.3.0+cpu`
/// included; no wildcard).
pub fn is_valid_version(version: &str) -> bool {
    parse_version(version).is_some()
}

/// What PEP 440 parsing learnt about a version.
struct VersionShape {
    release_numbers: usize,
    release_only: bool,
    local: Option<usize>,
}

fn digits_at(b: &[u8], i: usize) -> usize {
    b.get(i..).map_or(0, |rest| {
        rest.iter().take_while(|c| c.is_ascii_digit()).count()
    })
}

fn is_sep(c: Option<&u8>) -> bool {
    matches!(c, Some(b'-' | b'_' | b'.'))
}

/// The index after `[sep]label` at `i`, trying `labels` in order (longest first).
fn label_at(b: &[u8], i: usize, labels: &[&str]) -> Option<usize> {
    let j = if is_sep(b.get(i)) { i + 1 } else { i };
    let rest = b.get(j..)?;
    labels
        .iter()
        .find(|l| rest.starts_with(l.as_bytes()))
        .map(|l| j + l.len())
}

/// The index after an optional `[sep]digits` at `i`.
fn number_at(b: &[u8], i: usize) -> usize {
    let j = if is_sep(b.get(i)) { i + 1 } else { i };
    match digits_at(b, j) {
        0 => i,
        n => j + n,
    }
}

/// Parses a PEP 440 version (the grammar of PEP 440's appendix), case-insensitively.
fn parse_version(version: &str) -> Option<VersionShape> {
    let lower = version.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'v'));
    let epoch = digits_at(b, i);
    if epoch > 0 && b.get(i + epoch) == Some(&b'!') {
        i += epoch + 1;
    }
    let first = digits_at(b, i);
    if first == 0 {
        return None;
    }
    i += first;
    let mut release_numbers = 1;
    while b.get(i) == Some(&b'.') && digits_at(b, i + 1) > 0 {
        i += 1 + digits_at(b, i + 1);
        release_numbers += 1;
    }
    let release_end = i;
    if let Some(j) = label_at(
        b,
        i,
        &["preview", "alpha", "beta", "pre", "rc", "a", "b", "c"],
    ) {
        i = number_at(b, j);
    }
    if b.get(i) == Some(&b'-') && digits_at(b, i + 1) > 0 {
        i += 1 + digits_at(b, i + 1);
    } else if let Some(j) = label_at(b, i, &["post", "rev", "r"]) {
        i = number_at(b, j);
    }
    if let Some(j) = label_at(b, i, &["dev"]) {
        i = number_at(b, j);
    }
    let release_only = i == release_end;
    let mut local = None;
    if b.get(i) == Some(&b'+') {
        local = Some(i);
        i += 1;
        loop {
            let n = b.get(i..).map_or(0, |r| {
                r.iter().take_while(|c| c.is_ascii_alphanumeric()).count()
            });
            if n == 0 {
                return None;
            }
            i += n;
            if is_sep(b.get(i)) {
                i += 1;
            } else {
                break;
            }
        }
    }
    (i == b.len()).then_some(VersionShape {
        release_numbers,
        release_only,
        local,
    })
}

/// Checks one `op version` clause and returns it without inner whitespace.
fn parse_clause(clause: &str, whole: &str) -> Result<String, String> {
    let context = |msg: String| {
        if clause == whole {
            msg
        } else {
            format!("{msg} (in {})", code(whole))
        }
    };
    let Some(op) = OPERATORS.iter().find(|op| clause.starts_with(**op)) else {
        return Err(format!(
            "{}: expected an operator ({OPERATORS_SHOWN}) followed by a version, as in `>=2.0`",
            not_a(clause, whole, "a version specifier")
        ));
    };
    let version = clause[op.len()..].trim();
    if version.is_empty() {
        return Err(context(format!(
            "{} has no version: expected a version after `{op}`, as in `{op}2.0`",
            code(clause)
        )));
    }
    if version.starts_with(['<', '>', '=', '!', '~']) {
        return Err(format!(
            "{}: expected one operator ({OPERATORS_SHOWN}) followed by a version, as in `>=2.0`",
            not_a(clause, whole, "a version specifier")
        ));
    }
    if *op == "===" {
        if version.contains(char::is_whitespace) {
            return Err(context(format!(
                "{}: `===` takes one word without spaces",
                code(clause)
            )));
        }
        return Ok(format!("{op}{version}"));
    }
    if let Some(prefix) = version.strip_suffix(".*") {
        if !matches!(*op, "==" | "!=") {
            return Err(context(format!(
                "{}: a `.*` wildcard is only allowed after `==` or `!=`",
                code(clause)
            )));
        }
        return match parse_version(prefix) {
            Some(shape) if shape.release_only && shape.local.is_none() => {
                Ok(format!("{op}{version}"))
            }
            _ => Err(context(format!(
                "{}: a `.*` wildcard must follow release numbers only, as in `{op}1.4.*`",
                code(clause)
            ))),
        };
    }
    let Some(shape) = parse_version(version) else {
        return Err(format!(
            "{}: {VERSION_EXPECTED}",
            not_a(version, whole, "a valid version")
        ));
    };
    if let Some(at) = shape.local
        && !matches!(*op, "==" | "!=")
    {
        return Err(context(format!(
            "{}: a local version label ({}) is only allowed after `==`, `!=` or `===`",
            code(clause),
            code(&version[at..])
        )));
    }
    if *op == "~=" && shape.release_numbers < 2 {
        return Err(context(format!(
            "{}: `~=` needs at least two release numbers, as in `~={version}.0`",
            code(clause)
        )));
    }
    Ok(format!("{op}{version}"))
}

/// Checks a comma-separated specifier set and returns it without whitespace.
fn parse_specifier_set(text: &str, whole: &str) -> Result<String, String> {
    let mut clauses = Vec::new();
    for clause in text.split(',') {
        let clause = clause.trim();
        if clause.is_empty() {
            return Err(format!(
                "{} has an empty specifier: expected specifiers separated by single commas, as \
                 in `>=2,<3`",
                code(whole)
            ));
        }
        clauses.push(parse_clause(clause, whole)?);
    }
    Ok(clauses.join(","))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Str(&'a str),
    Word(&'a str),
    Op(&'a str),
}

fn tokenize(marker: &str) -> Result<Vec<Token<'_>>, String> {
    let b = marker.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'(' {
            out.push(Token::Open);
            i += 1;
        } else if c == b')' {
            out.push(Token::Close);
            i += 1;
        } else if c == b'"' || c == b'\'' {
            let Some(len) = b[i + 1..].iter().position(|&q| q == c) else {
                return Err(format!(
                    "the string starting at {} is not closed",
                    code(&marker[i..])
                ));
            };
            out.push(Token::Str(&marker[i + 1..i + 1 + len]));
            i += len + 2;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let len = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
                .count();
            out.push(Token::Word(&marker[i..i + len]));
            i += len;
        } else if let Some(op) = OPERATORS
            .iter()
            .find(|op| b[i..].starts_with(op.as_bytes()))
        {
            out.push(Token::Op(op));
            i += op.len();
        } else {
            let rest: String = marker[i..].chars().take(1).collect();
            return Err(format!("{} is not allowed here", code(&rest)));
        }
    }
    Ok(out)
}

/// A recursive-descent check of the PEP 508 marker grammar.
struct MarkerParser<'a> {
    tokens: Vec<Token<'a>>,
    at: usize,
}

impl<'a> MarkerParser<'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.at).copied()
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let t = self.peek();
        self.at += 1;
        t
    }

    fn shown(t: Option<Token<'_>>) -> String {
        match t {
            None => "the end".into(),
            Some(Token::Open) => "`(`".into(),
            Some(Token::Close) => "`)`".into(),
            Some(Token::Str(s)) => format!("`\"{s}\"`"),
            Some(Token::Word(w) | Token::Op(w)) => code(w),
        }
    }

    fn or_expr(&mut self) -> Result<(), String> {
        self.and_expr()?;
        while self.peek() == Some(Token::Word("or")) {
            self.at += 1;
            self.and_expr()?;
        }
        Ok(())
    }

    fn and_expr(&mut self) -> Result<(), String> {
        self.atom()?;
        while self.peek() == Some(Token::Word("and")) {
            self.at += 1;
            self.atom()?;
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<(), String> {
        if self.peek() == Some(Token::Open) {
            self.at += 1;
            self.or_expr()?;
            return match self.next() {
                Some(Token::Close) => Ok(()),
                t => Err(format!("expected `)`, found {}", Self::shown(t))),
            };
        }
        self.value()?;
        match self.next() {
            Some(Token::Op(_) | Token::Word("in")) => {}
            Some(Token::Word("not")) if self.peek() == Some(Token::Word("in")) => self.at += 1,
            t => {
                return Err(format!(
                    "expected a comparison ({OPERATORS_SHOWN}, `in` or `not in`), found {}",
                    Self::shown(t)
                ));
            }
        }
        self.value()
    }

    fn value(&mut self) -> Result<(), String> {
        match self.next() {
            Some(Token::Str(_)) => Ok(()),
            Some(Token::Word(w)) if MARKER_VARIABLES.contains(&w) => Ok(()),
            Some(Token::Word(w)) if !matches!(w, "and" | "or" | "in" | "not") => Err(format!(
                "{} is not a marker variable: expected one of {}, or a quoted string",
                code(w),
                MARKER_VARIABLES.map(|v| format!("`{v}`")).join(", ")
            )),
            t => Err(format!(
                "expected a marker variable such as `python_version` or a quoted string, found \
                 {}",
                Self::shown(t)
            )),
        }
    }
}

fn check_marker(marker: &str, whole: &str) -> Result<(), String> {
    let wrap = |why: String| format!("{}: {why}", not_a(marker, whole, "a valid marker"));
    let tokens = tokenize(marker).map_err(wrap)?;
    let mut p = MarkerParser { tokens, at: 0 };
    p.or_expr().map_err(wrap)?;
    match p.peek() {
        None => Ok(()),
        t => Err(wrap(format!(
            "expected `and`, `or` or the end, found {}",
            MarkerParser::shown(t)
        ))),
    }
}

/// Whether `s` is `scheme://rest` with a non-empty rest.
fn is_url(s: &str) -> bool {
    s.split_once("://").is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn parse_marker_tail(rest: &str, whole: &str) -> Result<Option<String>, String> {
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok(None);
    }
    let Some(marker) = rest.strip_prefix(';') else {
        return Err(format!(
            "{} is not a requirement: unexpected {}; expected `; MARKER` or the end",
            code(whole),
            code(rest)
        ));
    };
    let marker = marker.trim();
    if marker.is_empty() {
        return Err(format!(
            "{} ends with `;`: expected an environment marker after it, as in \
             `; python_version >= \"3.10\"`",
            code(whole)
        ));
    }
    check_marker(marker, whole)?;
    Ok(Some(marker.to_string()))
}

/// The distribution name at the start of `t`, and the rest.
fn split_name<'t>(t: &'t str, whole: &str) -> Result<(&'t str, &'t str), String> {
    let name_len = t
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        .count();
    let (name, rest) = t.split_at(name_len);
    if name.is_empty() {
        return Err(format!(
            "{} is not a requirement: expected a distribution name such as `requests`, or a \
             version specifier such as `>=2`",
            code(whole)
        ));
    }
    if !is_valid_distribution_name(name) {
        return Err(format!(
            "{}: {NAME_EXPECTED}",
            not_a(name, whole, "a valid distribution name")
        ));
    }
    Ok((name, rest.trim_start()))
}

/// `[extra, …]` at the start of `rest` (if any), and what follows.
fn split_extras<'t>(rest: &'t str, whole: &str) -> Result<(Vec<String>, &'t str), String> {
    let Some(after) = rest.strip_prefix('[') else {
        return Ok((Vec::new(), rest));
    };
    let Some((inner, after)) = after.split_once(']') else {
        return Err(format!(
            "{} has an unclosed `[`: expected extras such as `[socks]`",
            code(whole)
        ));
    };
    let mut extras = Vec::new();
    if !inner.trim().is_empty() {
        for extra in inner.split(',').map(str::trim) {
            if !is_valid_distribution_name(extra) {
                return Err(format!(
                    "{}: {NAME_EXPECTED}",
                    not_a(extra, whole, "a valid extra name")
                ));
            }
            extras.push(extra.to_string());
        }
    }
    Ok((extras, after.trim_start()))
}

/// `URL [; marker]` after `@`: the URL and the marker.
fn url_reference(after: &str, whole: &str) -> Result<(String, Option<String>), String> {
    let after = after.trim_start();
    let url_len = after.find(char::is_whitespace).unwrap_or(after.len());
    let (url, tail) = after.split_at(url_len);
    if url.is_empty() {
        return Err(format!(
            "{} ends with `@`: expected a URL after it, as in \
             `name @ https://example.com/pkg-1.0-py3-none-any.whl`",
            code(whole)
        ));
    }
    if (url.contains(';') && tail.trim().is_empty()) || url.ends_with(';') {
        return Err(format!(
            "{}: put a space before the `;` that follows a URL",
            code(whole)
        ));
    }
    if !is_url(url) {
        return Err(format!(
            "{}: expected a URL such as `https://example.com/pkg-1.0-py3-none-any.whl` \
             after `@`",
            not_a(url, whole, "a URL")
        ));
    }
    Ok((url.to_string(), parse_marker_tail(tail, whole)?))
}

/// `[(]specifiers[)] [; marker]` after the name: the specifier set and the marker.
fn specifiers(rest: &str, name: &str, whole: &str) -> Result<(String, Option<String>), String> {
    let (spec, tail) = if let Some(after) = rest.strip_prefix('(') {
        let Some((inner, tail)) = after.split_once(')') else {
            return Err(format!(
                "{} has an unclosed `(`: expected `)` after the version specifiers",
                code(whole)
            ));
        };
        (inner.trim(), tail)
    } else {
        let end = rest.find(';').unwrap_or(rest.len());
        (rest[..end].trim(), &rest[end..])
    };
    if !spec.is_empty() && !spec.starts_with(['<', '>', '=', '!', '~']) {
        return Err(format!(
            "{} is not a requirement: unexpected {} after the name {}; expected `[EXTRAS]`, a \
             version specifier such as `>=2`, `@ URL` or `; MARKER`",
            code(whole),
            code(rest),
            code(name)
        ));
    }
    let specifier = if spec.is_empty() {
        String::new()
    } else {
        parse_specifier_set(spec, whole)?
    };
    Ok((specifier, parse_marker_tail(tail, whole)?))
}

fn parse_requirement(t: &str, whole: &str) -> Result<RequirementSpec, String> {
    if parse_version(t).is_some() {
        return Err(format!(
            "{} is a version, not a specifier: write `=={t}` to pin it, or `>={t}` for a \
             minimum",
            code(whole)
        ));
    }
    let (name, rest) = split_name(t, whole)?;
    let (extras, rest) = split_extras(rest, whole)?;
    let (specifier, url, marker) = match rest.strip_prefix('@') {
        Some(after) => {
            let (url, marker) = url_reference(after, whole)?;
            (String::new(), Some(url), marker)
        }
        None => {
            let (specifier, marker) = specifiers(rest, name, whole)?;
            (specifier, None, marker)
        }
    };
    Ok(RequirementSpec::Requirement {
        name: name.to_string(),
        extras,
        specifier,
        marker,
        url,
    })
}

impl RequirementSpec {
    /// Parses a specifier set (text starting with an operator) or a PEP 508 requirement.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err(
                "an empty requirement: expected a version specifier such as `>=2` or \
                        a requirement such as `requests>=2`"
                    .into(),
            );
        }
        if t.chars().any(char::is_control) {
            return Err(format!(
                "{} is not a requirement: it contains control characters",
                code(s)
            ));
        }
        if t.starts_with(['<', '>', '=', '!', '~']) {
            return parse_specifier_set(t, t).map(Self::Specifier);
        }
        parse_requirement(t, t)
    }

    /// The distribution name of a requirement.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Specifier(_) => None,
            Self::Requirement { name, .. } => Some(name),
        }
    }

    /// The specifier set (empty for a requirement without one or with a URL).
    pub fn specifier(&self) -> &str {
        match self {
            Self::Specifier(s) | Self::Requirement { specifier: s, .. } => s,
        }
    }

    /// Whether it is a `name @ URL` direct reference, which installs from the URL instead of
    /// the package index.
    pub fn is_direct_reference(&self) -> bool {
        matches!(self, Self::Requirement { url: Some(_), .. })
    }
}

impl fmt::Display for RequirementSpec {
    /// The normal form: `name[a,b]>=2,<3; marker`, `name @ URL ; marker`, or the specifiers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Specifier(s) => f.write_str(s),
            Self::Requirement {
                name,
                extras,
                specifier,
                marker,
                url,
            } => {
                f.write_str(name)?;
                if !extras.is_empty() {
                    write!(f, "[{}]", extras.join(","))?;
                }
                match url {
                    Some(url) => write!(f, " @ {url}")?,
                    None => f.write_str(specifier)?,
                }
                if let Some(m) = marker {
                    // After a URL the space before `;` is required.
                    let sep = if url.is_some() { " ; " } else { "; " };
                    write!(f, "{sep}{m}")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for RequirementSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for RequirementSpec {
    /// The normal form as a string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

struct SpecVisitor;

impl Visitor<'_> for SpecVisitor {
    type Value = RequirementSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a version specifier such as `>=2` or a requirement such as `requests>=2`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RequirementSpec, E> {
        RequirementSpec::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RequirementSpec, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RequirementSpec, E> {
        self.visit_str(&v.to_string())
    }
}

impl<'de> Deserialize<'de> for RequirementSpec {
    /// A string; a bare YAML number such as `2.0` is read as its text (and rejected as a
    /// version with a hint).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(SpecVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn spec(s: &str) -> RequirementSpec {
        RequirementSpec::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        RequirementSpec::parse(s).unwrap_err()
    }

    #[test]
    fn specifier_sets() {
        for (s, normal) in [
            (">=2", ">=2"),
            (">=2,<3", ">=2,<3"),
            (" >= 2 , < 3 ", ">=2,<3"),
            ("==1.*", "==1.*"),
            ("!=1.5.*", "!=1.5.*"),
            ("~=1.4", "~=1.4"),
            ("~=1.4.5rc1", "~=1.4.5rc1"),
            ("!=1.5", "!=1.5"),
            ("===weird", "===weird"),
            ("===1.0+local", "===1.0+local"),
            ("==2.3.0+cpu", "==2.3.0+cpu"),
            (">1!2.0", ">1!2.0"),
            ("<=v1.0", "<=v1.0"),
        ] {
            assert_eq!(spec(s), RequirementSpec::Specifier(normal.into()), "{s}");
            assert_eq!(spec(s).to_string(), normal);
        }
    }

    #[test]
    fn pep440_versions() {
        for ok in [
            "1",
            "1.0",
            "1.2.3.4.5",
            "v1.0",
            "V1.0",
            "1!2.0",
            "1.0a1",
            "1.0a",
            "1.0.a.1",
            "1.0-alpha-1",
            "1.0b2",
            "1.0beta",
            "1.0rc1",
            "1.0c1",
            "1.0pre1",
            "1.0preview2",
            "1.0.post1",
            "1.0post",
            "1.0-1",
            "1.0_r2",
            "1.0rev3",
            "1.0.dev0",
            "1.0dev",
            "1.0a1.post2.dev3",
            "1.0+cpu",
            "1.0+cu121",
            "1.0+abc.5",
            "1.0+a-b_c",
            "2024.1",
            "1.0RC1",
            "1.0.POST1",
            "1.0rc1-1",
        ] {
            assert!(is_valid_version(ok), "{ok}");
        }
        for bad in [
            "",
            "v",
            "1.",
            ".1",
            "1..0",
            "1.0+",
            "1.0+a..b",
            "1.0+a+b",
            "1.0-",
            "a1",
            "1.0x",
            "1.0-dev-dev",
            "1!",
            "!1",
            "1.0 ",
            "1,0",
            "1.*",
            "one",
        ] {
            assert!(!is_valid_version(bad), "{bad}");
        }
    }

    #[test]
    fn requirements() {
        assert_eq!(
            spec("requests>=2.32"),
            RequirementSpec::Requirement {
                name: "requests".into(),
                extras: vec![],
                specifier: ">=2.32".into(),
                marker: None,
                url: None,
            }
        );
        let r = spec("requests[socks]>=2 ; python_version >= \"3.10\"");
        assert_eq!(
            r,
            RequirementSpec::Requirement {
                name: "requests".into(),
                extras: vec!["socks".into()],
                specifier: ">=2".into(),
                marker: Some("python_version >= \"3.10\"".into()),
                url: None,
            }
        );
        assert_eq!(
            r.to_string(),
            "requests[socks]>=2; python_version >= \"3.10\""
        );
        assert_eq!(spec("torch==2.3.0+cpu").specifier(), "==2.3.0+cpu");
        assert_eq!(spec("Django").to_string(), "Django");
        assert_eq!(spec("requests (>=2, <3)").to_string(), "requests>=2,<3");
        assert_eq!(spec("a[x, y-z] >=1").to_string(), "a[x,y-z]>=1");
        assert_eq!(spec("a[]").to_string(), "a");
        assert_eq!(spec("zope.interface~=5.0").name(), Some("zope.interface"));
        assert_eq!(
            spec("pywin32; sys_platform == 'win32' and (python_version < '3.12' or extra == 'x')")
                .to_string(),
            "pywin32; sys_platform == 'win32' and (python_version < '3.12' or extra == 'x')"
        );
        assert!(spec("a; 'linux' in sys_platform").name().is_some());
        assert!(
            spec("a; sys_platform not in 'win32 cygwin'")
                .name()
                .is_some()
        );
    }

    #[test]
    fn direct_references() {
        let r = spec("pkg @ https://example.com/pkg-1.0-py3-none-any.whl");
        assert!(r.is_direct_reference());
        assert_eq!(r.specifier(), "");
        assert_eq!(
            r.to_string(),
            "pkg @ https://example.com/pkg-1.0-py3-none-any.whl"
        );
        let r = spec("pkg[x]@git+https://github.com/o/pkg@v1 ; python_version>'3'");
        assert_eq!(
            r.to_string(),
            "pkg[x] @ git+https://github.com/o/pkg@v1 ; python_version>'3'"
        );
        assert_eq!(spec(&r.to_string()), r);
        assert!(err("pkg @ not-a-url").contains("`not-a-url` in `pkg @ not-a-url` is not a URL"));
        assert!(err("pkg @ https://x/y.whl;python_version>'3'").contains("put a space"));
        assert!(err("pkg @").contains("ends with `@`"));
    }

    #[test]
    fn exact_errors() {
        assert_eq!(
            err(""),
            "an empty requirement: expected a version specifier such as `>=2` or a requirement \
             such as `requests>=2`"
        );
        assert_eq!(
            err(">="),
            "`>=` has no version: expected a version after `>=`, as in `>=2.0`"
        );
        assert_eq!(
            err("requests>>2"),
            "`>>2` in `requests>>2` is not a version specifier: expected one operator (`==`, \
             `!=`, `<=`, `>=`, `<`, `>`, `~=` or `===`) followed by a version, as in `>=2.0`"
        );
        assert_eq!(
            err("not a spec!!"),
            "`not a spec!!` is not a requirement: unexpected `a spec!!` after the name `not`; \
             expected `[EXTRAS]`, a version specifier such as `>=2`, `@ URL` or `; MARKER`"
        );
        assert_eq!(
            err(">=2.x"),
            "`2.x` in `>=2.x` is not a valid version: expected a PEP 440 version such as `1.2`, \
             `2.0.0rc1`, `1.0.post1` or `1!2.0`"
        );
        assert_eq!(
            err("2.0"),
            "`2.0` is a version, not a specifier: write `==2.0` to pin it, or `>=2.0` for a \
             minimum"
        );
    }

    #[test]
    fn placement_errors() {
        assert!(err(">=1.*").contains("only allowed after `==` or `!=`"));
        assert!(err("==1.0a1.*").contains("must follow release numbers only"));
        assert_eq!(
            err(">=1.0+cpu"),
            "`>=1.0+cpu`: a local version label (`+cpu`) is only allowed after `==`, `!=` or \
             `===`"
        );
        assert_eq!(
            err("torch~=2"),
            "`~=2`: `~=` needs at least two release numbers, as in `~=2.0` (in `torch~=2`)"
        );
        assert!(err(">=2,,<3").contains("empty specifier"));
        assert!(err(">=2,").contains("empty specifier"));
        assert!(err("=2").contains("is not a version specifier"));
        assert_eq!(spec("=== a"), RequirementSpec::Specifier("===a".into()));
        assert!(err("===a b").contains("one word"));
    }

    #[test]
    fn name_and_marker_errors() {
        assert!(err("-requests").contains("`-requests` is not a valid distribution name"));
        assert!(err("[x]").contains("expected a distribution name"));
        assert_eq!(
            err("requests-"),
            "`requests-` is not a valid distribution name: expected ASCII letters, digits, `-`, \
             `_` and `.`, starting and ending with a letter or digit"
        );
        assert!(err("a[b c]").contains("`b c` in `a[b c]` is not a valid extra name"));
        assert!(err("a[x").contains("unclosed `[`"));
        assert!(err("a (>=1").contains("unclosed `(`"));
        assert!(err("a;").contains("ends with `;`"));
        assert!(
            err("a; python_verison > '3'").contains("`python_verison` is not a marker variable")
        );
        assert!(err("a; python_version >> '3'").contains("is not a valid marker"));
        assert!(err("a; python_version > '3").contains("is not closed"));
        assert!(err("a; (python_version > '3'").contains("expected `)`"));
        assert!(err("a; python_version > '3' or").contains("found the end"));
        assert!(err("a; python_version").contains("expected a comparison"));
        assert!(err("a; os_name == 'nt' os_name == 'posix'").contains("expected `and`, `or`"));
        assert!(err("a>=1 extra").contains("is not a valid version"));
        assert!(err("a\u{7}").contains("control characters"));
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("Foo.Bar__baz-_-Qux"), "foo-bar-baz-qux");
        assert_eq!(normalize_name("requests"), "requests");
        for (a, b) in [
            ("Six", "six"),
            ("a_b", "A.B"),
            ("x--y", "x-y"),
            (" p ", "p"),
        ] {
            assert!(same_name(a, b), "{a} {b}");
            assert_eq!(normalize_name(a), normalize_name(b));
        }
        for (a, b) in [("six", "sixx"), ("ab", "a-b"), ("", "a")] {
            assert!(!same_name(a, b), "{a} {b}");
        }
        for ok in ["a", "A1", "zope.interface", "typing_extensions", "x-y.z_1"] {
            assert!(is_valid_distribution_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", ".a", "a_", "a b", "ä", "a+b"] {
            assert!(!is_valid_distribution_name(bad), "{bad}");
        }
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Source {
        spec: Vec<RequirementSpec>,
    }

    fn load(text: &str) -> Result<Source, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("p.yaml"), text)
    }

    #[test]
    fn yaml_values_and_errors() {
        let s = load("spec:\n  - \">=2,<3\"\n  - requests[socks]>=2\n").unwrap();
        assert_eq!(s.spec[1].name(), Some("requests"));
        let e = load("spec:\n  - \">=2\"\n  - requests>>2\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("spec[1]"), "{e:?}");
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.starts_with("`>>2` in `requests>>2`"), "{e:?}");
        let e = load("spec: [2.0]\n").unwrap_err();
        assert!(e.message.contains("write `==2.0`"), "{e:?}");
    }

    #[test]
    fn yaml_round_trip() {
        let s = load(
            "spec:\n  - \" >= 2 , < 3\"\n  - \"requests[socks] (>=2) ; python_version >= '3.10'\"\n  \
             - \"pkg @ https://example.com/p.whl ; os_name == 'nt'\"\n",
        )
        .unwrap();
        let yaml = serde_saphyr::to_string(&s).unwrap();
        assert_eq!(load(&yaml).unwrap(), s, "{yaml}");
    }
}

/// A Python distribution name (PEP 508), as written in a registry entry's `distribution:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistributionName(String);

impl DistributionName {
    /// Validates `s`.
    pub fn parse(s: &str) -> Result<Self, String> {
        if is_valid_distribution_name(s) {
            Ok(Self(s.to_string()))
        } else {
            Err(format!(
                "{} is not a distribution name: expected letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
                code(s)
            ))
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DistributionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DistributionName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DistributionName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}
