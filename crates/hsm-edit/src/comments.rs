//! Finding the comment lines that belong to an entry about to be removed.
//!
//! `yaml-edit` removes a key or list item together with its inline comment but leaves the
//! comment lines written directly above it. Those would then describe the wrong entry, so
//! removals first cut them out. The rule is deliberately narrow: only an unbroken run of
//! comment lines right above the entry, at exactly the entry's indentation, and never a run
//! that opens the file (that is the file's header, not the entry's).

use std::ops::Range;

/// The byte range of the comment lines directly above the line holding `offset`, if any.
///
/// `offset` must be where the entry starts: its key, or the value of a block list item. Entries
/// that do not start their line (flow collections) have no leading comment lines.
pub(crate) fn leading_comment_block(text: &str, offset: usize) -> Option<Range<usize>> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    let rest = prefix.trim_start_matches(' ');
    let indent = &prefix[..prefix.len() - rest.len()];
    let is_block_start =
        rest.is_empty() || rest.strip_prefix('-').is_some_and(|r| r.trim().is_empty());
    if !is_block_start {
        return None;
    }
    let mut block_start = line_start;
    while block_start > 0 {
        let prev_end = block_start - 1;
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        let line = text[prev_start..prev_end].trim_end_matches('\r');
        let is_comment = line
            .strip_prefix(indent)
            .is_some_and(|r| r.starts_with('#'));
        if !is_comment {
            break;
        }
        block_start = prev_start;
    }
    (block_start != line_start && block_start != 0).then_some(block_start..line_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, needle: &str) -> Option<String> {
        let at = text.find(needle).unwrap();
        leading_comment_block(text, at).map(|r| text[r].to_string())
    }

    #[test]
    fn takes_the_run_of_comments_at_the_same_indent() {
        let t = "a:\n  - x\n  # one\n  # two\n  - y\n";
        assert_eq!(cut(t, "y").as_deref(), Some("  # one\n  # two\n"));
    }

    #[test]
    fn stops_at_blank_lines_and_other_indents() {
        assert_eq!(cut("a:\n  - x\n  # c\n\n  - y\n", "y"), None);
        assert_eq!(cut("a:\n  b: 1\n# c\n  d: 1\n", "d:"), None);
    }

    #[test]
    fn keeps_the_file_header() {
        assert_eq!(cut("# header\nmode: dev\n", "mode"), None);
    }

    #[test]
    fn ignores_flow_entries() {
        assert_eq!(cut("a:\n  # c\n  b: [x, y]\n", "y"), None);
    }

    #[test]
    fn handles_crlf() {
        let t = "a: 1\r\n# c\r\nb: 2\r\n";
        assert_eq!(cut(t, "b:").as_deref(), Some("# c\r\n"));
    }
}
