//! Where standalone components and group selections live in `hsm.yaml`.
//!
//! Packages sit at the top level while containers are nested under `services:`; naming the
//! section once here keeps every editing operation from spelling out the paths again.

/// A list of standalone components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// `packages:`.
    Packages,
    /// `services.containers:`.
    Containers,
}

impl Section {
    /// The keys leading to the list, outermost first.
    pub(crate) fn path(self) -> &'static [&'static str] {
        match self {
            Section::Packages => &["packages"],
            Section::Containers => &["services", "containers"],
        }
    }

    /// The dotted path, for messages.
    pub(crate) fn dotted(self) -> &'static str {
        match self {
            Section::Packages => "packages",
            Section::Containers => "services.containers",
        }
    }
}

/// A map of group selections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupSection {
    /// `package_groups:`.
    Package,
    /// `services.container_groups:`.
    Container,
}

impl GroupSection {
    /// The keys leading to the map, outermost first.
    pub(crate) fn path(self) -> &'static [&'static str] {
        match self {
            GroupSection::Package => &["package_groups"],
            GroupSection::Container => &["services", "container_groups"],
        }
    }

    /// The dotted path, for messages.
    pub(crate) fn dotted(self) -> &'static str {
        match self {
            GroupSection::Package => "package_groups",
            GroupSection::Container => "services.container_groups",
        }
    }
}
