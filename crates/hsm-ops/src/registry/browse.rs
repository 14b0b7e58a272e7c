//! Listing, searching and showing registry entries.

use hsm_registry::Kind;
use infra_yaml::did_you_mean;
use serde::Serialize;

use crate::{Context, OpsError};

/// One entry of a listing.
#[derive(Debug, Serialize)]
pub struct EntryItem {
    /// Name.
    pub name: String,
    /// Description, if it has one.
    pub description: Option<String>,
}

/// `hsm registry list|search`: entries per folder.
#[derive(Debug, Default, Serialize)]
pub struct ListReport {
    /// `packages/`.
    pub packages: Vec<EntryItem>,
    /// `containers/`.
    pub containers: Vec<EntryItem>,
    /// `package_groups/`.
    pub package_groups: Vec<EntryItem>,
    /// `container_groups/`.
    pub container_groups: Vec<EntryItem>,
}

impl ListReport {
    /// The entries of `kind`.
    pub fn of(&self, kind: Kind) -> &[EntryItem] {
        match kind {
            Kind::Component(hsm_schema::ComponentKind::Package) => &self.packages,
            Kind::Component(hsm_schema::ComponentKind::Container) => &self.containers,
            Kind::Group(hsm_schema::ComponentKind::Package) => &self.package_groups,
            Kind::Group(hsm_schema::ComponentKind::Container) => &self.container_groups,
        }
    }

    fn of_mut(&mut self, kind: Kind) -> &mut Vec<EntryItem> {
        match kind {
            Kind::Component(hsm_schema::ComponentKind::Package) => &mut self.packages,
            Kind::Component(hsm_schema::ComponentKind::Container) => &mut self.containers,
            Kind::Group(hsm_schema::ComponentKind::Package) => &mut self.package_groups,
            Kind::Group(hsm_schema::ComponentKind::Container) => &mut self.container_groups,
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        Kind::ALL.iter().map(|k| self.of(*k).len()).sum()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every entry, or those whose name or description contains `query` (case-insensitive).
pub fn list(ctx: &Context<'_>, query: Option<&str>) -> Result<ListReport, OpsError> {
    let reg = super::open(ctx)?;
    let q = query.map(str::to_lowercase);
    let mut out = ListReport::default();
    for kind in Kind::ALL {
        for name in reg.names(kind) {
            let description = reg.description(kind, name);
            if let Some(q) = &q {
                let hit = name.to_lowercase().contains(q.as_str())
                    || description
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(q.as_str());
                if !hit {
                    continue;
                }
            }
            out.of_mut(kind).push(EntryItem {
                name: name.to_string(),
                description,
            });
        }
    }
    Ok(out)
}

/// One file of `hsm registry show`.
#[derive(Debug, Serialize)]
pub struct ShowEntry {
    /// `package`, `container`, `package_group`, `container_group` in JSON.
    pub kind: Kind,
    /// Its file, as shown to the user.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// `hsm registry show`: every entry called `name` (a name may be a package and a group).
#[derive(Debug, Serialize)]
pub struct ShowReport {
    /// The name.
    pub name: String,
    /// The entries.
    pub entries: Vec<ShowEntry>,
}

/// The entries called `name`.
pub fn show(ctx: &Context<'_>, name: &str) -> Result<ShowReport, OpsError> {
    let reg = super::open(ctx)?;
    let found: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| reg.contains(*k, name))
        .collect();
    if found.is_empty() {
        let all: Vec<&str> = Kind::ALL.iter().flat_map(|k| reg.names(*k)).collect();
        return Err(OpsError::NoSuchEntry {
            name: name.to_string(),
            suggestion: did_you_mean(name, all),
        });
    }
    let mut entries = Vec::new();
    for k in found {
        let path = reg.display(&reg.path_of(k, name));
        entries.push(ShowEntry {
            kind: k,
            path: path.display().to_string(),
            text: reg.text(k, name)?,
        });
    }
    Ok(ShowReport {
        name: name.to_string(),
        entries,
    })
}
