//! Names of registry entries, groups and projects.
//!
//! A name becomes a file name in the registry (`packages/<name>.yaml`), a Python
//! distribution name in `pyproject.toml`, a Compose service name and a word in messages and
//! suggested commands. The one rule that is safe in every one of those places is PEP 508's
//! name: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or a
//! digit. It also rules out path tricks (`../x`), characters that reorder or hide text on
//! a terminal, and names too long for a file system.

use crate::quote::code;

/// Longest name accepted, in bytes (file systems stop at 255 for `<name>.yaml`).
pub const MAX_NAME_LEN: usize = 100;

/// What is wrong with `name` as the name of a `what` (`package`, `container`, `group`,
/// `project`), or `None` when it is a valid name.
pub fn entry_name_problem(name: &str, what: &str) -> Option<String> {
    let rule = "names use ASCII letters, digits, `-`, `_` and `.`, and start and end with a letter or a digit";
    let shown = code(name);
    if name.is_empty() {
        return Some(format!("an empty {what} name: {rule}"));
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "{shown} is not a valid {what} name: it is longer than {MAX_NAME_LEN} characters"
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let ends_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !name.chars().all(allowed) || !ends_ok(name.chars().next()) || !ends_ok(name.chars().last())
    {
        return Some(format!("{shown} is not a valid {what} name: {rule}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep_508_names_are_valid() {
        for name in [
            "requests",
            "Django",
            "zope.interface",
            "a",
            "torch-cpu",
            "x_1",
            "9lives",
        ] {
            assert_eq!(entry_name_problem(name, "package"), None, "{name}");
        }
    }

    #[test]
    fn paths_unicode_and_edges_are_not() {
        for name in [
            "",
            "../x",
            "a/b",
            "-x",
            "x-",
            ".hidden",
            "ünï",
            "a b",
            "req\u{202e}",
            "a\nb",
        ] {
            let problem = entry_name_problem(name, "package").unwrap();
            assert!(!problem.contains('\n'), "{problem}");
        }
        let long = "a".repeat(MAX_NAME_LEN + 1);
        let problem = entry_name_problem(&long, "package").unwrap();
        assert!(problem.contains("longer than"), "{problem}");
        assert!(problem.len() < 200, "{problem}");
    }
}
