//! Parsing and rendering `${VAR}` templates.

use std::ops::Range;

use crate::error::InterpError;

/// How deeply defaults may nest other references (`${A:-${B:-${C}}}` is depth 2).
const MAX_NESTING: usize = 8;

const UNTERMINATED: &str = "unterminated `${`; add `}` or escape the dollar sign as `$$`";

/// A parsed string: literal text interleaved with variable references.
///
/// The original text is kept so that [`Template::render_only`] can re-emit unresolved
/// references exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
}

/// One variable reference found in a template, as reported by [`Template::vars`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// The variable name (may contain `.` and `-` when written in braces).
    pub name: String,
    /// Whether the reference renders without the variable being set
    /// (`${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}`).
    pub has_default: bool,
    /// For `${NAME:?message}` / `${NAME?message}`: the message (possibly empty).
    pub required_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    kind: Kind,
    /// Byte range of this segment in [`Template::source`].
    span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Text copied as is.
    Literal,
    /// `$$`, an escaped dollar sign.
    Dollar,
    /// `$NAME` or `${NAME...}`.
    Var { name: String, modifier: Modifier },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Modifier {
    /// `$NAME` / `${NAME}`.
    None,
    /// `${NAME:-default}` (`if_empty`) / `${NAME-default}`.
    Default { value: Template, if_empty: bool },
    /// `${NAME:+alt}` (`if_empty`) / `${NAME+alt}`: `alt` when set, empty otherwise.
    Alternate { value: Template, if_empty: bool },
    /// `${NAME:?message}` (`if_empty`) / `${NAME?message}`.
    Required { message: String, if_empty: bool },
}

/// Parses `input` into a [`Template`].
///
/// Recognised forms: `$$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
/// `${NAME:?message}`, `${NAME?message}`, `${NAME:+alt}` and `${NAME+alt}`. Defaults may
/// contain references themselves. A `$` that cannot start a reference is literal text.
/// Errors carry the byte offset of the problem in `input`.
pub fn parse(input: &str) -> Result<Template, InterpError> {
    parse_nested(input, 0, 0)
}

fn parse_nested(src: &str, base: usize, depth: usize) -> Result<Template, InterpError> {
    let bytes = src.as_bytes();
    let mut segments = Vec::new();
    let mut literal_start = None;
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        let (kind, end) = match (bytes[i], next) {
            (b'$', Some(b'$')) => (Kind::Dollar, i + 2),
            (b'$', Some(b'{')) => parse_braced(src, i, base, depth)?,
            (b'$', Some(c)) if is_name_start(c) => {
                let end = i
                    + 1
                    + count_while(&bytes[i + 1..], |c| c.is_ascii_alphanumeric() || c == b'_');
                let name = src[i + 1..end].to_owned();
                let modifier = Modifier::None;
                (Kind::Var { name, modifier }, end)
            }
            _ => {
                literal_start.get_or_insert(i);
                i += 1;
                continue;
            }
        };
        if let Some(start) = literal_start.take() {
            segments.push(Segment {
                kind: Kind::Literal,
                span: start..i,
            });
        }
        segments.push(Segment { kind, span: i..end });
        i = end;
    }
    if let Some(start) = literal_start {
        segments.push(Segment {
            kind: Kind::Literal,
            span: start..bytes.len(),
        });
    }
    Ok(Template {
        source: src.to_owned(),
        segments,
    })
}

/// Where the name starting at `from` ends: a letter or `_`, then letters, digits, `_` and
/// `.`; `-` only after a `.` (so `${A.my-key}` is one name while `${A-default}` keeps its
/// default).
fn name_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    let mut dotted = false;
    while let Some(&c) = bytes.get(end) {
        let ok = if end == from {
            is_name_start(c)
        } else {
            c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || (c == b'-' && dotted)
        };
        if !ok {
            break;
        }
        dotted |= c == b'.';
        end += 1;
    }
    end
}

