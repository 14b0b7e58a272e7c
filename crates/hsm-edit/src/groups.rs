//! Group selections: `package_groups:` and `services.container_groups:`.
//!
//! A group entry is a map `{selection, mode?, profile?}` or, as a shorthand, just the
//! selection (a name or a list). Changing the selection must keep `mode`/`profile` (the earlier
//! tool rewrote the whole entry and lost them), so edits go to the `selection` key of the
//! existing map, and the shorthand is expanded to a map only when a second field is needed.

use yaml_edit::{Mapping, Sequence};

use crate::draft::Draft;
use crate::nodes::{
    ensure_mapping_path, is_null, mapping_path, scalar_at, set_scalar, string_list, text,
};
use hsm_schema::ComponentKind;

use crate::section::Sections;
use crate::{ManifestEditError, ManifestEditor};

/// The fields of a group entry besides `selection` that can be set.
const FIELDS: [&str; 2] = ["mode", "profile"];

/// The groups map of `section`, if present.
fn groups(root: &Mapping, section: ComponentKind) -> Result<Option<Mapping>, ManifestEditError> {
    mapping_path(root, section.groups_path())
}

/// The group's map entry, if present and written as a map.
fn group_map(
    root: &Mapping,
    section: ComponentKind,
    group: &str,
) -> Result<Option<Mapping>, ManifestEditError> {
    Ok(groups(root, section)?.and_then(|g| g.get_mapping(group)))
}

/// Writes `selection` into a group map: one item as a scalar, several as a list (flow when the
/// map or the list it replaces is flow), none by removing the key (the group's default).
fn write_selection(
    d: &mut Draft,
    section: ComponentKind,
    group: &str,
    selection: &[String],
) -> Result<bool, ManifestEditError> {
    let root = d.root()?;
    let map = group_map(&root, section, group)?.ok_or_else(|| not_found(section, group))?;
    match selection {
        [] => d.remove_key(&|r| group_map(r, section, group), "selection"),
        [one] => Ok(set_scalar(&map, "selection", one)),
        many => {
            let flow = map.is_flow_style()
                || map
                    .get_sequence("selection")
                    .is_some_and(|s| s.is_flow_style() && !s.is_empty());
            map.set(
                "selection",
                if flow {
                    Sequence::new_flow()
                } else {
                    Sequence::new()
                },
            );
            let seq = map.get_sequence("selection").ok_or_else(|| {
                ManifestEditError::Invalid("could not write the selection".to_string())
            })?;
            for item in many {
                seq.push(text(item));
            }
            Ok(true)
        }
    }
}

/// Replaces the group's value with an empty map in the style of its parent and returns it.
fn replace_with_map(groups: &Mapping, group: &str) -> Result<Mapping, ManifestEditError> {
    groups.set(
        group,
        if groups.is_flow_style() {
            Mapping::new_flow()
        } else {
            Mapping::new()
        },
    );
    groups
        .get_mapping(group)
        .ok_or_else(|| ManifestEditError::Invalid(format!("could not create group `{group}`")))
}

fn not_found(section: ComponentKind, group: &str) -> ManifestEditError {
    ManifestEditError::NotFound(format!("group `{group}` in `{}`", section.groups_dotted()))
}

impl ManifestEditor {
    /// Selects `selection` in `group` (one item as `selection: x`, several as a list, none
    /// removes `selection` so the group's default applies), creating the entry and its parents
    /// if missing. `mode`/`profile` of an existing entry are kept; a shorthand entry
    /// (`group: x`) is rewritten as a map.
    pub fn set_group_selection(
        &mut self,
        section: ComponentKind,
        group: &str,
        selection: &[String],
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| {
            let root = d.root()?;
            let existing = groups(&root, section)?.and_then(|g| g.get(group));
            let create = match existing {
                None => true,
                Some(node) if is_null(&node) => !selection.is_empty(),
                Some(node) if node.is_mapping() => {
                    let current = node
                        .get("selection")
                        .and_then(|s| string_list(&s))
                        .unwrap_or_default();
                    if current == selection {
                        return Ok(false);
                    }
                    return write_selection(d, section, group, selection);
                }
                Some(node) if node.is_scalar() || node.is_sequence() => {
                    string_list(&node).unwrap_or_default() != selection
                }
                Some(_) => {
                    return Err(crate::nodes::shape(
                        &format!("{}.{group}", section.groups_dotted()),
                        "a map, a name or a list",
                    ));
                }
            };
            if !create {
                return Ok(false);
            }
            let parent = ensure_mapping_path(&root, section.groups_path())?;
            replace_with_map(&parent, group)?;
            write_selection(d, section, group, selection)?;
            Ok(true)
        })
    }

    /// The selected option(s) of `group`; `None` if the group is absent or uses its default.
    pub fn group_selection(&self, section: ComponentKind, group: &str) -> Option<Vec<String>> {
        let root = self.view().root().ok()?;
        let node = groups(&root, section).ok()??.get(group)?;
        match node.as_mapping() {
            Some(map) => map.get("selection").as_ref().and_then(string_list),
            None => string_list(&node),
        }
    }

    /// Removes `group` (and the comment lines above it).
    pub fn remove_group(
        &mut self,
        section: ComponentKind,
        group: &str,
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| d.remove_key(&|r| groups(r, section), group))
    }

    /// Sets (`Some`) or removes (`None`) the `mode` or `profile` key of a listed group; a
    /// shorthand entry is rewritten as a map to hold it.
    pub fn set_group_field(
        &mut self,
        section: ComponentKind,
        group: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<bool, ManifestEditError> {
        if !FIELDS.contains(&field) {
            return Err(ManifestEditError::Invalid(format!(
                "unknown group field `{field}`; expected `mode` or `profile`"
            )));
        }
        self.edit(|d| {
            let root = d.root()?;
            let Some(parent) = groups(&root, section)? else {
                return value.map_or(Ok(false), |_| Err(not_found(section, group)));
            };
            let Some(node) = parent.get(group) else {
                return value.map_or(Ok(false), |_| Err(not_found(section, group)));
            };
            match (value, node.as_mapping()) {
                (Some(v), Some(map)) => Ok(set_scalar(map, field, v)),
                (None, Some(map))
                    if scalar_at(map, field).is_none() && !map.contains_key(field) =>
                {
                    Ok(false)
                }
                (None, Some(_)) => d.remove_key(&|r| group_map(r, section, group), field),
                (None, None) => Ok(false),
                (Some(v), None) => {
                    let selection = string_list(&node).unwrap_or_default();
                    replace_with_map(&parent, group)?;
                    write_selection(d, section, group, &selection)?;
                    let root = d.root()?;
                    let map = group_map(&root, section, group)?
                        .ok_or_else(|| not_found(section, group))?;
                    map.set(field, v);
                    Ok(true)
                }
            }
        })
    }
}
