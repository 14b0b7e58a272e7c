//! The four kinds of registry file and their folders.

use std::fmt;

use hsm_schema::ComponentKind;

/// A kind of registry entry: a component or a group of components, of either kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `packages/` or `containers/`.
    Component(ComponentKind),
    /// `package_groups/` or `container_groups/`.
    Group(ComponentKind),
}

impl Kind {
    /// `packages/`.
    pub const PACKAGE: Kind = Kind::Component(ComponentKind::Package);
    /// `containers/`.
    pub const CONTAINER: Kind = Kind::Component(ComponentKind::Container);
    /// `package_groups/`.
    pub const PACKAGE_GROUP: Kind = Kind::Group(ComponentKind::Package);
    /// `container_groups/`.
    pub const CONTAINER_GROUP: Kind = Kind::Group(ComponentKind::Container);

    /// All kinds, in display order.
    pub const ALL: [Kind; 4] = [
        Kind::PACKAGE,
        Kind::CONTAINER,
        Kind::PACKAGE_GROUP,
        Kind::CONTAINER_GROUP,
    ];

    /// What the entry is, or what its options are.
    pub fn member(self) -> ComponentKind {
        match self {
            Kind::Component(k) | Kind::Group(k) => k,
        }
    }

    /// The folder name inside the registry.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Component(k) => k.plural(),
            Kind::Group(ComponentKind::Package) => "package_groups",
            Kind::Group(ComponentKind::Container) => "container_groups",
        }
    }

    /// Singular noun for messages (`package`, `container group`).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Component(k) => k.noun(),
            Kind::Group(k) => k.group_noun(),
        }
    }

    /// The machine name, as in JSON output (`package`, `container_group`).
    pub fn id(self) -> &'static str {
        match self {
            Kind::Component(k) => k.noun(),
            Kind::Group(k) => k.group_type(),
        }
    }

    /// The command that writes such an entry, for hints.
    pub fn add_command(self, name: &str) -> String {
        match self {
            Kind::Component(ComponentKind::Container) => {
                format!("hsm registry container add {name} --image IMAGE")
            }
            Kind::Component(k) => format!("hsm registry {} add {name}", k.noun()),
            Kind::Group(k) => format!("hsm registry group add {name} --kind {}", k.noun()),
        }
    }
}

/// JSON shows the machine name ([`Kind::id`]); messages use [`Kind::noun`].
impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn folders_nouns_and_commands() {
        assert_eq!(Kind::CONTAINER_GROUP.folder(), "container_groups");
        assert_eq!(Kind::PACKAGE.folder(), "packages");
        assert_eq!(Kind::PACKAGE_GROUP.noun(), "package group");
        assert_eq!(
            Kind::PACKAGE_GROUP.add_command("web"),
            "hsm registry group add web --kind package"
        );
        assert_eq!(
            Kind::CONTAINER.add_command("pg"),
            "hsm registry container add pg --image IMAGE"
        );
    }
}
