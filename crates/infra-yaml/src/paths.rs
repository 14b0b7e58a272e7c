//! Where each key path of a YAML document was written.
//!
//! Serde gives us typed values but forgets positions, and `Spanned<T>` does not survive
//! custom `Deserialize` impls. Semantic checks (an unknown component, a selection outside a
//! group's options) still need to point at a line. So we walk the parser's event stream once
//! and remember, for every key path (`services.container_groups.db.selection`, `packages[1]`),
//! where its key and its value start. Paths use the same syntax as `serde_path_to_error`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_saphyr::granit_parser::{Event, Parser};

use crate::Loc;

/// Positions of every key and value in one YAML document.
///
/// Built lazily: the text is kept and only walked the first time a position is asked for,
/// which happens when something is wrong. Loading a thousand valid files never pays for it.
/// Clones share both the text and the positions once built: every problem of a resolve
/// carries a clone, and a clone that walked the document again made a manifest with two
/// thousand unknown names take minutes.
#[derive(Debug, Default, Clone)]
pub struct PathIndex {
    text: Arc<str>,
    maps: Arc<OnceLock<Maps>>,
}

#[derive(Debug, Default, Clone)]
struct Maps {
    keys: HashMap<String, Loc>,
    values: HashMap<String, Loc>,
    /// The first alias (`*name`) or merge key (`<<`).
    alias: Option<Loc>,
}

enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

impl PathIndex {
    /// An index of `text`, computed on first use.
    pub fn build(text: &str) -> Self {
        Self {
            text: Arc::from(text),
            maps: Arc::new(OnceLock::new()),
        }
    }

    fn maps(&self) -> &Maps {
        self.maps.get_or_init(|| Maps::build(&self.text))
    }

    /// Where the key of `path` was written, falling back to its value, then to the nearest
    /// ancestor that is known (so an error about a missing child points at its parent).
    pub fn locate(&self, path: &str) -> Option<Loc> {
        let m = self.maps();
        let mut p = path.to_string();
        loop {
            if let Some(l) = m.keys.get(&p).or_else(|| m.values.get(&p)) {
                return Some(*l);
            }
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
        }
    }

    /// Where the document first uses an alias (`*name`) or a merge key (`<<`): a value
    /// written once and read in several places, which a text edit cannot change in one
    /// place only.
    pub fn first_alias(&self) -> Option<Loc> {
        self.maps().alias
    }

    /// A located diagnostic about `key` in `file` (the file this index was built from).
    pub fn error(
        &self,
        file: &std::path::Path,
        key: &str,
        message: impl Into<String>,
    ) -> crate::Diagnostic {
        crate::Diagnostic::new(file, message)
            .at(self.locate(key))
            .key(key)
    }

    /// Where the value of `path` starts (for scalars: the scalar itself).
    pub fn value(&self, path: &str) -> Option<Loc> {
        self.maps()
            .values
            .get(path)
            .copied()
            .or_else(|| self.locate(path))
    }
}

impl Maps {
    /// Walks `text`. Stops quietly at the first syntax error: the loader reports those.
    fn build(text: &str) -> Self {
        let mut idx = Self::default();
        let mut stack: Vec<(Frame, String)> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let loc = Loc {
                line: span.start.line() as u64,
                column: span.start.col() as u64 + 1,
            };
            match event {
                Event::Scalar(value, ..) => {
                    if let Some((Frame::Map { key }, base)) = stack.last_mut()
                        && key.is_none()
                    {
                        if value == "<<" {
                            idx.alias.get_or_insert(loc);
                        }
                        let path = join(base, &value);
                        idx.keys.insert(path, loc);
                        *key = Some(value.into_owned());
                        continue;
                    }
                    idx.value_here(&mut stack, loc);
                    idx.advance(&mut stack);
                }
                Event::MappingStart(..) => {
                    let path = idx.value_here(&mut stack, loc);
                    stack.push((Frame::Map { key: None }, path));
                }
                Event::SequenceStart(..) => {
                    let path = idx.value_here(&mut stack, loc);
                    stack.push((Frame::Seq { index: 0 }, path));
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    idx.advance(&mut stack);
                }
                Event::Alias(..) => {
                    idx.alias.get_or_insert(loc);
                    idx.value_here(&mut stack, loc);
                    idx.advance(&mut stack);
                }
                _ => {}
            }
        }
        idx
    }

    /// Records a value starting at `loc` for the current position and returns its path.
    /// For scalars the position advances immediately; containers advance on their end event.
    fn value_here(&mut self, stack: &mut [(Frame, String)], loc: Loc) -> String {
        let path = match stack.last() {
            None => String::new(),
            Some((Frame::Map { key }, base)) => join(base, key.as_deref().unwrap_or("?")),
            Some((Frame::Seq { index }, base)) => format!("{base}[{index}]"),
        };
        self.values.entry(path.clone()).or_insert(loc);
        path
    }

    fn advance(&mut self, stack: &mut [(Frame, String)]) {
        match stack.last_mut() {
            Some((Frame::Map { key }, _)) => *key = None,
            Some((Frame::Seq { index }, _)) => *index += 1,
            None => {}
        }
    }
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn clones_share_the_positions_once_built() {
        let idx = PathIndex::build("a:\n  b: 1\n");
        let clone = idx.clone();
        assert!(clone.locate("a.b").is_some());
        // Built once, through the clone, and seen by the original without a second walk.
        assert!(idx.maps.get().is_some());
        assert!(Arc::ptr_eq(&idx.maps, &clone.maps));
    }

    use super::*;

    #[test]
    fn finds_keys_values_and_items() {
        let text = "project: {name: demo}\npackages:\n  - auth\n  - neo4j: dev\nservices:\n  container_groups:\n    db:\n      selection: pg\n";
        let idx = PathIndex::build(text);
        assert_eq!(idx.locate("packages").map(|l| l.line), Some(2));
        assert_eq!(idx.value("packages[0]").map(|l| l.line), Some(3));
        assert_eq!(idx.locate("packages[1].neo4j").map(|l| l.line), Some(4));
        let sel = idx.value("services.container_groups.db.selection").unwrap();
        assert_eq!((sel.line, sel.column), (8, 18));
        assert_eq!(idx.locate("project.name").map(|l| l.line), Some(1));
        // unknown child falls back to the parent
        assert_eq!(
            idx.locate("services.container_groups.db.nope")
                .map(|l| l.line),
            Some(7)
        );
    }

    #[test]
    fn survives_garbage() {
        let idx = PathIndex::build("a: [\n");
        assert!(idx.locate("zzz").is_none());
    }
}
