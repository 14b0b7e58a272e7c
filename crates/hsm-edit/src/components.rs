//! Standalone component entries: `packages:` and `services.containers:`.
//!
//! An entry is written in one of three forms (`- x`, `- x: dev`, `- {name: x, mode: dev,
//! profile: p}`), and the short form may also carry an options map (`- x: {mode: dev}`). Each
//! operation first recognises which form names the component, then edits that form in place
//! and only converts to a longer form when the new information does not fit the old one. The
//! earlier tool matched bare strings only and could not remove map-form entries; recognising
//! all forms in one place is what prevents that here.

use hsm_schema::Mode;
use yaml_edit::{Mapping, Sequence, YamlNode};

use crate::draft::Draft;
use crate::nodes::{
    ensure_mapping_path, ensure_sequence, first_key, mapping_path, scalar_at, scalar_string,
    sequence_at, set_scalar, text,
};
use hsm_schema::ComponentKind;

use crate::section::Sections;
use crate::{ManifestEditError, ManifestEditor};

/// Keys that make a map entry the full form.
const FULL_KEYS: [&str; 3] = ["name", "mode", "profile"];

/// How an entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `- x`
    Bare,
    /// `- x: dev`, `- x:` or `- x: {mode, profile}`
    Short,
    /// `- {name: x, …}`
    Full,
}

/// An entry naming the component searched for.
struct Found {
    index: usize,
    node: YamlNode,
    form: Form,
}

impl Found {
    fn mapping(&self) -> Result<Mapping, ManifestEditError> {
        self.node
            .as_mapping()
            .cloned()
            .ok_or_else(|| ManifestEditError::Invalid("entry changed shape".to_string()))
    }
}

/// The name an entry gives, and its form.
fn classify(node: &YamlNode) -> Option<(String, Form)> {
    if let Some(name) = scalar_string(node) {
        return Some((name, Form::Bare));
    }
    let map = node.as_mapping()?;
    let first = first_key(map)?;
    if FULL_KEYS.contains(&first.as_str()) {
        Some((scalar_at(map, "name")?, Form::Full))
    } else {
        Some((first, Form::Short))
    }
}

/// The list of `section`, if present.
fn list(root: &Mapping, section: ComponentKind) -> Result<Option<Sequence>, ManifestEditError> {
    let path = section.list_path();
    let (last, parents) = path
        .split_last()
        .ok_or_else(|| ManifestEditError::Invalid("empty path".to_string()))?;
    let Some(parent) = mapping_path(root, parents)? else {
        return Ok(None);
    };
    sequence_at(&parent, last, section.list_dotted())
}

/// The list of `section`, created with its parents if missing.
fn ensure_list(root: &Mapping, section: ComponentKind) -> Result<Sequence, ManifestEditError> {
    let path = section.list_path();
    let (last, parents) = path
        .split_last()
        .ok_or_else(|| ManifestEditError::Invalid("empty path".to_string()))?;
    let parent = ensure_mapping_path(root, parents)?;
    ensure_sequence(&parent, last, section.list_dotted())
}

/// Every entry of the list that names `name`.
fn find_all(seq: &Sequence, name: &str) -> Vec<Found> {
    seq.values()
        .enumerate()
        .filter_map(|(index, node)| {
            let (n, form) = classify(&node)?;
            (n == name).then_some(Found { index, node, form })
        })
        .collect()
}

fn find(d: &Draft, section: ComponentKind, name: &str) -> Result<Option<Found>, ManifestEditError> {
    let root = d.root()?;
    Ok(list(&root, section)?.and_then(|seq| find_all(&seq, name).into_iter().next()))
}

fn not_found(section: ComponentKind, name: &str) -> ManifestEditError {
    ManifestEditError::NotFound(format!("`{name}` in `{}`", section.list_dotted()))
}

/// A flow map `{name: x, mode: m, profile: p}`.
fn full_entry(name: &str, mode: Option<&str>, profile: Option<&str>) -> Mapping {
    let map = Mapping::new_flow();
    map.set("name", text(name));
    if let Some(mode) = mode {
        map.set("mode", mode);
    }
    if let Some(profile) = profile {
        map.set("profile", profile);
    }
    map
}

/// Sets the mode of an entry already found, in whichever form it is written.
fn set_mode_of(
    d: &mut Draft,
    section: ComponentKind,
    name: &str,
    found: &Found,
    mode: Mode,
) -> Result<bool, ManifestEditError> {
    match found.form {
        Form::Bare if FULL_KEYS.contains(&name) => {
            let root = d.root()?;
            let seq = list(&root, section)?.ok_or_else(|| not_found(section, name))?;
            Ok(seq.set(found.index, full_entry(name, Some(mode.as_str()), None)))
        }
        Form::Bare => {
            // Edit the text so that the name keeps its quoting and its inline comment stays on
            // the same line: `- x  # c` becomes `- x: dev  # c`.
            let root = d.root()?;
            let flow = list(&root, section)?.is_some_and(|s| s.is_flow_style() && !s.is_empty());
            let range = found.node.byte_range();
            let (start, end) = (range.start as usize, range.end as usize);
            let raw = d.text().get(start..end).unwrap_or(name).to_string();
            let with = if flow {
                format!("{{{raw}: {mode}}}")
            } else {
                format!("{raw}: {mode}")
            };
            d.splice(start..end, &with)?;
            Ok(true)
        }
        Form::Short => {
            let map = found.mapping()?;
            match map.get(name) {
                Some(value) if value.is_mapping() => {
                    let inner = map
                        .get_mapping(name)
                        .ok_or_else(|| not_found(section, name))?;
                    Ok(set_scalar(&inner, "mode", mode.as_str()))
                }
                _ => Ok(set_scalar(&map, name, mode.as_str())),
            }
        }
        Form::Full => Ok(set_scalar(&found.mapping()?, "mode", mode.as_str())),
    }
}