/// Parses the `${...}` starting at `start`; returns the variable and the end offset.
fn parse_braced(
    src: &str,
    start: usize,
    base: usize,
    depth: usize,
) -> Result<(Kind, usize), InterpError> {
    let bytes = src.as_bytes();
    let syntax = |offset: usize, message: String| InterpError::Syntax {
        offset: base + offset,
        message,
    };

    let name_start = start + 2;
    let end = name_end(bytes, name_start);
    let name = src[name_start..end].to_owned();

    let Some(&after) = bytes.get(end) else {
        return Err(syntax(start, UNTERMINATED.to_owned()));
    };
    if name.is_empty() {
        let message = if after == b'}' {
            "empty variable name in `${}`; escape the dollar sign as `$$` for a literal `${`"
                .to_owned()
        } else {
            format!(
                "invalid variable name starting with `{}`; names start with a letter or `_`",
                char_at(src, end)
            )
        };
        return Err(syntax(if after == b'}' { start } else { end }, message));
    }

    let (op, if_empty, content_start) = match (after, bytes.get(end + 1).copied()) {
        (b'}', _) => {
            let modifier = Modifier::None;
            return Ok((Kind::Var { name, modifier }, end + 1));
        }
        (b':', Some(op @ (b'-' | b'?' | b'+'))) => (op, true, end + 2),
        (b':', None) => return Err(syntax(start, UNTERMINATED.to_owned())),
        (b':', Some(_)) => {
            return Err(syntax(
                end,
                format!("expected `:-`, `:?` or `:+` after the variable name `{name}`"),
            ));
        }
        (op @ (b'-' | b'?' | b'+'), _) => (op, false, end + 1),
        _ => {
            return Err(syntax(
                end,
                format!(
                    "invalid character `{}` in variable name `{name}`",
                    char_at(src, end)
                ),
            ));
        }
    };

    let content_end = find_closing_brace(bytes, content_start)
        .ok_or_else(|| syntax(start, UNTERMINATED.to_owned()))?;
    let content = &src[content_start..content_end];
    let nested = |content: &str| {
        if depth >= MAX_NESTING {
            return Err(syntax(
                content_start,
                format!("references nested more than {MAX_NESTING} levels deep"),
            ));
        }
        parse_nested(content, base + content_start, depth + 1)
    };
    let modifier = match op {
        b'-' => Modifier::Default {
            value: nested(content)?,
            if_empty,
        },
        b'+' => Modifier::Alternate {
            value: nested(content)?,
            if_empty,
        },
        _ => Modifier::Required {
            message: content.to_owned(),
            if_empty,
        },
    };
    Ok((Kind::Var { name, modifier }, content_end + 1))
}

