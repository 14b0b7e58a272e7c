//! Container restart policies (`restart:`).
//!
//! Compose passes `restart` to the engine as text and the engine is the first to complain
//! about `allways` or `on-failure:three`, after the rest of the stack has started. Checking it
//! when the registry is read puts the error on the registry line instead.
//!
//! Accepted, exactly as the engine spells them (lower case): `no`, `always`, `on-failure`,
//! `on-failure:N` (N a whole number of retries, `0` meaning no limit) and `unless-stopped`.
//!
//! YAML 1.1 reads an unquoted `no` as the boolean false, and so does the YAML parser hsm uses
//! when a value's type is not fixed. [`RestartPolicy`] asks the parser for text, so `restart:
//! no` works unquoted; if a parser still hands over a boolean, `false` is taken as `no` (the
//! only reading that makes sense) and `true` is an error.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::quote::code;

const EXPECTED: &str =
    "expected `no`, `always`, `on-failure`, `on-failure:N` (N retries) or `unless-stopped`";

/// When Docker restarts a container that stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum RestartPolicy {
    /// Never (`no`, the engine's default).
    #[default]
    No,
    /// Always, including after the daemon restarts (`always`).
    Always,
    /// After a non-zero exit (`on-failure`), at most `max_retries` times when given
    /// (`on-failure:5`; `0` means no limit, as for the engine).
    OnFailure {
        /// Retry limit written after `:`.
        max_retries: Option<u32>,
    },
    /// Always, unless it was stopped by hand (`unless-stopped`).
    UnlessStopped,
}

impl RestartPolicy {
    /// Parses a policy as written in a compose file.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "no" => return Ok(Self::No),
            "always" => return Ok(Self::Always),
            "on-failure" => return Ok(Self::OnFailure { max_retries: None }),
            "unless-stopped" => return Ok(Self::UnlessStopped),
            _ => {}
        }
        if let Some((name, count)) = s.split_once(':') {
            if name == "on-failure" {
                return match count.parse::<u32>() {
                    Ok(n) if count.bytes().all(|b| b.is_ascii_digit()) => Ok(Self::OnFailure {
                        max_retries: Some(n),
                    }),
                    _ => Err(format!(
                        "{} in {} is not a retry count: expected a whole number, as in \
                         `on-failure:3`",
                        code(count),
                        code(s)
                    )),
                };
            }
            if Self::parse(name).is_ok() {
                return Err(format!(
                    "{} is not a restart policy: only `on-failure` takes a retry count",
                    code(s)
                ));
            }
        }
        let lower = s.to_ascii_lowercase();
        if lower != s && Self::parse(&lower).is_ok() {
            return Err(format!(
                "{} is not a restart policy: write it in lower case, {}",
                code(s),
                code(&lower)
            ));
        }
        Err(format!("{} is not a restart policy: {EXPECTED}", code(s)))
    }

    /// The retry limit of `on-failure:N`.
    pub fn max_retries(self) -> Option<u32> {
        match self {
            Self::OnFailure { max_retries } => max_retries,
            _ => None,
        }
    }
}

impl fmt::Display for RestartPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::No => f.write_str("no"),
            Self::Always => f.write_str("always"),
            Self::OnFailure { max_retries: None } => f.write_str("on-failure"),
            Self::OnFailure {
                max_retries: Some(n),
            } => write!(f, "on-failure:{n}"),
            Self::UnlessStopped => f.write_str("unless-stopped"),
        }
    }
}

impl FromStr for RestartPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for RestartPolicy {
    /// The policy as a string (`no` is a string, never a boolean).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

struct RestartVisitor;

impl Visitor<'_> for RestartVisitor {
    type Value = RestartPolicy;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED.trim_start_matches("expected "))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RestartPolicy, E> {
        RestartPolicy::parse(v).map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RestartPolicy, E> {
        if v {
            Err(E::custom(format!(
                "`true` is not a restart policy: {EXPECTED}"
            )))
        } else {
            Ok(RestartPolicy::No)
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RestartPolicy, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RestartPolicy, E> {
        self.visit_str(&v.to_string())
    }
}

impl<'de> Deserialize<'de> for RestartPolicy {
    /// A policy string; see the module documentation for `no` and booleans.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(RestartVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn policies() {
        for (s, p) in [
            ("no", RestartPolicy::No),
            ("always", RestartPolicy::Always),
            ("on-failure", RestartPolicy::OnFailure { max_retries: None }),
            (
                "on-failure:3",
                RestartPolicy::OnFailure {
                    max_retries: Some(3),
                },
            ),
            (
                "on-failure:0",
                RestartPolicy::OnFailure {
                    max_retries: Some(0),
                },
            ),
            ("unless-stopped", RestartPolicy::UnlessStopped),
        ] {
            assert_eq!(RestartPolicy::parse(s), Ok(p), "{s}");
            assert_eq!(p.to_string(), s);
        }
        assert_eq!(
            RestartPolicy::parse("on-failure:5").unwrap().max_retries(),
            Some(5)
        );
        assert_eq!(RestartPolicy::Always.max_retries(), None);
    }

    #[test]
    fn errors() {
        assert_eq!(
            RestartPolicy::parse("allways").unwrap_err(),
            "`allways` is not a restart policy: expected `no`, `always`, `on-failure`, \
             `on-failure:N` (N retries) or `unless-stopped`"
        );
        assert_eq!(
            RestartPolicy::parse("on-failure:three").unwrap_err(),
            "`three` in `on-failure:three` is not a retry count: expected a whole number, as in \
             `on-failure:3`"
        );
        assert_eq!(
            RestartPolicy::parse("always:3").unwrap_err(),
            "`always:3` is not a restart policy: only `on-failure` takes a retry count"
        );
        assert_eq!(
            RestartPolicy::parse("Always").unwrap_err(),
            "`Always` is not a restart policy: write it in lower case, `always`"
        );
        for bad in [
            "",
            "on-failure:",
            "on-failure:-1",
            "on-failure:+1",
            " no",
            "never",
        ] {
            assert!(RestartPolicy::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Svc {
        restart: Vec<RestartPolicy>,
    }

    fn load(text: &str) -> Result<Svc, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("c.yaml"), text)
    }

    #[test]
    fn yaml_unquoted_no_is_the_policy() {
        let s = load("restart: [no, \"no\", always, on-failure:2]\n").unwrap();
        assert_eq!(s.restart[0], RestartPolicy::No);
        assert_eq!(s.restart[1], RestartPolicy::No);
        assert_eq!(s.restart[3].max_retries(), Some(2));
    }

    #[test]
    fn yaml_bad_value_is_located() {
        let e = load("restart:\n  - always\n  - sometimes\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("restart[1]"), "{e:?}");
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(
            e.message.starts_with("`sometimes` is not a restart policy"),
            "{e:?}"
        );
    }

    #[test]
    fn yaml_round_trip() {
        let s = load("restart: [no, unless-stopped, on-failure:4]\n").unwrap();
        let yaml = serde_saphyr::to_string(&s).unwrap();
        assert_eq!(load(&yaml).unwrap(), s, "{yaml}");
    }

    #[test]
    fn booleans_from_a_typeless_parser() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{BoolDeserializer, Error};
        let d: BoolDeserializer<Error> = false.into_deserializer();
        assert_eq!(RestartPolicy::deserialize(d), Ok(RestartPolicy::No));
        let d: BoolDeserializer<Error> = true.into_deserializer();
        assert!(RestartPolicy::deserialize(d).is_err());
    }
}
