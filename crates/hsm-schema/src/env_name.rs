//! Environment variable names (the keys of `env:` maps).
//!
//! hsm writes environment variables into compose files and `.env` files and exports them to
//! child processes. A key such as `BAD KEY`, `X=Y` or one holding a newline cannot be
//! exported, and in a `.env` file it would split into a different variable (or inject one).
//! Using [`EnvName`] as the key type of a map rejects such keys where they are written, with
//! the key's location.
//!
//! A name is `[A-Za-z_][A-Za-z0-9_]*`: the portable shell form (POSIX allows more in the
//! environment, but neither shells nor Compose's `.env` parser handle the rest reliably).

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::quote::code;

const EXPECTED: &str = "expected letters, digits and `_`, not starting with a digit";

/// A checked environment variable name. Orders, compares and hashes like its text, and
/// borrows as `str`, so a `BTreeMap<EnvName, _>` can be looked up with `map.get("PATH")`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnvName(String);

impl EnvName {
    /// Checks `s` (see the module documentation).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err(format!("an empty environment variable name: {EXPECTED}"));
        }
        let what = format!("{} is not an environment variable name", code(s));
        if let Some((name, _)) = s.split_once('=') {
            return Err(format!(
                "{what}: `=` separates a name from its value; write `{name}: <value>`"
            ));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(format!("{what}: it contains whitespace; {EXPECTED}"));
        }
        if s.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!("{what}: it starts with a digit; {EXPECTED}"));
        }
        if let Some(c) = s
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || c == '_'))
        {
            let shown: String = if c.is_control() {
                c.escape_default().collect()
            } else {
                c.to_string()
            };
            let hint = if c == '-' || c == '.' {
                format!("; write {} instead", code(&s.replace(['-', '.'], "_")))
            } else {
                String::new()
            };
            return Err(format!(
                "{what}: `{shown}` is not allowed; {EXPECTED}{hint}"
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EnvName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EnvName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for EnvName {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<String> for EnvName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl AsRef<str> for EnvName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for EnvName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for EnvName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

struct EnvNameVisitor;

impl Visitor<'_> for EnvNameVisitor {
    type Value = EnvName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an environment variable name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvName, E> {
        EnvName::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnvName, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnvName, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<EnvName, E> {
        self.visit_str(&v.to_string())
    }
}

impl<'de> Deserialize<'de> for EnvName {
    /// A name as text; YAML keys such as `1` or `on` are read as their text and checked.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(EnvNameVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::ScalarString;

    #[test]
    fn valid_names() {
        for ok in ["PATH", "_", "_X1", "a", "HSM_MERGED_PARAMS", "lower_case_9"] {
            assert_eq!(EnvName::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            EnvName::parse("BAD KEY").unwrap_err(),
            "`BAD KEY` is not an environment variable name: it contains whitespace; expected \
             letters, digits and `_`, not starting with a digit"
        );
        assert_eq!(
            EnvName::parse("X=Y").unwrap_err(),
            "`X=Y` is not an environment variable name: `=` separates a name from its value; \
             write `X: <value>`"
        );
        assert_eq!(
            EnvName::parse("A\nB").unwrap_err(),
            "`A\\nB` is not an environment variable name: it contains whitespace; expected \
             letters, digits and `_`, not starting with a digit"
        );
        assert_eq!(
            EnvName::parse("").unwrap_err(),
            "an empty environment variable name: expected letters, digits and `_`, not \
             starting with a digit"
        );
        assert_eq!(
            EnvName::parse("my-var").unwrap_err(),
            "`my-var` is not an environment variable name: `-` is not allowed; expected \
             letters, digits and `_`, not starting with a digit; write `my_var` instead"
        );
        assert!(
            EnvName::parse("1X")
                .unwrap_err()
                .contains("starts with a digit")
        );
        assert!(
            EnvName::parse("A\u{0}")
                .unwrap_err()
                .contains("`\\u{0}` is not allowed")
        );
        assert!(
            EnvName::parse("ÄRGER")
                .unwrap_err()
                .contains("`Ä` is not allowed")
        );
        assert!(EnvName::parse("$X").is_err());
    }

    #[test]
    fn map_lookup_by_str() {
        let mut m = BTreeMap::new();
        m.insert(EnvName::parse("B").unwrap(), 2);
        m.insert(EnvName::parse("A").unwrap(), 1);
        assert_eq!(m.get("A"), Some(&1));
        let keys: Vec<&str> = m.keys().map(EnvName::as_str).collect();
        assert_eq!(keys, ["A", "B"]);
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Spec {
        env: BTreeMap<EnvName, ScalarString>,
    }

    fn load(text: &str) -> Result<Spec, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("p.yaml"), text)
    }

    #[test]
    fn yaml_map_keys() {
        let s = load("env:\n  DB_HOST: localhost\n  PORT: 5432\n").unwrap();
        assert_eq!(s.env["PORT"].as_str(), "5432");
    }

    #[test]
    fn yaml_bad_key_is_located() {
        let e = load("env:\n  GOOD: 1\n  \"BAD KEY\": 2\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(
            e.key.as_deref().is_some_and(|k| k.starts_with("env")),
            "{e:?}"
        );
        assert!(
            e.message.starts_with("`BAD KEY` is not an environment"),
            "{e:?}"
        );
        let e = load("env:\n  \"X=Y\": 2\n").unwrap_err();
        assert!(e.message.contains("write `X: <value>`"), "{e:?}");
        let e = load("env:\n  \"A\\nB\": 2\n").unwrap_err();
        assert!(e.message.starts_with("`A\\nB`"), "{e:?}");
        let e = load("env:\n  \"\": 2\n").unwrap_err();
        assert!(
            e.message.starts_with("an empty environment variable name"),
            "{e:?}"
        );
        let e = load("env:\n  1: x\n").unwrap_err();
        assert!(e.message.contains("starts with a digit"), "{e:?}");
    }

    #[test]
    fn yaml_round_trip() {
        let s = load("env: {A: x, B_2: \"y z\"}\n").unwrap();
        let yaml = serde_saphyr::to_string(&s).unwrap();
        assert_eq!(load(&yaml).unwrap(), s, "{yaml}");
    }
}
