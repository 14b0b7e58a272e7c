//! Registry group files: `<registry>/{package,container}_groups/<name>.yaml`.

use serde::{Deserialize, Serialize};

use crate::{ComponentKind, Implies, StringOrList};

/// A choice among packages or containers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Name; must match the file name.
    pub name: String,
    /// What the group chooses among (`type: package_group | container_group`); must match
    /// the folder.
    #[serde(rename = "type", with = "crate::kind::group_type")]
    pub kind: ComponentKind,
    /// Exactly one option (`1-of-N`) or any number (`M-of-N`).
    pub strategy: Strategy,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Container groups: the network name under which the selected option answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Selection used when the project names the group without a selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<StringOrList>,
    /// The options.
    pub options: Vec<GroupOption>,
}

/// Selection strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
pub enum Strategy {
    /// Exactly one option.
    #[default]
    #[serde(rename = "1-of-N")]
    OneOfN,
    /// Any number of options.
    #[serde(rename = "M-of-N")]
    MOfN,
}

impl Strategy {
    /// `1-of-N` / `M-of-N`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::OneOfN => "1-of-N",
            Strategy::MOfN => "M-of-N",
        }
    }

    /// Parses `1-of-N` / `M-of-N`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "1-of-N" => Some(Strategy::OneOfN),
            "M-of-N" => Some(Strategy::MOfN),
            _ => None,
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One option of a group.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupOption {
    /// Component name (a package or container in the registry).
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What choosing this option brings along.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Implies::is_empty"
    )]
    pub implies: Implies,
}
