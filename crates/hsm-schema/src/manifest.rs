//! The project manifest, `hsm.yaml`.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::{ComponentRef, Mode, ScalarString, StringOrList};

/// `hsm.yaml`: the desired stack of one project.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Manifest format version; only `1` exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
    /// Project metadata.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub project: ProjectMeta,
    /// Registry directory, relative to `hsm.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Package adapter: `uv` (default) or `pip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_manager: Option<PackageManagerName>,
    /// Default mode of every component (default `prod`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Standalone packages.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub packages: Vec<ComponentRef>,
    /// Package group selections.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub package_groups: IndexMap<String, GroupSelection>,
    /// Containers and container groups.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub services: Services,
    /// Per-component mode overrides (set by `hsm mode <component>`).
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub modes: IndexMap<String, Mode>,
    /// Docker Compose settings.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub compose: ComposeSettings,
    /// Environment settings.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub env: EnvSettings,
}

/// `project:`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectMeta {
    /// Project name (defaults to the directory name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free-form version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<ScalarString>,
}

/// The package adapter name (validated against the adapters hsm ships).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct PackageManagerName(pub String);

/// `services:`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Services {
    /// Standalone containers.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub containers: Vec<ComponentRef>,
    /// Container group selections.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub container_groups: IndexMap<String, GroupSelection>,
}

/// `compose:`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeSettings {
    /// The user's own compose file that the generated override layers onto (default
    /// `docker-compose.yml` when it exists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Compose project name passed as `-p` by `hsm up/down/ps/logs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
    /// The Compose command (`docker compose`, `docker-compose`, `podman compose`, …);
    /// default: `docker compose` when available, else `docker-compose`. `HSM_COMPOSE`
    /// overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// `env:`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSettings {
    /// Which components receive connection env of services.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub connections: ConnectionScope,
}

/// Who receives `<SERVICE>_HOST`/`_PORT`/… variables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionScope {
    /// Only components that imply the service (its consumers).
    #[default]
    Consumers,
    /// Every selected component.
    All,
}

/// A group entry in `hsm.yaml`: `{selection, mode?, profile?}` or just the selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSelection {
    /// Selected option(s); `None` means "use the group's default".
    pub selection: Option<StringOrList>,
    /// Mode of the selected option(s).
    pub mode: Option<Mode>,
    /// Deployment profile of the selected container(s).
    pub profile: Option<String>,
}

struct SelVisitor;

const SEL_FIELDS: &[&str] = &["selection", "mode", "profile", "strategy"];

impl<'de> Visitor<'de> for SelVisitor {
    type Value = GroupSelection;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`{selection, mode, profile}` or an option name")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(GroupSelection::default())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(GroupSelection {
            selection: Some(StringOrList::One(v.to_string())),
            ..GroupSelection::default()
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::new();
        while let Some(s) = seq.next_element::<String>()? {
            v.push(s);
        }
        Ok(GroupSelection {
            selection: Some(StringOrList::Many(v)),
            ..GroupSelection::default()
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = GroupSelection::default();
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "selection" => out.selection = map.next_value()?,
                "mode" => out.mode = map.next_value()?,
                "profile" => out.profile = map.next_value()?,
                // Accepted for compatibility with manifests written by the earlier tool;
                // the registry group file is the source of truth for the strategy.
                "strategy" => {
                    map.next_value::<de::IgnoredAny>()?;
                }
                other => return Err(de::Error::unknown_field(other, SEL_FIELDS)),
            }
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for GroupSelection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SelVisitor)
    }
}

impl Serialize for GroupSelection {
    /// `{selection, mode, profile}` with absent keys left out.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(sel) = &self.selection {
            map.serialize_entry("selection", sel)?;
        }
        if let Some(mode) = &self.mode {
            map.serialize_entry("mode", mode)?;
        }
        if let Some(profile) = &self.profile {
            map.serialize_entry("profile", profile)?;
        }
        map.end()
    }
}
