//! Where variable values come from.

use indexmap::IndexMap;

/// Variable values: the process environment first, then the variables of a `.env` file —
/// the same precedence Docker Compose uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvSource {
    process: bool,
    dotenv: IndexMap<String, String>,
}

impl EnvSource {
    /// Values from the process environment, falling back to `dotenv`.
    pub fn new(dotenv: IndexMap<String, String>) -> Self {
        Self {
            process: true,
            dotenv,
        }
    }

    /// Values from `vars` only; the process environment is ignored (for tests and
    /// reproducible rendering).
    pub fn with_vars(vars: IndexMap<String, String>) -> Self {
        Self {
            process: false,
            dotenv: vars,
        }
    }

    /// The value of `name`, if set (possibly empty).
    pub fn get(&self, name: &str) -> Option<String> {
        self.process_value(name)
            .or_else(|| self.dotenv.get(name).cloned())
    }

    /// Where the value of `name` comes from: `"environment"` or `".env"`.
    pub fn origin(&self, name: &str) -> Option<&'static str> {
        if self.process_value(name).is_some() {
            Some("environment")
        } else if self.dotenv.contains_key(name) {
            Some(".env")
        } else {
            None
        }
    }

    /// The `.env` (or explicitly given) variables.
    pub fn dotenv(&self) -> &IndexMap<String, String> {
        &self.dotenv
    }

    #[allow(
        clippy::disallowed_methods,
        reason = "`${VAR}` interpolation reads the process environment, as Compose does"
    )]
    fn process_value(&self, name: &str) -> Option<String> {
        // Names the OS cannot hold would make `std::env` reject or panic.
        let valid = !name.is_empty() && !name.contains(['=', '\0']);
        if !(self.process && valid) {
            return None;
        }
        std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    reason = "the test compares with the real process environment"
)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn with_vars_ignores_process_environment() {
        let source = EnvSource::with_vars(map(&[("A", "1")]));
        assert_eq!(source.get("A").as_deref(), Some("1"));
        assert_eq!(source.origin("A"), Some(".env"));
        assert_eq!(source.get("PATH"), None);
        assert_eq!(source.origin("PATH"), None);
    }

    #[test]
    fn process_environment_wins_over_dotenv() {
        // PATH is always set for the test process; nothing here modifies the environment.
        let path = std::env::var("PATH").unwrap();
        let source = EnvSource::new(map(&[
            ("PATH", "from-dotenv"),
            ("ONLY_IN_DOTENV_4711", "d"),
        ]));
        assert_eq!(source.get("PATH"), Some(path));
        assert_eq!(source.origin("PATH"), Some("environment"));
        assert_eq!(source.get("ONLY_IN_DOTENV_4711").as_deref(), Some("d"));
        assert_eq!(source.origin("ONLY_IN_DOTENV_4711"), Some(".env"));
        assert_eq!(source.get("UNSET_EVERYWHERE_4711"), None);
    }

    #[test]
    fn names_the_os_cannot_hold_are_looked_up_in_dotenv_only() {
        let source = EnvSource::new(map(&[("A=B", "x"), ("", "empty")]));
        assert_eq!(source.get("A=B").as_deref(), Some("x"));
        assert_eq!(source.get("").as_deref(), Some("empty"));
        assert_eq!(source.get("NUL\0"), None);
    }
}
