//! The process environment, read once.
//!
//! Product code never calls `std::env::var`: settings go through one snapshot, so a test can
//! hand a binary's library code an environment of its own, and a grep for the variable
//! names a product reads finds one module.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};

/// A snapshot of environment variables.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<OsString, OsString>,
}

impl Environment {
    /// The environment of this process.
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the process environment"
    )]
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars_os().collect(),
        }
    }

    /// An environment holding exactly `pairs` (for tests).
    pub fn from_pairs<K: Into<OsString>, V: Into<OsString>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`; an empty value counts as unset (as `NO_COLOR` and most tools
    /// treat it).
    pub fn get(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .get(OsStr::new(name))
            .map(OsString::as_os_str)
            .filter(|v| !v.is_empty())
    }

    /// The value of `name` as UTF-8 text, if set and valid.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(OsStr::to_str)
    }

    /// Whether `name` is set, but to an empty value (which [`get`](Self::get) treats as
    /// unset; a parser reading the environment itself may need telling).
    pub fn is_set_empty(&self, name: &str) -> bool {
        self.vars
            .get(OsStr::new(name))
            .is_some_and(|v| v.is_empty())
    }

    /// Whether `name` is set to a non-empty value.
    pub fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::Environment;

    #[test]
    fn empty_counts_as_unset() {
        let env = Environment::from_pairs([("A", "1"), ("EMPTY", "")]);
        assert_eq!(env.get_str("A"), Some("1"));
        assert!(env.get("EMPTY").is_none());
        assert!(!env.is_set("MISSING"));
    }
}
