//! Development vs production mode of a component.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which source of a component is active: `dev` (local code, editable, build contexts) or
/// `prod` (published packages and images). The default is `prod`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local sources, editable installs, `build:` contexts, code volumes, debug env.
    Dev,
    /// Published packages and images.
    #[default]
    Prod,
}

impl Mode {
    /// The lower-case name as written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Dev => "dev",
            Mode::Prod => "prod",
        }
    }

    /// Parses `dev` / `prod`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dev" => Some(Mode::Dev),
            "prod" => Some(Mode::Prod),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
