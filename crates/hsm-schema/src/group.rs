//! Registry group files: `<registry>/{package,container}_groups/<name>.yaml`.

use serde::Deserialize;

use crate::{Implies, StringOrList};

/// A choice among packages or containers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Name; must match the file name.
    pub name: String,
    /// Package or container group; must match the folder.
    #[serde(rename = "type")]
    pub kind: GroupKind,
    /// Exactly one option (`1-of-N`) or any number (`M-of-N`).
    pub strategy: Strategy,
    /// The options.
    pub options: Vec<GroupOption>,
    /// Selection used when the project names the group without a selection.
    #[serde(default)]
    pub default: Option<StringOrList>,
    /// Container groups: the network name under which the selected option answers.
    #[serde(default)]
    pub alias: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// Kind of group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Chooses among packages.
    PackageGroup,
    /// Chooses among containers.
    ContainerGroup,
}

impl GroupKind {
    /// `package_group` / `container_group`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::PackageGroup => "package_group",
            GroupKind::ContainerGroup => "container_group",
        }
    }
}

/// Selection strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
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
}

/// One option of a group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupOption {
    /// Component name (a package or container in the registry).
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// What choosing this option brings along.
    #[serde(default)]
    pub implies: Implies,
}
