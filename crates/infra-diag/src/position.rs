//! A position in a text file.

use serde::Serialize;

/// A 1-based line and column in a source file (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl Loc {
    /// The position of byte `offset` in `text` (clamped to the end of `text`; an offset
    /// inside a multi-byte character counts from that character's start).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        Self { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::Loc;

    #[test]
    fn offsets_become_lines_and_columns() {
        assert_eq!(Loc::of_offset("ab\ncd", 4), Loc { line: 2, column: 2 });
        assert_eq!(Loc::of_offset("ab", 99), Loc { line: 1, column: 3 });
        assert_eq!(Loc::of_offset("é\nx", 1), Loc { line: 1, column: 1 });
    }
}
