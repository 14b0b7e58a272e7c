//! Validated names: forges, orgs and repos.
//!
//! Names become directory names (`orgs/<org>/`), URL path segments and YAML keys, so they
//! are checked where they are read, once, instead of at every use. Repo names follow
//! GitHub's rules (the strictest forge): ASCII letters, digits, `.`, `_`, `-`, at most 100
//! characters, not `.` or `..`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A name was refused; the message says which rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} name `{name}` {reason}")]
pub struct NameError {
    /// `repo`, `org` or `forge`.
    pub what: &'static str,
    /// The refused name.
    pub name: String,
    /// The rule it broke, as the end of a sentence.
    pub reason: String,
}

fn check(what: &'static str, name: &str, max: usize, allow_dot: bool) -> Result<(), NameError> {
    let fail = |reason: String| {
        // A name is echoed in messages: keep it short and printable.
        let mut shown: String = name
            .chars()
            .take(64)
            .flat_map(|c| {
                let escaped: Vec<char> = if c.is_control() {
                    c.escape_default().collect()
                } else {
                    vec![c]
                };
                escaped
            })
            .collect();
        if name.chars().count() > 64 {
            shown.push('…');
        }
        Err(NameError {
            what,
            name: shown,
            reason,
        })
    };
    if name.is_empty() {
        return fail("is empty".to_owned());
    }
    if name.len() > max {
        return fail(format!("is longer than {max} characters"));
    }
    if name == "." || name == ".." {
        return fail("is reserved".to_owned());
    }
    if !allow_dot && name.starts_with('.') {
        return fail("must not start with `.`".to_owned());
    }
    if name.starts_with('-') {
        return fail("must not start with `-` (git would read it as an option)".to_owned());
    }
    if allow_dot && name.to_ascii_lowercase().ends_with(".git") {
        return fail("must not end with `.git` (forges reserve it)".to_owned());
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || (allow_dot && c == '.');
    if let Some(bad) = name.chars().find(|c| !ok(*c)) {
        let allowed = if allow_dot {
            "letters, digits, `.`, `_` and `-`"
        } else {
            "letters, digits, `_` and `-`"
        };
        return fail(format!("contains `{bad}`; use only ASCII {allowed}"));
    }
    Ok(())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $ty:ident, $what:literal, $max:literal, $dot:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $ty(String);

        impl $ty {
            /// Checks `name` and wraps it.
            pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
                let name = name.into();
                check($what, &name, $max, $dot)?;
                Ok(Self(name))
            }

            /// The name as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $ty {
            type Error = NameError;
            fn try_from(s: String) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl From<$ty> for String {
            fn from(n: $ty) -> String {
                n.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }
    };
}

name_type!(
    /// A repository name, by GitHub's rules.
    RepoName, "repo", 100, true
);
name_type!(
    /// An org's name in `config.yaml` (also its directory under `orgs/`); it may differ
    /// from the owner login on each forge.
    OrgName, "org", 64, false
);
name_type!(
    /// A forge instance's name in `config.yaml` (`github`, `codeberg`, `work-gitlab`).
    ForgeName, "forge", 64, false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_names_follow_github_rules() {
        for ok in ["substrate", "a.b_c-d", ".github", "x"] {
            assert!(RepoName::new(ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(101);
        for (bad, msg) in [
            ("", "repo name `` is empty"),
            (".", "repo name `.` is reserved"),
            ("..", "repo name `..` is reserved"),
            (
                "a b",
                "repo name `a b` contains ` `; use only ASCII letters, digits, `.`, `_` and `-`",
            ),
            (
                "ü",
                "repo name `ü` contains `ü`; use only ASCII letters, digits, `.`, `_` and `-`",
            ),
        ] {
            assert_eq!(RepoName::new(bad).unwrap_err().to_string(), msg);
        }
        assert!(
            RepoName::new(long)
                .unwrap_err()
                .to_string()
                .ends_with("is longer than 100 characters")
        );
        assert!(RepoName::new("a".repeat(100)).is_ok());
    }

    #[test]
    fn org_names_are_directory_safe() {
        assert!(OrgName::new("hypermemetic").is_ok());
        assert_eq!(
            OrgName::new(".lock").unwrap_err().to_string(),
            "org name `.lock` must not start with `.`"
        );
        assert!(
            OrgName::new("a/b")
                .unwrap_err()
                .to_string()
                .contains("contains `/`")
        );
    }
}