impl ManifestEditor {
    /// Adds `name` to the list of `section` (creating the list, and `services:`, if missing).
    ///
    /// Appends `- name`, or `- name: mode` when a mode is given. If the component is already
    /// listed, only a given mode that differs is applied; its form is otherwise kept.
    pub fn add_component(
        &mut self,
        section: ComponentKind,
        name: &str,
        mode: Option<Mode>,
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| {
            if let Some(found) = find(d, section, name)? {
                return match mode {
                    None => Ok(false),
                    Some(mode) => set_mode_of(d, section, name, &found, mode),
                };
            }
            let root = d.root()?;
            let seq = ensure_list(&root, section)?;
            match mode {
                None => seq.push(text(name)),
                Some(mode) if FULL_KEYS.contains(&name) => {
                    seq.push(full_entry(name, Some(mode.as_str()), None))
                }
                Some(mode) => {
                    // A fresh or emptied list is a block placeholder that still reports flow.
                    let flow = seq.is_flow_style() && !seq.is_empty();
                    let entry = if flow {
                        Mapping::new_flow()
                    } else {
                        Mapping::new()
                    };
                    entry.set(text(name), mode.as_str());
                    seq.push(entry);
                }
            }
            Ok(true)
        })
    }

    /// Removes every entry naming `name` from the list of `section`, whatever its form, with
    /// the comment lines written directly above it. Removing the last entry leaves `[]`.
    pub fn remove_component(
        &mut self,
        section: ComponentKind,
        name: &str,
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| {
            let mut changed = false;
            while let Some(found) = find(d, section, name)? {
                if !d.remove_item(&|root| list(root, section), found.index)? {
                    return Err(ManifestEditError::Invalid(format!(
                        "could not remove `{name}`"
                    )));
                }
                changed = true;
            }
            Ok(changed)
        })
    }

    /// Sets the mode of a listed component: `- x` becomes `- x: dev`, a short form gets its
    /// value (or options map) updated, a full map gets its `mode` key set.
    pub fn set_component_mode(
        &mut self,
        section: ComponentKind,
        name: &str,
        mode: Mode,
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| {
            let found = find(d, section, name)?.ok_or_else(|| not_found(section, name))?;
            set_mode_of(d, section, name, &found, mode)
        })
    }

    /// Sets (`Some`) or removes (`None`) the deployment profile of a listed container,
    /// rewriting `- x` / `- x: dev` as `- {name: x, mode: dev, profile: p}` when needed.
    pub fn set_component_profile(
        &mut self,
        name: &str,
        profile: Option<&str>,
    ) -> Result<bool, ManifestEditError> {
        let section = ComponentKind::Container;
        self.edit(|d| {
            let found = find(d, section, name)?.ok_or_else(|| not_found(section, name))?;
            let index = found.index;
            // Where the profile lives if the entry has a map for it.
            let holder = move |root: &Mapping| -> Result<Option<Mapping>, ManifestEditError> {
                let Some(item) = list(root, section)?.and_then(|s| s.get(index)) else {
                    return Ok(None);
                };
                let Some(map) = item.as_mapping() else {
                    return Ok(None);
                };
                Ok(match classify(&item).map(|(_, f)| f) {
                    Some(Form::Full) => Some(map.clone()),
                    Some(Form::Short) => map.get_mapping(name),
                    _ => None,
                })
            };
            let root = d.root()?;
            let holder_now = holder(&root)?;
            match (profile, holder_now) {
                (Some(p), Some(map)) => Ok(set_scalar(&map, "profile", p)),
                (Some(p), None) => {
                    let mode = match found.form {
                        Form::Short => scalar_at(&found.mapping()?, name),
                        _ => None,
                    };
                    let seq = list(&root, section)?.ok_or_else(|| not_found(section, name))?;
                    Ok(seq.set(index, full_entry(name, mode.as_deref(), Some(p))))
                }
                (None, Some(_)) => d.remove_key(&holder, "profile"),
                (None, None) => Ok(false),
            }
        })
    }

    /// Whether the list of `section` has an entry naming `name`, in any form.
    pub fn contains_component(&self, section: ComponentKind, name: &str) -> bool {
        find(&self.view(), section, name).is_ok_and(|f| f.is_some())
    }
}
