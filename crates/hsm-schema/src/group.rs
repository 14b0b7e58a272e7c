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

/// A group file that parses but contradicts itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInconsistency {
    /// The key at fault (`default`, `options`).
    pub key: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl GroupSpec {
    /// The names of the options, in written order.
    pub fn option_names(&self) -> impl Iterator<Item = &str> {
        self.options.iter().map(|o| o.name.as_str())
    }

    /// What contradicts the rest of the file: an option listed twice, a default that is
    /// not an option, several defaults for a `1-of-N` group. Checked when the file is read,
    /// so the file is blamed, not the project that happens to use it.
    pub fn inconsistency(&self) -> Option<GroupInconsistency> {
        let names: Vec<&str> = self.option_names().collect();
        if let Some((i, dup)) = names
            .iter()
            .enumerate()
            .find(|(i, n)| names[..*i].contains(n))
        {
            return Some(GroupInconsistency {
                key: "options",
                message: format!("option `{dup}` is listed twice (again as option {})", i + 1),
                hint: "list each option once".into(),
            });
        }
        let defaults = self.default.as_ref().map(StringOrList::to_vec)?;
        if let Some(bad) = defaults.iter().find(|d| !names.contains(&d.as_str())) {
            return Some(GroupInconsistency {
                key: "default",
                message: format!("default `{bad}` is not one of the group's options"),
                hint: if names.is_empty() {
                    "add it to `options`, or remove `default`".into()
                } else {
                    format!(
                        "options: {}; add it to `options` or change `default`",
                        names.join(", ")
                    )
                },
            });
        }
        if self.strategy == Strategy::OneOfN && defaults.len() > 1 {
            return Some(GroupInconsistency {
                key: "default",
                message: format!("a 1-of-N group has one default, found {}", defaults.len()),
                hint: "keep one default, or make the group `strategy: M-of-N`".into(),
            });
        }
        None
    }
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
