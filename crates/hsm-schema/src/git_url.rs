//! Repository URLs that hsm hands to `git clone`.
//!
//! A registry file names repositories that hsm clones on demand. A value starting with `-`
//! (`--upload-pack=…`) would be read by git as an *option*, which can run commands; a value
//! with whitespace or control characters is at best a typo. [`GitUrl`] rejects these where
//! they are written. (hsm should still pass `--` before the URL; this check is the second
//! line of defence and the one that gives a located error.)
//!
//! # Accepted forms
//!
//! * `https://`, `http://`, `ssh://`, `git://` and `file://` URLs (`git+ssh://` and
//!   `ssh+git://` are git's aliases of `ssh://`); schemes in any case. Except for `file://`,
//!   a host is required.
//! * scp-like `[user@]host:path` (`git@github.com:org/repo.git`), recognised as git does:
//!   a `:` with no `/` before it. `[host]:path` with a bracketed IPv6 host is accepted too.
//! * Local paths, absolute or relative (`/srv/repo.git`, `../repo`, `./repo`, `repo`).
//!
//! # Rejected
//!
//! * Empty values, values starting with `-`, whitespace and control characters anywhere.
//! * Other URL schemes (`ftp://`, `rsync://`, …) and git's remote-helper syntax
//!   (`ext::sh -c …`, `fd::…`): `ext::` runs arbitrary commands and is disabled in git by
//!   default; a registry has no business using it.
//!
//! Whether the repository exists, or the host resolves, is left to git.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::quote::code;

const EXPECTED: &str = "expected an `https://`, `http://`, `ssh://`, `git://` or `file://` URL, \
                        an scp-like `user@host:path`, or a local path";

/// How git will reach a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GitUrlKind {
    /// `https://…`.
    Https,
    /// `http://…`.
    Http,
    /// `ssh://…`, `git+ssh://…`, `ssh+git://…`.
    Ssh,
    /// `git://…` (the unauthenticated git protocol).
    Git,
    /// `file://…`.
    File,
    /// scp-like `[user@]host:path` (SSH).
    Scp,
    /// A path on this machine, absolute or relative.
    LocalPath,
}

/// A checked repository URL or path, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GitUrl {
    text: String,
    kind: GitUrlKind,
}

/// Whether `s` is a URL scheme: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

impl GitUrl {
    /// Checks `s` (see the module documentation).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err(format!("an empty repository URL: {EXPECTED}"));
        }
        let what = format!("{} is not a repository URL", code(s));
        if s.starts_with('-') {
            return Err(format!(
                "{what}: a value starting with `-` would be read as an option by `git clone`"
            ));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "{what}: it contains whitespace or control characters"
            ));
        }
        let kind = Self::classify(s).map_err(|why| format!("{what}: {why}"))?;
        Ok(Self {
            text: s.to_string(),
            kind,
        })
    }

    fn classify(s: &str) -> Result<GitUrlKind, String> {
        if let Some((scheme, rest)) = s.split_once("://")
            && is_scheme(scheme)
        {
            let kind = match scheme.to_ascii_lowercase().as_str() {
                "https" => GitUrlKind::Https,
                "http" => GitUrlKind::Http,
                "ssh" | "git+ssh" | "ssh+git" => GitUrlKind::Ssh,
                "git" => GitUrlKind::Git,
                "file" => GitUrlKind::File,
                _ => {
                    return Err(format!(
                        "`{scheme}://` is not a supported scheme; {EXPECTED}"
                    ));
                }
            };
            let authority = rest.split('/').next().unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            if kind == GitUrlKind::File {
                if rest.is_empty() {
                    return Err(
                        "expected a path after `file://`, as in `file:///srv/repo.git`".into(),
                    );
                }
            } else if host.is_empty() || host.starts_with(':') {
                return Err(format!(
                    "expected a host after `{scheme}://`, as in `{scheme}://example.com/repo.git`"
                ));
            }
            return Ok(kind);
        }
        if let Some((helper, _)) = s.split_once("::")
            && is_scheme(helper)
        {
            return Err(format!(
                "`{helper}::` is git's remote-helper syntax, which hsm does not allow; {EXPECTED}"
            ));
        }
        Self::classify_scp(s)
    }

    /// scp-like `[user@]host:path` when a `:` comes before any `/`; a local path otherwise.
    fn classify_scp(s: &str) -> Result<GitUrlKind, String> {
        let bracketed = s
            .split_once('[')
            .filter(|(user, _)| user.is_empty() || user.ends_with('@'))
            .and_then(|(_, rest)| rest.split_once("]:"));
        let (host, path) = match bracketed {
            Some((host, path)) if !host.contains('/') => (host, path),
            _ => match s.split_once(':') {
                Some((host, path)) if !host.contains('/') => (host, path),
                _ => return Ok(GitUrlKind::LocalPath),
            },
        };
        let host_only = host.rsplit('@').next().unwrap_or_default();
        if host_only.is_empty() {
            return Err(format!(
                "expected a host before `:`, as in `git@example.com:{path}`"
            ));
        }
        if path.is_empty() {
            return Err(format!(
                "expected a repository path after `:`, as in `{host}:org/repo.git`"
            ));
        }
        Ok(GitUrlKind::Scp)
    }

    /// The URL or path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How git will reach the repository.
    pub fn kind(&self) -> GitUrlKind {
        self.kind
    }

    /// Whether the repository is on this machine (`file://` or a path).
    pub fn is_local(&self) -> bool {
        matches!(self.kind, GitUrlKind::File | GitUrlKind::LocalPath)
    }
}

