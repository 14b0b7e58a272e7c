//! Where standalone components and group selections live in `hsm.yaml`.
//!
//! Packages sit at the top level while containers are nested under `services:`; naming the
//! paths once here keeps every editing operation from spelling them out again.

use hsm_schema::ComponentKind;

/// The places in `hsm.yaml` that hold components and groups of one kind.
pub(crate) trait Sections {
    /// Keys leading to the list of standalone components, outermost first.
    fn list_path(self) -> &'static [&'static str];
    /// The dotted path of that list, for messages.
    fn list_dotted(self) -> &'static str;
    /// Keys leading to the map of group selections, outermost first.
    fn groups_path(self) -> &'static [&'static str];
    /// The dotted path of that map, for messages.
    fn groups_dotted(self) -> &'static str;
}

impl Sections for ComponentKind {
    fn list_path(self) -> &'static [&'static str] {
        match self {
            ComponentKind::Package => &["packages"],
            ComponentKind::Container => &["services", "containers"],
        }
    }

    fn list_dotted(self) -> &'static str {
        match self {
            ComponentKind::Package => "packages",
            ComponentKind::Container => "services.containers",
        }
    }

    fn groups_path(self) -> &'static [&'static str] {
        match self {
            ComponentKind::Package => &["package_groups"],
            ComponentKind::Container => &["services", "container_groups"],
        }
    }

    fn groups_dotted(self) -> &'static str {
        match self {
            ComponentKind::Package => "package_groups",
            ComponentKind::Container => "services.container_groups",
        }
    }
}
