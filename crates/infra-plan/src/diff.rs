//! Unified diffs between two versions of a text file.

use similar::TextDiff;

/// Lines of context around each change.
pub(crate) const DIFF_CONTEXT: usize = 3;

/// The unified diff from `before` to `after` for the file at `path`, with `a/<path>` and
/// `b/<path>` headers and `context` lines of context. Empty when the texts are equal.
pub fn unified_diff(path: &str, before: &str, after: &str, context: usize) -> String {
    diff_with_headers(
        &format!("a/{path}"),
        &format!("b/{path}"),
        before,
        after,
        context,
    )
}

/// [`unified_diff`] with explicit header names (such as `/dev/null`).
pub(crate) fn diff_with_headers(
    old_header: &str,
    new_header: &str,
    before: &str,
    after: &str,
    context: usize,
) -> String {
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(context)
        .header(old_header, new_header)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_has_headers_hunks_and_context() {
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let diff = unified_diff("dir/file.txt", before, after, 3);
        assert_eq!(
            diff,
            "--- a/dir/file.txt\n+++ b/dir/file.txt\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
        let narrow = unified_diff("f", before, after, 1);
        assert!(
            narrow.contains("@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n"),
            "{narrow}"
        );
    }

    #[test]
    fn equal_texts_give_empty_diff() {
        assert_eq!(unified_diff("f", "same\n", "same\n", 3), "");
    }

    #[test]
    fn missing_trailing_newline_is_marked() {
        let diff = unified_diff("f", "a\n", "a", 3);
        assert!(diff.contains("No newline at end of file"), "{diff}");
    }
}
