//! Replacing machine-specific text (scratch paths, version numbers) by stable placeholders.
//!
//! Snapshots of a program's output are only worth committing if they are identical on every
//! machine and after every release. [`Filters`] is an ordered list of *literal* replacements
//! applied in one left-to-right pass, trying the longest pattern first at each position: a
//! nested path (`/tmp/x/home`) wins over its parent (`/tmp/x`), and a replacement is never
//! itself rewritten by a later pattern. Literal matching keeps the kit free of a regex engine
//! and makes a filter obviously correct; what needs a pattern can be normalised by the test.

use std::path::Path;

/// One replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    from: String,
    to: String,
    /// A path only matches where it ends: `/tmp/abc` does not match inside `/tmp/abcd`.
    path: bool,
}

/// An ordered list of literal replacements, applied in one pass with the longest pattern
/// first at each position (see [`Filters::apply`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    rules: Vec<Rule>,
}

impl Filters {
    /// No replacements.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces `path` by `label`, both as given and canonicalised (a temp dir under a
    /// symlinked `/tmp` shows up either way), each with and without a trailing slash.
    /// A path only matches where a path component ends, so `/tmp/ab` leaves `/tmp/abc` alone.
    pub fn path(mut self, path: impl AsRef<Path>, label: &str) -> Self {
        let path = path.as_ref();
        let mut forms = vec![path.to_string_lossy().into_owned()];
        if let Ok(real) = std::fs::canonicalize(path) {
            forms.push(real.to_string_lossy().into_owned());
        }
        for form in forms {
            let bare = form.trim_end_matches('/');
            if bare.is_empty() {
                continue; // never replace every `/` of the output
            }
            self.push(format!("{bare}/"), format!("{label}/"), true);
            self.push(bare.to_string(), label.to_string(), true);
        }
        self
    }

    /// Replaces `"{name} {version}"` (as printed by `--version`) by `"{name} [VERSION]"`.
    pub fn version(self, name: &str, version: &str) -> Self {
        self.literal(&format!("{name} {version}"), &format!("{name} [VERSION]"))
    }

    /// Replaces every occurrence of `from` by `to`.
    pub fn literal(mut self, from: &str, to: &str) -> Self {
        if !from.is_empty() {
            self.push(from.to_string(), to.to_string(), false);
        }
        self
    }

    /// Appends the rules of `other` (a later duplicate pattern is ignored).
    pub fn extend(mut self, other: &Filters) -> Self {
        for r in &other.rules {
            self.push(r.from.clone(), r.to.clone(), r.path);
        }
        self
    }

    /// Whether there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    fn push(&mut self, from: String, to: String, path: bool) {
        if !self.rules.iter().any(|r| r.from == from) {
            self.rules.push(Rule { from, to, path });
        }
    }

    /// Applies every rule in one pass: at each position the longest matching pattern wins
    /// (the earlier rule on a tie); replaced text is not looked at again.
    pub fn apply(&self, text: &str) -> String {
        if self.rules.is_empty() {
            return text.to_string();
        }
        let mut order: Vec<&Rule> = self.rules.iter().collect();
        order.sort_by_key(|r| std::cmp::Reverse(r.from.len())); // stable: ties keep insertion order
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        'outer: while let Some(c) = rest.chars().next() {
            for r in &order {
                if rest.starts_with(&r.from) && (!r.path || ends_a_path(&rest[r.from.len()..])) {
                    out.push_str(&r.to);
                    rest = &rest[r.from.len()..];
                    continue 'outer;
                }
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

/// Whether a path match followed by `after` ends at a component boundary.
fn ends_a_path(after: &str) -> bool {
    after
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_filter_to_the_innermost_label() {
        let f = Filters::new()
            .path("/tmp/x", "[TMP]")
            .path("/tmp/x/home", "[HOME]");
        assert_eq!(
            f.apply("a /tmp/x/home/.config b /tmp/x/p c /tmp/x"),
            "a [HOME]/.config b [TMP]/p c [TMP]"
        );
    }

    #[test]
    fn a_path_matches_only_where_a_component_ends() {
        let f = Filters::new().path("/tmp/ab", "[TMP]");
        assert_eq!(
            f.apply("/tmp/abc /tmp/ab-x /tmp/ab. /tmp/ab:/tmp/ab"),
            "/tmp/abc /tmp/ab-x [TMP]. [TMP]:[TMP]"
        );
    }

    #[test]
    fn the_canonical_form_is_filtered_too() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        let link_parent = tempfile::tempdir().unwrap();
        let link = link_parent.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let f = Filters::new().path(&link, "[TMP]");
        let text = format!("{}/a and {}/b", link.display(), real.display());
        assert_eq!(f.apply(&text), "[TMP]/a and [TMP]/b");
    }

    #[test]
    fn a_trailing_slash_in_the_given_path_is_ignored() {
        let f = Filters::new().path("/tmp/x/", "[TMP]");
        assert_eq!(f.apply("/tmp/x and /tmp/x/y"), "[TMP] and [TMP]/y");
    }

    #[test]
    fn version_and_literal() {
        let f = Filters::new()
            .version("tool", "1.2.3")
            .literal("secret", "***");
        assert_eq!(
            f.apply("tool 1.2.3 secret 1.2.3"),
            "tool [VERSION] *** 1.2.3"
        );
    }

    #[test]
    fn replacements_are_not_rewritten() {
        let f = Filters::new().literal("a", "b").literal("b", "c");
        assert_eq!(f.apply("ab"), "bc");
    }

    #[test]
    fn multibyte_text_survives() {
        let f = Filters::new().literal("é", "e");
        assert_eq!(f.apply("→ café ✓"), "→ cafe ✓");
    }

    #[test]
    fn extend_keeps_the_first_rule_for_a_pattern() {
        let a = Filters::new().literal("x", "1");
        let b = Filters::new().literal("x", "2").literal("y", "3");
        assert_eq!(a.extend(&b).apply("xy"), "13");
    }
}
