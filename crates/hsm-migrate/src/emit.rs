//! Writes a converted tree as block YAML, with the original's comments put back.
//!
//! Two-space indentation and `- ` items indented under their key: the style of hsm's own
//! files and examples. Scalars written plain in the original are written as they were (so
//! `version: 1.10` stays text, not a float); scalars the migration made are quoted when a
//! plain scalar would change meaning. Small collections written in flow style (`{…}`,
//! `[…]`) stay in flow style.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::comments::Comments;
use crate::tree::{Entry, Item, Style, Value};

/// Renders `root` (a mapping) with `header` lines first, then the original's header
/// comments. Returns the text and how many attached comments found no node to go with.
pub fn emit(root: &Value, comments: &Comments, header: &[String]) -> (String, usize) {
    let mut e = Emitter {
        out: String::new(),
        comments,
        used: BTreeSet::new(),
    };
    for line in header {
        e.out.push_str(line);
        e.out.push('\n');
    }
    if !header.is_empty() && !comments.header.is_empty() {
        e.out.push('\n');
    }
    for line in &comments.header {
        e.out.push_str(line);
        e.out.push('\n');
    }
    let separate =
        (!header.is_empty() && comments.header.is_empty()) || comments.blank_after_header;
    if separate && root.entries().is_some_and(|x| !x.is_empty()) {
        e.out.push('\n');
    }
    match root {
        Value::Map(entries, _) => e.entries(entries, 0, true),
        other => {
            let _ = writeln!(e.out, "{}", inline(other));
        }
    }
    if !comments.footer.is_empty() {
        for line in &comments.footer {
            e.out.push_str(line);
            e.out.push('\n');
        }
    }
    let lost = comments
        .leading
        .iter()
        .filter(|(l, _)| !e.used.contains(l))
        .map(|(_, v)| v.len())
        .sum::<usize>()
        + comments
            .trailing
            .keys()
            .filter(|l| !e.used.contains(l))
            .count();
    (e.out, lost)
}

struct Emitter<'a> {
    out: String,
    comments: &'a Comments,
    used: BTreeSet<usize>,
}

impl Emitter<'_> {
    fn leading(&mut self, line: usize, indent: usize) {
        // A line's comments are written once, even when two nodes start on it.
        if line == 0 || self.used.contains(&line) {
            return;
        }
        if let Some(lines) = self.comments.leading.get(&line) {
            for c in lines {
                let _ = writeln!(self.out, "{:indent$}{c}", "");
            }
        }
    }

    fn trailing(&mut self, line: usize) {
        if line != 0
            && self.used.insert(line)
            && let Some(c) = self.comments.trailing.get(&line)
        {
            let _ = write!(self.out, " {c}");
        }
        self.out.push('\n');
    }

    fn entries(&mut self, entries: &[Entry], indent: usize, top: bool) {
        for (i, entry) in entries.iter().enumerate() {
            if top && i > 0 && self.comments.blank_before.contains(&entry.line) {
                self.out.push('\n');
            }
            self.leading(entry.line, indent);
            let _ = write!(self.out, "{:indent$}", "");
            self.entry(entry, indent);
        }
    }

    /// `key: value` from the current position (indentation already written).
    fn entry(&mut self, entry: &Entry, indent: usize) {
        let _ = write!(self.out, "{}:", key(&entry.key));
        match &entry.value {
            v if is_inline(v) => {
                let text = inline(v);
                if !text.is_empty() {
                    let _ = write!(self.out, " {text}");
                }
                self.trailing(entry.line);
            }
            Value::Map(children, _) => {
                self.trailing(entry.line);
                self.entries(children, indent + 2, false);
            }
            Value::Seq(items, _) => {
                self.trailing(entry.line);
                self.items(items, indent + 2);
            }
            Value::Scalar(..) => self.trailing(entry.line),
        }
    }

    fn items(&mut self, items: &[Item], indent: usize) {
        for item in items {
            self.leading(item.line, indent);
            let _ = write!(self.out, "{:indent$}- ", "");
            match &item.value {
                v if is_inline(v) => {
                    let _ = write!(self.out, "{}", inline(v));
                    self.trailing(item.line);
                }
                Value::Map(entries, _) => {
                    // The first entry shares the item's line; its comments were written above.
                    let (first, rest) = entries.split_first().unwrap_or_else(|| unreachable!());
                    self.entry(first, indent + 2);
                    self.entries(rest, indent + 2, false);
                }
                Value::Seq(inner, _) => {
                    self.trailing(item.line);
                    self.items(inner, indent + 2);
                }
                Value::Scalar(..) => self.trailing(item.line),
            }
        }
    }
}

