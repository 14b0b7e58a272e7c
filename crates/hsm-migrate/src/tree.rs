//! A YAML document as an ordered tree that remembers where each node was written.
//!
//! Conversion moves whole subtrees (`libraries.groups` becomes `package_groups`), renames
//! keys and drops others. Serde values forget both the order of keys and the lines they came
//! from; this tree keeps both, so moved nodes carry their comments along (see
//! [`crate::comments`]) and every problem can name its line.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// How a scalar was written; plain scalars are emitted again as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'…'`.
    Single,
    /// `"…"`, or a block scalar (emitted double-quoted).
    Double,
    /// Text the migration made: written plain when that reads back as the same string,
    /// else double-quoted.
    Text,
}

/// A node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar: its text after escape processing, and how it was written.
    Scalar(String, Style),
    /// A sequence; `flow` when written `[…]`.
    Seq(Vec<Item>, bool),
    /// A mapping in written order; `flow` when written `{…}`.
    Map(Vec<Entry>, bool),
}

/// A key and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The line of the key (1-based); 0 for a node hsm migrate made.
    pub line: usize,
    /// The value.
    pub value: Value,
}

/// A sequence item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The line of the item (1-based); 0 for a node hsm migrate made.
    pub line: usize,
    /// The value.
    pub value: Value,
}

