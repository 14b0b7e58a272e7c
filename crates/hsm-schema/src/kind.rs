//! Package or container: the one distinction that runs through the whole model.
//!
//! Registry folders, `hsm.yaml` sections, groups, implications and CLI arguments all come in
//! a package and a container flavour. One enum names it everywhere, instead of booleans and
//! parallel enums that each spell it again.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Python package or a container (service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentKind {
    /// A Python package, installed by the package adapter.
    Package,
    /// A service, run by Docker Compose (or reached externally).
    Container,
}

impl ComponentKind {
    /// Both kinds, packages first.
    pub const ALL: [ComponentKind; 2] = [ComponentKind::Package, ComponentKind::Container];

    /// `package` / `container`.
    pub fn noun(self) -> &'static str {
        match self {
            ComponentKind::Package => "package",
            ComponentKind::Container => "container",
        }
    }

    /// `packages` / `containers`.
    pub fn plural(self) -> &'static str {
        match self {
            ComponentKind::Package => "packages",
            ComponentKind::Container => "containers",
        }
    }

    /// `package group` / `container group`.
    pub fn group_noun(self) -> &'static str {
        match self {
            ComponentKind::Package => "package group",
            ComponentKind::Container => "container group",
        }
    }

    /// The `type:` of a group file: `package_group` / `container_group`.
    pub fn group_type(self) -> &'static str {
        match self {
            ComponentKind::Package => "package_group",
            ComponentKind::Container => "container_group",
        }
    }

    /// Parses a group `type:` (`package_group` / `container_group`).
    pub fn from_group_type(s: &str) -> Option<Self> {
        match s {
            "package_group" => Some(ComponentKind::Package),
            "container_group" => Some(ComponentKind::Container),
            _ => None,
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

impl FromStr for ComponentKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "package" => Ok(ComponentKind::Package),
            "container" => Ok(ComponentKind::Container),
            other => Err(format!(
                "`{other}` is not a component kind: expected `package` or `container`"
            )),
        }
    }
}

/// Serde for a group file's `type:` field (`package_group` / `container_group`).
pub mod group_type {
    use serde::{Deserialize, Deserializer, Serializer, de};

    use super::ComponentKind;

    /// Serialises as `package_group` / `container_group`.
    pub fn serialize<S: Serializer>(kind: &ComponentKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.group_type())
    }

    /// Deserialises `package_group` / `container_group`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ComponentKind, D::Error> {
        let s = String::deserialize(d)?;
        ComponentKind::from_group_type(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "expected `package_group` or `container_group`, found `{s}`"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ComponentKind;

    #[test]
    fn names() {
        assert_eq!(ComponentKind::Container.group_type(), "container_group");
        assert_eq!(
            ComponentKind::from_group_type("package_group"),
            Some(ComponentKind::Package)
        );
        assert_eq!("container".parse(), Ok(ComponentKind::Container));
        assert!("service".parse::<ComponentKind>().is_err());
    }
}