/// The offset of the `}` closing a reference whose body starts at `from`, skipping over
/// nested `${...}` and `$$`.
fn find_closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut open = 0usize;
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        match (c, bytes.get(i + 1)) {
            (b'$', Some(b'$')) => i += 2,
            (b'$', Some(b'{')) => {
                open += 1;
                i += 2;
            }
            (b'}', _) if open == 0 => return Some(i),
            (b'}', _) => {
                open -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn count_while(bytes: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&c| pred(c)).count()
}

fn char_at(src: &str, offset: usize) -> char {
    src.get(offset..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or('?')
}

impl Template {
    /// The text this template was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the template contains no variable references (`$$` is literal).
    pub fn is_literal(&self) -> bool {
        !self
            .segments
            .iter()
            .any(|segment| matches!(segment.kind, Kind::Var { .. }))
    }

    /// Every variable reference in source order, including those nested in defaults
    /// (listed right after the reference that contains them).
    pub fn vars(&self) -> Vec<VarRef> {
        let mut vars = Vec::new();
        self.collect_vars(&mut vars);
        vars
    }

    fn collect_vars(&self, vars: &mut Vec<VarRef>) {
        for segment in &self.segments {
            let Kind::Var { name, modifier } = &segment.kind else {
                continue;
            };
            let (has_default, required_message, nested) = match modifier {
                Modifier::None => (false, None, None),
                Modifier::Default { value, .. } | Modifier::Alternate { value, .. } => {
                    (true, None, Some(value))
                }
                Modifier::Required { message, .. } => (false, Some(message.clone()), None),
            };
            vars.push(VarRef {
                name: name.clone(),
                has_default,
                required_message,
            });
            if let Some(nested) = nested {
                nested.collect_vars(vars);
            }
        }
    }

    /// Substitutes every reference using `lookup`; `$$` becomes `$`.
    ///
    /// Fails with [`InterpError::Missing`] for a variable that is needed but not provided.
    pub fn render(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, InterpError> {
        self.render_with(lookup, false)
    }

    /// Substitutes only the variables for which `lookup` returns a value, re-emitting every
    /// other reference and every `$$` exactly as written, so the result is still valid
    /// input for a later interpreter such as Docker Compose.
    ///
    /// To keep that guarantee, `$` in substituted values is written as `$$`: interpreting
    /// the result later yields the values verbatim.
    pub fn render_only(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, InterpError> {
        self.render_with(lookup, true)
    }

    fn render_with(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
        partial: bool,
    ) -> Result<String, InterpError> {
        let mut out = String::with_capacity(self.source.len());
        for segment in &self.segments {
            let raw = self.source.get(segment.span.clone()).unwrap_or_default();
            match &segment.kind {
                Kind::Literal => out.push_str(raw),
                Kind::Dollar => out.push_str(if partial { raw } else { "$" }),
                Kind::Var { name, modifier } => match lookup(name) {
                    None if partial => out.push_str(raw),
                    value => {
                        let rendered = resolve(name, modifier, value, lookup, partial)?;
                        out.push_str(&rendered);
                    }
                },
            }
        }
        Ok(out)
    }
}

/// The text a reference renders to, given the variable's value.
fn resolve(
    name: &str,
    modifier: &Modifier,
    value: Option<String>,
    lookup: &dyn Fn(&str) -> Option<String>,
    partial: bool,
) -> Result<String, InterpError> {
    let escape = |value: String| {
        if partial {
            value.replace('$', "$$")
        } else {
            value
        }
    };
    let usable = |if_empty: bool| value.clone().filter(|v| !(if_empty && v.is_empty()));
    match modifier {
        Modifier::None => value.map(escape).ok_or_else(|| InterpError::Missing {
            name: name.to_owned(),
            message: None,
        }),
        Modifier::Default {
            value: default,
            if_empty,
        } => match usable(*if_empty) {
            Some(value) => Ok(escape(value)),
            None => default.render_with(lookup, partial),
        },
        Modifier::Alternate {
            value: alt,
            if_empty,
        } => match usable(*if_empty) {
            Some(_) => alt.render_with(lookup, partial),
            None => Ok(String::new()),
        },
        Modifier::Required { message, if_empty } => match usable(*if_empty) {
            Some(value) => Ok(escape(value)),
            None => Err(InterpError::Missing {
                name: name.to_owned(),
                message: (!message.is_empty()).then(|| message.clone()),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn render(input: &str, env: &[(&str, &str)]) -> Result<String, InterpError> {
        let env = vars(env);
        parse(input)?.render(&|name| env.get(name).cloned())
    }

    fn render_only(input: &str, env: &[(&str, &str)]) -> String {
        let env = vars(env);
        parse(input)
            .unwrap()
            .render_only(&|name| env.get(name).cloned())
            .unwrap()
    }

    fn syntax_offset(input: &str) -> (usize, String) {
        match parse(input) {
            Err(InterpError::Syntax { offset, message }) => (offset, message),
            other => panic!("expected a syntax error for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn literal_text_and_escapes() {
        assert_eq!(render("plain text", &[]).unwrap(), "plain text");
        assert_eq!(
            render("cost: $$5 and $$$$", &[]).unwrap(),
            "cost: $5 and $$"
        );
        assert_eq!(render("trailing $", &[]).unwrap(), "trailing $");
        assert_eq!(render("$1 $- $ x", &[]).unwrap(), "$1 $- $ x");
        assert!(parse("a $$ b $1").unwrap().is_literal());
        assert!(!parse("a $B").unwrap().is_literal());
    }

    #[test]
    fn bare_and_braced_names() {
        let env = [("USER", "ada"), ("HOME_DIR", "/h"), ("A.b-c", "dotted")];
        assert_eq!(render("$USER@${HOME_DIR}", &env).unwrap(), "ada@/h");
        // Bare names stop at characters that cannot continue a name.
        assert_eq!(
            render("$USER.name-$HOME_DIR/x", &env).unwrap(),
            "ada.name-/h/x"
        );
        assert_eq!(render("${A.b-c}", &env).unwrap(), "dotted");
        let vars = parse("${HSM_MERGED_PARAMS.db_name}").unwrap().vars();
        assert_eq!(vars[0].name, "HSM_MERGED_PARAMS.db_name");
    }

    #[test]
    fn default_forms() {
        let env = [("EMPTY", ""), ("SET", "v")];
        assert_eq!(render("${SET:-d}|${SET-d}", &env).unwrap(), "v|v");
        assert_eq!(render("${EMPTY:-d}|${EMPTY-d}|", &env).unwrap(), "d||");
        assert_eq!(render("${UNSET:-d}|${UNSET-d}", &env).unwrap(), "d|d");
        assert_eq!(render("${UNSET:-}", &env).unwrap(), "");
        assert_eq!(render("${UNSET:-a b:c-d}", &env).unwrap(), "a b:c-d");
    }

    #[test]
    fn alternate_forms() {
        let env = [("EMPTY", ""), ("SET", "v")];
        assert_eq!(
            render("[${SET:+alt}][${SET+alt}]", &env).unwrap(),
            "[alt][alt]"
        );
        assert_eq!(
            render("[${EMPTY:+alt}][${EMPTY+alt}]", &env).unwrap(),
            "[][alt]"
        );
        assert_eq!(render("[${UNSET:+alt}]", &env).unwrap(), "[]");
    }

    #[test]
    fn nested_defaults() {
        let env = [("B", "b"), ("EMPTY", "")];
        assert_eq!(render("${A:-${B}}", &env).unwrap(), "b");
        assert_eq!(render("${A:-x${B}y}", &env).unwrap(), "xby");
        assert_eq!(render("${A:-${C:-${EMPTY:-deep}}}", &env).unwrap(), "deep");
        assert_eq!(render("${A:-$$}", &env).unwrap(), "$");
        assert_eq!(
            render("${A:-${C}}", &env),
            Err(InterpError::Missing {
                name: "C".into(),
                message: None
            })
        );
    }

    #[test]
    fn required_forms() {
        let env = [("EMPTY", ""), ("SET", "v")];
        assert_eq!(render("${SET:?need it}", &env).unwrap(), "v");
        assert_eq!(render("${EMPTY?need it}", &env).unwrap(), "");
        assert_eq!(
            render("${EMPTY:?set a password}", &env),
            Err(InterpError::Missing {
                name: "EMPTY".into(),
                message: Some("set a password".into())
            })
        );
        let err = render("${UNSET?}", &env).unwrap_err();
        assert_eq!(
            err,
            InterpError::Missing {
                name: "UNSET".into(),
                message: None
            }
        );
        assert_eq!(err.to_string(), "variable `UNSET` is not set");
        let err = render("${UNSET:?run `hsm init` first}", &env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "variable `UNSET` is not set: run `hsm init` first"
        );
    }

    #[test]
    fn missing_plain_variable_is_an_error() {
        assert_eq!(
            render("x $NOPE y", &[]),
            Err(InterpError::Missing {
                name: "NOPE".into(),
                message: None
            })
        );
    }

    #[test]
    fn vars_lists_every_reference() {
        let template = parse("$A ${B:-${C}} ${D:?msg} ${E-x} ${F:+$G} $$H").unwrap();
        let summary: Vec<(String, bool, Option<String>)> = template
            .vars()
            .into_iter()
            .map(|v| (v.name, v.has_default, v.required_message))
            .collect();
        let expected = [
            ("A", false, None),
            ("B", true, None),
            ("C", false, None),
            ("D", false, Some("msg")),
            ("E", true, None),
            ("F", true, None),
            ("G", false, None),
        ]
        .map(|(n, d, m)| (n.to_string(), d, m.map(str::to_string)));
        assert_eq!(summary, expected);
    }

    #[test]
    fn render_only_keeps_unknown_references_byte_for_byte() {
        let input = "db=${HSM.db_name} pw=${POSTGRES_PASSWORD:?set it} $HOME ${X:-${Y}} $$ ${Z-}";
        let out = render_only(input, &[("HSM.db_name", "app")]);
        assert_eq!(
            out,
            "db=app pw=${POSTGRES_PASSWORD:?set it} $HOME ${X:-${Y}} $$ ${Z-}"
        );
        // Nothing known: identical output.
        assert_eq!(render_only(input, &[]), input);
    }

    #[test]
    fn render_only_applies_defaults_of_known_variables() {
        assert_eq!(render_only("${A:-${B}}", &[("A", "")]), "${B}");
        assert_eq!(render_only("${A:-${B}}", &[("A", ""), ("B", "b")]), "b");
        assert_eq!(render_only("${A:+on-$B}", &[("A", "1")]), "on-$B");
    }

    #[test]
    fn render_only_escapes_dollars_in_values() {
        let out = render_only("pw=${PW} keep=$$", &[("PW", "pa$word")]);
        assert_eq!(out, "pw=pa$$word keep=$$");
        // A later full render yields the value verbatim.
        assert_eq!(render(&out, &[]).unwrap(), "pw=pa$word keep=$");
    }

    #[test]
    fn render_only_still_reports_required_errors_for_known_empty_values() {
        let env = vars(&[("A", "")]);
        let err = parse("${A:?needed}")
            .unwrap()
            .render_only(&|n| env.get(n).cloned())
            .unwrap_err();
        assert!(matches!(err, InterpError::Missing { ref name, .. } if name == "A"));
    }

    #[test]
    fn unterminated_reference() {
        let (offset, message) = syntax_offset("abc ${NAME");
        assert_eq!(offset, 4);
        assert_eq!(message, UNTERMINATED);
        assert_eq!(syntax_offset("x${A:-${B}").0, 1);
        assert_eq!(syntax_offset("${").0, 0);
        assert_eq!(syntax_offset("${A:").0, 0);
        assert_eq!(syntax_offset("${A:-").0, 0);
        // Offsets inside nested defaults are relative to the whole input.
        assert_eq!(syntax_offset("${A:-xx${B:-${C}").0, 0);
        assert_eq!(syntax_offset("${A:-xx${}}").0, 7);
    }

    #[test]
    fn invalid_names() {
        let (offset, message) = syntax_offset("a${}");
        assert_eq!(offset, 1);
        assert!(message.contains("empty variable name"));
        let (offset, message) = syntax_offset("${1A}");
        assert_eq!(offset, 2);
        assert!(message.contains("`1`"));
        let (offset, message) = syntax_offset("${A B}");
        assert_eq!(offset, 3);
        assert_eq!(message, "invalid character ` ` in variable name `A`");
        let (offset, _) = syntax_offset("${A:x}");
        assert_eq!(offset, 3);
        let (_, message) = syntax_offset("${é}");
        assert!(message.contains("`é`"));
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let input = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        let (_, message) = syntax_offset(&input);
        assert!(message.contains("nested"));
    }

    #[test]
    fn non_ascii_text_is_preserved() {
        assert_eq!(render("ünï ${A} €$", &[("A", "ç")]).unwrap(), "ünï ç €$");
        assert_eq!(render_only("ünï ${B} €$", &[]), "ünï ${B} €$");
    }
}
