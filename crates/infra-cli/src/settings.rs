//! Settings with provenance: flag > environment > file > default.
//!
//! Users ask "why did it use *that* registry?". Every setting therefore carries where its
//! value came from, and `-v` and error messages say so. The precedence is the same in every
//! product and every command: a command-line flag, then an environment variable, then the
//! product's file (`hsm.yaml`, …), then the built-in default.

use std::fmt;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// A command-line flag, e.g. `--registry`.
    Flag(&'static str),
    /// An environment variable, e.g. `HSM_REGISTRY_PATH`.
    Env(&'static str),
    /// A key of a file the user wrote.
    File {
        /// The file as shown to the user (`hsm.yaml`).
        file: String,
        /// The key (`registry`).
        key: String,
    },
    /// The built-in default, with a short description (`./hsm-registry`).
    Default(&'static str),
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::Flag(flag) => write!(f, "`{flag}`"),
            Provenance::Env(var) => write!(f, "`{var}`"),
            Provenance::File { file, key } => write!(f, "`{key}:` in {file}"),
            Provenance::Default(what) => write!(f, "the default `{what}`"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Its origin.
    pub provenance: Provenance,
}

impl<T> Setting<T> {
    /// A value with its origin.
    pub fn new(value: T, provenance: Provenance) -> Self {
        Self { value, provenance }
    }

    /// The first layer that is set, in precedence order (flag, env, file), else `default`.
    pub fn resolve(
        layers: impl IntoIterator<Item = Option<Setting<T>>>,
        default: Setting<T>,
    ) -> Self {
        layers.into_iter().flatten().next().unwrap_or(default)
    }

    /// The same provenance with a transformed value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Setting<U> {
        Setting {
            value: f(self.value),
            provenance: self.provenance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_set_layer_wins() {
        let s = Setting::resolve(
            [
                None,
                Some(Setting::new(2, Provenance::Env("X"))),
                Some(Setting::new(3, Provenance::Flag("--x"))),
            ],
            Setting::new(0, Provenance::Default("0")),
        );
        assert_eq!(s.value, 2);
        assert_eq!(s.provenance.to_string(), "`X`");
        let d = Setting::resolve([None], Setting::new(0, Provenance::Default("./r")));
        assert_eq!(d.provenance.to_string(), "the default `./r`");
        let f = Provenance::File {
            file: "hsm.yaml".into(),
            key: "registry".into(),
        };
        assert_eq!(f.to_string(), "`registry:` in hsm.yaml");
    }
}