/// Whether a value is written on its key's line: scalars, empty collections, and flow
/// collections of inline values.
fn is_inline(v: &Value) -> bool {
    match v {
        Value::Scalar(..) => true,
        Value::Map(e, flow) => e.is_empty() || (*flow && e.iter().all(|e| is_inline(&e.value))),
        Value::Seq(i, flow) => i.is_empty() || (*flow && i.iter().all(|i| is_inline(&i.value))),
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Scalar(s, style) => scalar(s, *style, false),
        Value::Map(entries, _) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|e| {
                    let value = match &e.value {
                        Value::Scalar(s, style) => scalar(s, *style, true),
                        other => inline(other),
                    };
                    format!("{}: {value}", key(&e.key))
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Seq(items, _) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match &i.value {
                    Value::Scalar(s, style) => scalar(s, *style, true),
                    other => inline(other),
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn key(k: &str) -> String {
    if plain_ok(k, true) {
        k.to_string()
    } else {
        infra_yaml::double_quoted(k)
    }
}

/// A scalar as written: plain ones as they were (when they remain valid where they go),
/// quoted ones in their quotes.
fn scalar(s: &str, style: Style, in_flow: bool) -> String {
    match style {
        Style::Plain if s.is_empty() => String::new(),
        // As written: its meaning (text, number, bool) is what the original file said —
        // except the YAML 1.1 booleans (`yes`, `on`, `y`…), which the original's YAML 1.2
        // reader took as text and hsm's reader would take as booleans.
        Style::Plain if yaml11_bool(s) => infra_yaml::double_quoted(s),
        Style::Plain if !(in_flow && s.contains([',', '[', ']', '{', '}'])) => s.to_string(),
        Style::Text if plain_ok(s, in_flow) => s.to_string(),
        Style::Single if !s.contains('\n') && !s.chars().any(char::is_control) => {
            format!("'{}'", s.replace('\'', "''"))
        }
        _ => infra_yaml::double_quoted(s),
    }
}

/// Whether `s` can be written plain and read back as the same string (conservatively).
fn plain_ok(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || s.chars().any(char::is_control)
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || (in_flow && s.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !(matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    ) || s.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower == ".inf"
        || lower == ".nan")
}

fn yaml11_bool(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse;

    fn round(text: &str) -> String {
        emit(&parse(text).unwrap(), &Comments::of(text), &[]).0
    }

    #[test]
    fn block_yaml_round_trips_with_comments() {
        let text = "# head\n\nproject:\n  name: demo # the name\n\n# the packages\npackages:\n  - a\n  - name: b # bee\n    mode: dev\n  - {name: c, mode: prod}\nversion: 1.10\nq: 'it''s'\nd: \"x: y\"\nempty: []\n";
        assert_eq!(round(text), text);
    }

    #[test]
    fn made_scalars_are_quoted_when_needed() {
        let mut v = Value::map();
        v.set("a", Value::text("1.10"));
        v.set("b", Value::text("true"));
        v.set("c", Value::text("../../packages/x"));
        v.set("d", Value::text("${VAR}"));
        v.set("e", Value::text("line\nbreak"));
        let (text, _) = emit(&v, &Comments::default(), &[]);
        assert_eq!(
            text,
            "a: \"1.10\"\nb: \"true\"\nc: ../../packages/x\nd: ${VAR}\ne: \"line\\nbreak\"\n"
        );
        assert_eq!(
            parse(&text).unwrap().get("e").unwrap().value.as_str(),
            Some("line\nbreak")
        );
    }

    #[test]
    fn comments_of_dropped_nodes_are_counted() {
        let text = "a: 1\n# about b\nb: 2 # two\n";
        let mut v = parse(text).unwrap();
        v.take("b");
        let (out, lost) = emit(&v, &Comments::of(text), &[]);
        assert_eq!(out, "a: 1\n");
        assert_eq!(lost, 2);
    }
}
