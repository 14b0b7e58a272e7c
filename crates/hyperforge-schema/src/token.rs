//! Token references: where a forge token lives, never the token itself.
//!
//! The earlier implementation kept secrets in plaintext YAML (spec §8, bug 19); here a
//! forge's `token:` is `env:VAR`, `keyring:KEY` or `file:PATH`, and anything else is
//! refused with a message saying what to write. A value that looks like a pasted token
//! gets its own message, so the refusal explains itself.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where to find a forge token.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TokenRef {
    /// `env:VAR`: the environment variable `VAR`.
    Env(String),
    /// `keyring:KEY`: the OS keyring entry `KEY`.
    Keyring(String),
    /// `file:PATH`: the first line of the file at `PATH` (`~` allowed; expanded by the reader).
    File(PathBuf),
}

/// A token reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefError {
    /// No `scheme:` prefix.
    #[error("token reference `{0}` has no scheme: write `env:VAR`, `keyring:KEY` or `file:PATH`")]
    NoScheme(String),
    /// A scheme other than env, keyring or file.
    #[error("token reference scheme `{0}` is unknown: use `env:`, `keyring:` or `file:`")]
    UnknownScheme(String),
    /// Nothing after the scheme.
    #[error("token reference `{0}` names nothing after the scheme")]
    Empty(String),
    /// `env:` with a name that is not an environment variable name.
    #[error(
        "`{0}` is not an environment variable name (letters, digits and `_`, not starting with a digit)"
    )]
    BadVar(String),
    /// The value looks like a token itself.
    #[error(
        "this looks like a token value, not a reference to one: keep the token out of the file and write `env:VAR`, `keyring:KEY` or `file:PATH`"
    )]
    LooksLikeToken,
}

/// Prefixes of GitHub and GitLab personal tokens.
const TOKEN_PREFIXES: &[&str] = &["ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-"];

fn is_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn looks_like_token(s: &str) -> bool {
    TOKEN_PREFIXES.iter().any(|p| s.starts_with(p))
        || (s.len() >= 32 && s.chars().all(|c| c.is_ascii_hexdigit()))
}

impl FromStr for TokenRef {
    type Err = TokenRefError;

    fn from_str(s: &str) -> Result<Self, TokenRefError> {
        if looks_like_token(s) {
            return Err(TokenRefError::LooksLikeToken);
        }
        let Some((scheme, rest)) = s.split_once(':') else {
            return Err(TokenRefError::NoScheme(s.to_owned()));
        };
        if rest.is_empty() {
            return Err(TokenRefError::Empty(s.to_owned()));
        }
        match scheme {
            "env" if is_var_name(rest) => Ok(Self::Env(rest.to_owned())),
            "env" => Err(TokenRefError::BadVar(rest.to_owned())),
            "keyring" => Ok(Self::Keyring(rest.to_owned())),
            "file" => Ok(Self::File(PathBuf::from(rest))),
            other => Err(TokenRefError::UnknownScheme(other.to_owned())),
        }
    }
}

impl TryFrom<String> for TokenRef {
    type Error = TokenRefError;
    fn try_from(s: String) -> Result<Self, TokenRefError> {
        s.parse()
    }
}

impl fmt::Display for TokenRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(v) => write!(f, "env:{v}"),
            Self::Keyring(k) => write!(f, "keyring:{k}"),
            Self::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

impl From<TokenRef> for String {
    fn from(t: TokenRef) -> String {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme_and_round_trips() {
        for (text, want) in [
            ("env:GITHUB_TOKEN", TokenRef::Env("GITHUB_TOKEN".into())),
            (
                "keyring:hyperforge/codeberg",
                TokenRef::Keyring("hyperforge/codeberg".into()),
            ),
            ("file:~/.config/tok", TokenRef::File("~/.config/tok".into())),
        ] {
            let got: TokenRef = text.parse().unwrap();
            assert_eq!(got, want);
            assert_eq!(got.to_string(), text);
        }
    }

    #[test]
    fn refusals_say_what_to_write() {
        let err = |s: &str| s.parse::<TokenRef>().unwrap_err().to_string();
        assert_eq!(
            err("GITHUB_TOKEN"),
            "token reference `GITHUB_TOKEN` has no scheme: write `env:VAR`, `keyring:KEY` or `file:PATH`"
        );
        assert_eq!(
            err("vault:x"),
            "token reference scheme `vault` is unknown: use `env:`, `keyring:` or `file:`"
        );
        assert_eq!(
            err("env:"),
            "token reference `env:` names nothing after the scheme"
        );
        assert!(err("env:1X").starts_with("`1X` is not an environment variable name"));
        assert!(err("ghp_abcdef").starts_with("this looks like a token value"));
        assert!(err(&"a".repeat(40)).starts_with("this looks like a token value"));
    }
}