impl fmt::Display for GitUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for GitUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl AsRef<str> for GitUrl {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Serialize for GitUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

struct GitUrlVisitor;

impl Visitor<'_> for GitUrlVisitor {
    type Value = GitUrl;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a repository URL or path")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<GitUrl, E> {
        GitUrl::parse(v).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for GitUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(GitUrlVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn kind(s: &str) -> GitUrlKind {
        GitUrl::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .kind()
    }

    #[test]
    fn accepted_forms() {
        use GitUrlKind::*;
        for (s, k) in [
            ("https://github.com/org/repo.git", Https),
            ("HTTPS://github.com/org/repo", Https),
            ("https://user:token@example.com/r.git", Https),
            ("http://10.0.0.1:8080/r.git", Http),
            ("ssh://git@example.com:2222/org/repo.git", Ssh),
            ("git+ssh://git@example.com/org/repo.git", Ssh),
            ("git://example.com/repo.git", Git),
            ("file:///srv/git/repo.git", File),
            ("file://localhost/srv/repo", File),
            ("git@github.com:org/repo.git", Scp),
            ("example.com:repo.git", Scp),
            ("[::1]:repo.git", Scp),
            ("git@[fe80::1]:org/repo", Scp),
            ("/srv/git/repo.git", LocalPath),
            ("../repo", LocalPath),
            ("./repo", LocalPath),
            ("repo", LocalPath),
            ("./a:b", LocalPath),
            ("dir/with:colon", LocalPath),
        ] {
            assert_eq!(kind(s), k, "{s}");
            assert_eq!(GitUrl::parse(s).unwrap().to_string(), s);
        }
        assert!(GitUrl::parse("../repo").unwrap().is_local());
        assert!(!GitUrl::parse("git@h:r").unwrap().is_local());
    }

    #[test]
    fn errors() {
        assert_eq!(
            GitUrl::parse("--upload-pack=touch /tmp/x").unwrap_err(),
            "`--upload-pack=touch /tmp/x` is not a repository URL: a value starting with `-` \
             would be read as an option by `git clone`"
        );
        assert_eq!(
            GitUrl::parse("").unwrap_err(),
            "an empty repository URL: expected an `https://`, `http://`, `ssh://`, `git://` or \
             `file://` URL, an scp-like `user@host:path`, or a local path"
        );
        assert_eq!(
            GitUrl::parse("https://example.com/a repo").unwrap_err(),
            "`https://example.com/a repo` is not a repository URL: it contains whitespace or \
             control characters"
        );
        assert_eq!(
            GitUrl::parse("ftp://example.com/r.git").unwrap_err(),
            "`ftp://example.com/r.git` is not a repository URL: `ftp://` is not a supported \
             scheme; expected an `https://`, `http://`, `ssh://`, `git://` or `file://` URL, an \
             scp-like `user@host:path`, or a local path"
        );
        assert!(GitUrl::parse("ext::sh -c touch% /tmp/x").is_err());
        assert!(
            GitUrl::parse("ext::sh")
                .unwrap_err()
                .contains("remote-helper syntax"),
            "{}",
            GitUrl::parse("ext::sh").unwrap_err()
        );
        assert!(GitUrl::parse("-").is_err());
        assert!(
            GitUrl::parse("https://ex.com/r\n")
                .unwrap_err()
                .contains("`https://ex.com/r\\n`")
        );
        assert!(
            GitUrl::parse("https:///path")
                .unwrap_err()
                .contains("expected a host")
        );
        assert!(
            GitUrl::parse("ssh://git@/path")
                .unwrap_err()
                .contains("expected a host")
        );
        assert!(
            GitUrl::parse("file://")
                .unwrap_err()
                .contains("expected a path")
        );
        assert!(
            GitUrl::parse("git@host:")
                .unwrap_err()
                .contains("repository path")
        );
        assert!(
            GitUrl::parse(":repo")
                .unwrap_err()
                .contains("expected a host")
        );
        assert!(
            GitUrl::parse("git@:repo")
                .unwrap_err()
                .contains("expected a host")
        );
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Clone {
        url: GitUrl,
    }

    fn load(text: &str) -> Result<Clone, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("p.yaml"), text)
    }

    #[test]
    fn yaml_bad_value_is_located() {
        let e = load("\nurl: \"--upload-pack=x\"\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("url"), "{e:?}");
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(e.message.contains("read as an option"), "{e:?}");
    }

    #[test]
    fn yaml_round_trip() {
        let c = load("url: git@github.com:org/repo.git\n").unwrap();
        assert_eq!(c.url.kind(), GitUrlKind::Scp);
        let yaml = serde_saphyr::to_string(&c).unwrap();
        assert_eq!(load(&yaml).unwrap(), c, "{yaml}");
    }
}