/// Why a document could not be read as a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseProblem {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Value {
    /// A string made by the migration.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Scalar(text.into(), Style::Text)
    }

    /// An empty block mapping.
    pub fn map() -> Self {
        Self::Map(Vec::new(), false)
    }

    /// An empty mapping written in the same style (block or flow) as `like`.
    pub fn map_like(like: &Value) -> Self {
        Self::Map(Vec::new(), matches!(like, Self::Map(_, true)))
    }

    /// The scalar text, if this is a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Scalar(s, Style::Plain) if is_null(s) => None,
            Self::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`, `~` or nothing.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Scalar(s, Style::Plain) if is_null(s))
    }

    /// Whether this is null, an empty collection or an empty string.
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Scalar(s, _) => s.is_empty() || self.is_null(),
            Self::Seq(items, _) => items.is_empty(),
            Self::Map(entries, _) => entries.is_empty(),
        }
    }

    /// The entries, if this is a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match self {
            Self::Map(e, _) => Some(e),
            _ => None,
        }
    }

    /// The entry `key`, if this is a mapping holding it.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|e| e.key == key)
    }

    /// Adds or replaces `key` (a replaced entry keeps its place and line).
    pub fn set(&mut self, key: &str, value: Value) {
        if let Self::Map(entries, _) = self {
            match entries.iter_mut().find(|e| e.key == key) {
                Some(e) => e.value = value,
                None => entries.push(Entry {
                    key: key.to_string(),
                    line: 0,
                    value,
                }),
            }
        }
    }

    /// Adds `entry`, or replaces the entry with its key (keeping that one's place).
    pub fn set_entry(&mut self, entry: Entry) {
        if let Self::Map(entries, _) = self {
            match entries.iter_mut().find(|e| e.key == entry.key) {
                Some(e) => *e = entry,
                None => entries.push(entry),
            }
        }
    }

    /// Removes `key`, returning its entry.
    pub fn take(&mut self, key: &str) -> Option<Entry> {
        match self {
            Self::Map(entries, _) => {
                let at = entries.iter().position(|e| e.key == key)?;
                Some(entries.remove(at))
            }
            _ => None,
        }
    }
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

enum Frame {
    Map(Vec<Entry>, bool, Option<(String, usize)>),
    Seq(Vec<Item>, bool),
}

/// Parses one YAML document. Anchors, aliases, tags and several documents are refused:
/// the original's files never need them, and carrying them over faithfully would need a
/// YAML emitter that understands them.
pub fn parse(text: &str) -> Result<Value, ParseProblem> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ParseProblem {
            line: e.marker().line(),
            message: e.info().to_string(),
        })?;
        let line = span.start.line();
        let refuse = |what: &str| ParseProblem {
            line,
            message: format!("{what} cannot be carried over; expand it by hand first"),
        };
        let node = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(refuse("a second YAML document"));
                }
                continue;
            }
            Event::Alias(..) => return Err(refuse("an alias (`*name`)")),
            Event::Scalar(_, _, anchor, _)
            | Event::MappingStart(_, anchor, _)
            | Event::SequenceStart(_, anchor, _)
                if anchor != 0 =>
            {
                return Err(refuse("an anchor (`&name`)"));
            }
            Event::Scalar(_, _, _, Some(_))
            | Event::MappingStart(_, _, Some(_))
            | Event::SequenceStart(_, _, Some(_)) => return Err(refuse("a tag (`!…`)")),
            Event::Scalar(value, style, ..) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::Single,
                    _ => Style::Double,
                };
                if let Some(Frame::Map(_, _, pending @ None)) = stack.last_mut() {
                    *pending = Some((value.into_owned(), line));
                    continue;
                }
                Value::Scalar(value.into_owned(), style)
            }
            Event::MappingStart(style, ..) => {
                stack.push(Frame::Map(Vec::new(), style == StructureStyle::Flow, None));
                continue;
            }
            Event::SequenceStart(style, ..) => {
                stack.push(Frame::Seq(Vec::new(), style == StructureStyle::Flow));
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, flow, _)) => Value::Map(entries, flow),
                _ => continue,
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, flow)) => Value::Seq(items, flow),
                _ => continue,
            },
            _ => continue,
        };
        attach(&mut stack, &mut root, node, line)?;
    }
    Ok(root.unwrap_or(Value::Scalar(String::new(), Style::Plain)))
}

/// Puts a finished node into its parent (or makes it the root).
fn attach(
    stack: &mut [Frame],
    root: &mut Option<Value>,
    node: Value,
    line: usize,
) -> Result<(), ParseProblem> {
    let node_line = first_line(&node).unwrap_or(line);
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq(items, _)) => items.push(Item {
            line: node_line,
            value: node,
        }),
        Some(Frame::Map(entries, _, pending)) => {
            let Some((key, key_line)) = pending.take() else {
                return Err(ParseProblem {
                    line,
                    message:
                        "a key that is a mapping or a list cannot be carried over; use a plain key"
                            .into(),
                });
            };
            if entries.iter().any(|e| e.key == key) {
                return Err(ParseProblem {
                    line: key_line,
                    message: format!("key `{key}` is written twice"),
                });
            }
            entries.push(Entry {
                key,
                line: key_line,
                value: node,
            });
        }
    }
    Ok(())
}

/// The line of the first key or item inside a collection (where a sequence item starts).
fn first_line(v: &Value) -> Option<usize> {
    match v {
        Value::Map(e, _) => e.first().map(|e| e.line),
        Value::Seq(i, _) => i.first().map(|i| i.line),
        Value::Scalar(..) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_lines_and_styles() {
        let v = parse("b: 1\na:\n  - x\n  - {name: y, mode: dev}\nc: 'q'\n").unwrap();
        let keys: Vec<_> = v
            .entries()
            .unwrap()
            .iter()
            .map(|e| (e.key.as_str(), e.line))
            .collect();
        assert_eq!(keys, [("b", 1), ("a", 2), ("c", 5)]);
        let Value::Seq(items, false) = &v.get("a").unwrap().value else {
            panic!()
        };
        assert_eq!(items[1].line, 4);
        assert!(matches!(items[1].value, Value::Map(_, true)));
        assert_eq!(
            v.get("c").unwrap().value,
            Value::Scalar("q".into(), Style::Single)
        );
    }

    #[test]
    fn refuses_what_it_cannot_carry() {
        assert!(
            parse("a: &x 1\nb: *x\n")
                .unwrap_err()
                .message
                .contains("anchor")
        );
        assert_eq!(parse("a: 1\na: 2\n").unwrap_err().line, 2);
        assert!(parse("a: !!str 1\n").is_err());
        assert!(parse("a: [\n").is_err());
        assert!(
            parse("? {a: 1}\n: x\n")
                .unwrap_err()
                .message
                .contains("plain key")
        );
    }

    #[test]
    fn nulls_and_empties() {
        let v = parse("a:\nb: ~\nc: ''\n").unwrap();
        assert!(v.get("a").unwrap().value.is_null());
        assert!(v.get("b").unwrap().value.is_null());
        assert!(!v.get("c").unwrap().value.is_null());
        assert!(v.get("c").unwrap().value.is_empty());
    }
}
