//! `implies:` — what choosing a component or option brings along.
//!
//! Keys name a target by kind: `container:<name>` (with optional `params` for implication
//! merging), `package:<name>`, and `container_group:<group>` / `package_group:<group>` (which
//! force option(s) of that group). Parsing the key here, with a located error for an unknown
//! kind, keeps the resolver free of string handling.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::{ComponentKind, Mode, StringOrList};

/// The target of one implication: a component or a group, by kind and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImpliesTarget {
    /// A package or container.
    Component(ComponentKind, String),
    /// A package group or container group.
    Group(ComponentKind, String),
}

impl ImpliesTarget {
    /// Parses `kind:name`.
    pub fn parse(key: &str) -> Result<Self, String> {
        let Some((kind, name)) = key.split_once(':') else {
            return Err(format!(
                "implies key `{key}` has no kind; expected `container:<name>`, `package:<name>`, `container_group:<group>` or `package_group:<group>`"
            ));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("implies key `{key}` names nothing after `:`"));
        }
        let name = name.to_string();
        let kind = kind.trim();
        if let Ok(k) = kind.parse::<ComponentKind>() {
            return Ok(Self::Component(k, name));
        }
        match ComponentKind::from_group_type(kind) {
            Some(k) => Ok(Self::Group(k, name)),
            None => Err(format!(
                "unknown implies kind `{kind}` in `{key}`; expected `container`, `package`, `container_group` or `package_group`"
            )),
        }
    }

    /// The key as written (`container:postgres`).
    pub fn key(&self) -> String {
        match self {
            Self::Component(k, n) => format!("{}:{n}", k.noun()),
            Self::Group(k, n) => format!("{}:{n}", k.group_type()),
        }
    }
}

impl fmt::Display for ImpliesTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// One implication: a target and what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Implication {
    /// Bring a container, contributing `params` to its implication merge.
    Container {
        /// Container name.
        name: String,
        /// Params, each with one or more values in written order.
        params: IndexMap<String, Vec<String>>,
    },
    /// Bring a package, optionally in a given mode.
    Package {
        /// Package name.
        name: String,
        /// Mode override for the implied package.
        mode: Option<Mode>,
    },
    /// Force option(s) of a group.
    Group {
        /// What the group chooses among.
        kind: ComponentKind,
        /// Group name.
        group: String,
        /// Forced option names.
        options: Vec<String>,
    },
}

impl Implication {
    /// The target this implication points at.
    pub fn target(&self) -> ImpliesTarget {
        match self {
            Self::Container { name, .. } => {
                ImpliesTarget::Component(ComponentKind::Container, name.clone())
            }
            Self::Package { name, .. } => {
                ImpliesTarget::Component(ComponentKind::Package, name.clone())
            }
            Self::Group { kind, group, .. } => ImpliesTarget::Group(*kind, group.clone()),
        }
    }
}

/// All implications of one component or option, in written order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Implies(pub Vec<Implication>);

impl Implies {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ContainerValue {
    #[serde(default)]
    params: IndexMap<String, ParamValue>,
}

/// A param's value(s). Params are merged across implications and substituted into the
/// container's values as they are written, so a `${VAR}` in one would reach the container
/// as literal text: refused where it is written.
struct ParamValue(StringOrList);

impl<'de> Deserialize<'de> for ParamValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = StringOrList::deserialize(d)?;
        if v.to_vec().iter().any(|s| s.contains("${")) {
            return Err(de::Error::custom(
                "a param is used as written: `${…}` is not expanded in `params`; \
                 use the variable in the container's `env` instead",
            ));
        }
        Ok(Self(v))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PackageValue {
    #[serde(default)]
    mode: Option<Mode>,
}

struct ImpliesVisitor;

impl<'de> Visitor<'de> for ImpliesVisitor {
    type Value = Implies;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of `kind:name` targets")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Implies::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let target = ImpliesTarget::parse(&key).map_err(de::Error::custom)?;
            let imp = match target {
                ImpliesTarget::Component(ComponentKind::Container, name) => {
                    let v: Option<ContainerValue> = map.next_value()?;
                    let params = v
                        .unwrap_or_default()
                        .params
                        .into_iter()
                        .map(|(k, v)| (k, v.0.to_vec()))
                        .collect();
                    Implication::Container { name, params }
                }
                ImpliesTarget::Component(ComponentKind::Package, name) => {
                    let v: Option<PackageValue> = map.next_value()?;
                    Implication::Package {
                        name,
                        mode: v.and_then(|v| v.mode),
                    }
                }
                ImpliesTarget::Group(kind, group) => {
                    let v: StringOrList = map.next_value()?;
                    Implication::Group {
                        kind,
                        group,
                        options: v.to_vec(),
                    }
                }
            };
            out.push(imp);
        }
        Ok(Implies(out))
    }
}

impl<'de> Deserialize<'de> for Implies {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ImpliesVisitor)
    }
}

impl Serialize for Implies {
    /// As written: `container:<name>: {params: …}` (or `{}`), `package:<name>: {mode}`
    /// (or `{}`), `<kind>_group:<group>: option | [options]`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for i in &self.0 {
            let key = i.target().key();
            match i {
                Implication::Container { params, .. } => {
                    let params: IndexMap<&String, StringOrList> = params
                        .iter()
                        .map(|(k, v)| {
                            let v = match v.as_slice() {
                                [one] => StringOrList::One(one.clone()),
                                many => StringOrList::Many(many.to_vec()),
                            };
                            (k, v)
                        })
                        .collect();
                    if params.is_empty() {
                        map.serialize_entry(&key, &IndexMap::<String, String>::new())?;
                    } else {
                        let mut body = IndexMap::new();
                        body.insert("params", params);
                        map.serialize_entry(&key, &body)?;
                    }
                }
                Implication::Package { mode, .. } => {
                    let mut body = IndexMap::new();
                    if let Some(m) = mode {
                        body.insert("mode", *m);
                    }
                    map.serialize_entry(&key, &body)?;
                }
                Implication::Group { options, .. } => match options.as_slice() {
                    [one] => map.serialize_entry(&key, one)?,
                    many => map.serialize_entry(&key, many)?,
                },
            }
        }
        map.end()
    }
}
