//! How `hsm.yaml` names a standalone package or container.
//!
//! Three forms are accepted because the seeds use all of them: a bare name (`- redis`), a
//! one-key map naming the mode (`- neo4j-client: dev`), and the full map
//! (`- {name: graph, mode: dev, profile: managed-dev}`).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::Mode;

/// A standalone component entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRef {
    /// Registry name.
    pub name: String,
    /// Mode override.
    pub mode: Option<Mode>,
    /// Deployment profile (containers only).
    pub profile: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    mode: Option<Mode>,
    #[serde(default)]
    profile: Option<String>,
}

enum ShortValue {
    Mode(Mode),
    Options(Options),
}

struct ShortVisitor;

impl<'de> Visitor<'de> for ShortVisitor {
    type Value = ShortValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`dev`, `prod` or `{mode, profile}`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Mode::parse(v)
            .map(ShortValue::Mode)
            .ok_or_else(|| E::custom(format!("expected `dev` or `prod`, found `{v}`")))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Options::deserialize(de::value::MapAccessDeserializer::new(map)).map(ShortValue::Options)
    }
}

impl<'de> Deserialize<'de> for ShortValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ShortVisitor)
    }
}

struct RefVisitor;

impl<'de> Visitor<'de> for RefVisitor {
    type Value = ComponentRef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name, `name: dev|prod`, or `{name, mode, profile}`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Err(E::custom("component name is empty"));
        }
        Ok(ComponentRef {
            name: v.to_string(),
            mode: None,
            profile: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::custom(
                "empty mapping; expected a component name",
            ));
        };
        if matches!(first.as_str(), "name" | "mode" | "profile") {
            // Full form.
            let mut name = None;
            let mut mode = None;
            let mut profile = None;
            let mut key = Some(first);
            while let Some(k) = key {
                match k.as_str() {
                    "name" => name = Some(map.next_value::<String>()?),
                    "mode" => mode = Some(map.next_value::<Mode>()?),
                    "profile" => profile = Some(map.next_value::<String>()?),
                    other => {
                        return Err(de::Error::unknown_field(
                            other,
                            &["name", "mode", "profile"],
                        ));
                    }
                }
                key = map.next_key::<String>()?;
            }
            let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
            return Ok(ComponentRef {
                name,
                mode,
                profile,
            });
        }
        // Short form: `<name>: dev` or `<name>: {mode, profile}`.
        let value: Option<ShortValue> = map.next_value()?;
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "unexpected second key `{extra}`; write one component per list item"
            )));
        }
        let (mode, profile) = match value {
            None => (None, None),
            Some(ShortValue::Mode(m)) => (Some(m), None),
            Some(ShortValue::Options(o)) => (o.mode, o.profile),
        };
        Ok(ComponentRef {
            name: first,
            mode,
            profile,
        })
    }
}

impl<'de> Deserialize<'de> for ComponentRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RefVisitor)
    }
}

impl Serialize for ComponentRef {
    /// The shortest form that says it all: a bare name, `name: mode`, or the full map.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (&self.mode, &self.profile) {
            (None, None) => s.serialize_str(&self.name),
            (Some(mode), None) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry(&self.name, mode)?;
                map.end()
            }
            (mode, Some(profile)) => {
                let mut map = s.serialize_map(None)?;
                map.serialize_entry("name", &self.name)?;
                if let Some(mode) = mode {
                    map.serialize_entry("mode", mode)?;
                }
                map.serialize_entry("profile", profile)?;
                map.end()
            }
        }
    }
}
