//! Comments of the original file, by the line of the node they belong to.
//!
//! The YAML parser drops comments, and the converted document is emitted afresh. A comment
//! on its own line belongs to the next key or item; a comment after a value belongs to that
//! line. Nodes keep their original line through the conversion, so the emitter can put each
//! comment back next to the node it described — wherever that node moved.

use std::collections::{BTreeMap, BTreeSet};

/// Comments and blank lines of one file.
#[derive(Debug, Default, Clone)]
pub struct Comments {
    /// Comment lines before the first content line.
    pub header: Vec<String>,
    /// Comment lines (`# …`, indentation removed) before the content line they precede.
    pub leading: BTreeMap<usize, Vec<String>>,
    /// A comment after the content of a line.
    pub trailing: BTreeMap<usize, String>,
    /// Content lines preceded by a blank line.
    pub blank_before: BTreeSet<usize>,
    /// Whether a blank line separates the header from the first content line.
    pub blank_after_header: bool,
    /// Comment lines after the last content line.
    pub footer: Vec<String>,
}

impl Comments {
    /// Reads the comments of `text`.
    pub fn of(text: &str) -> Self {
        let mut c = Self::default();
        let mut pending: Vec<String> = Vec::new();
        let mut seen_content = false;
        // A blank line right above the current line, and above the pending comment block.
        let mut blank = false;
        let mut blank_above_block = false;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() {
                if !seen_content && !pending.is_empty() {
                    c.header.append(&mut pending);
                }
                blank = true;
                continue;
            }
            if trimmed.starts_with('#') {
                if pending.is_empty() {
                    blank_above_block = blank;
                }
                pending.push(trimmed.to_string());
                blank = false;
                continue;
            }
            if trimmed == "---" {
                continue;
            }
            let separated = if pending.is_empty() {
                blank
            } else {
                blank_above_block
            };
            if !seen_content {
                c.blank_after_header = !c.header.is_empty() && pending.is_empty() && blank;
                c.header.append(&mut pending);
            } else {
                if !pending.is_empty() {
                    c.leading.insert(n, std::mem::take(&mut pending));
                }
                if separated {
                    c.blank_before.insert(n);
                }
            }
            seen_content = true;
            blank = false;
            if let Some(at) = trailing_comment(line) {
                c.trailing.insert(n, line[at..].trim_end().to_string());
            }
        }
        if seen_content {
            c.footer = pending;
        } else {
            c.header.append(&mut pending);
        }
        c
    }

    /// How many comments are attached to nodes (the header not counted).
    #[cfg(test)]
    pub fn attached(&self) -> usize {
        self.leading.values().map(Vec::len).sum::<usize>() + self.trailing.len()
    }
}

/// Where a comment starts after content on `line`: a `#` after whitespace, outside quotes.
fn trailing_comment(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, ch) in line.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if (ch == '"' || ch == '\'')
                && matches!(prev, ' ' | ':' | '[' | '{' | ',' | '-') =>
            {
                quote = Some(ch);
            }
            None if ch == '#' && prev.is_whitespace() && i > 0 => return Some(i),
            None => {}
        }
        prev = ch;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_leading_trailing() {
        let c =
            Comments::of("# head\n\n# about a\na: 1 # one\n\n# about b\nb: \"x # not\" # two\n");
        // Everything above the first key is the header: the first key may not survive.
        assert_eq!(c.header, ["# head", "# about a"]);
        assert_eq!(c.trailing[&4], "# one");
        assert_eq!(c.leading[&7], ["# about b"]);
        assert_eq!(c.trailing[&7], "# two");
        assert!(c.blank_before.contains(&7));
        assert_eq!(c.attached(), 3);
    }

    #[test]
    fn comments_after_the_last_key_are_the_footer() {
        let c = Comments::of("a: 1\n# end\n# really\n");
        assert_eq!(c.footer, ["# end", "# really"]);
        assert!(c.leading.is_empty());
    }

    #[test]
    fn a_comment_right_above_the_first_key_is_the_header() {
        let c = Comments::of("# generated\nproject: {}\n");
        assert_eq!(c.header, ["# generated"]);
        assert!(c.leading.is_empty());
    }
}
