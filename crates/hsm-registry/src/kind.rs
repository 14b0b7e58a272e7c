//! The four kinds of registry file and their folders.

use std::fmt;

/// A kind of registry entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `packages/`.
    Package,
    /// `containers/`.
    Container,
    /// `package_groups/`.
    PackageGroup,
    /// `container_groups/`.
    ContainerGroup,
}

impl Kind {
    /// All kinds, in display order.
    pub const ALL: [Kind; 4] = [
        Kind::Package,
        Kind::Container,
        Kind::PackageGroup,
        Kind::ContainerGroup,
    ];

    /// The folder name inside the registry.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Package => "packages",
            Kind::Container => "containers",
            Kind::PackageGroup => "package_groups",
            Kind::ContainerGroup => "container_groups",
        }
    }

    /// Singular noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Package => "package",
            Kind::Container => "container",
            Kind::PackageGroup => "package group",
            Kind::ContainerGroup => "container group",
        }
    }

    /// Parses a folder or noun (`package`, `container_group`, `packages`, …).
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "package" | "packages" => Some(Kind::Package),
            "container" | "containers" => Some(Kind::Container),
            "package_group" | "package_groups" | "package-group" => Some(Kind::PackageGroup),
            "container_group" | "container_groups" | "container-group" => {
                Some(Kind::ContainerGroup)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}
