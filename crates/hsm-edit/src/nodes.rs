//! Typed looks at `yaml-edit` nodes, and creation of missing parents.
//!
//! `yaml-edit` answers with `Option`s and loosely typed nodes; a `null` value (`key:` with
//! nothing after it) shows up as a scalar. These helpers turn that into the three cases the
//! editor cares about (absent or null, the expected kind, anything else is a shape error) so
//! every operation treats odd hand-written input the same way.

use yaml_edit::{Mapping, ScalarValue, Sequence, YamlNode};

use crate::ManifestEditError;

/// The string value of a non-null scalar node.
pub(crate) fn scalar_string(node: &YamlNode) -> Option<String> {
    let scalar = node.as_scalar()?;
    (!scalar.is_null()).then(|| scalar.as_string())
}

/// Whether the node is a null scalar (`key:`, `~`, `null`).
pub(crate) fn is_null(node: &YamlNode) -> bool {
    node.as_scalar().is_some_and(yaml_edit::Scalar::is_null)
}

/// The string value of `key` in `map`, if it is a non-null scalar.
pub(crate) fn scalar_at(map: &Mapping, key: &str) -> Option<String> {
    map.get(key).as_ref().and_then(scalar_string)
}

/// The mapping under `key`: `None` when absent or null, an error when it is something else.
pub(crate) fn mapping_at(
    parent: &Mapping,
    key: &str,
    dotted: &str,
) -> Result<Option<Mapping>, ManifestEditError> {
    match parent.get(key) {
        None => Ok(None),
        Some(node) if is_null(&node) => Ok(None),
        Some(node) => node
            .as_mapping()
            .cloned()
            // `!!map {…}` is a mapping too; edits go inside and keep the tag.
            .or_else(|| node.as_tagged().and_then(yaml_edit::TaggedNode::as_mapping))
            .map(Some)
            .ok_or_else(|| shape(dotted, "a mapping")),
    }
}

/// The sequence under `key`: `None` when absent or null, an error when it is something else.
pub(crate) fn sequence_at(
    parent: &Mapping,
    key: &str,
    dotted: &str,
) -> Result<Option<Sequence>, ManifestEditError> {
    match parent.get(key) {
        None => Ok(None),
        Some(node) if is_null(&node) => Ok(None),
        Some(node) => node
            .as_sequence()
            .cloned()
            // `!!seq […]` is a list too; edits go inside and keep the tag.
            .or_else(|| {
                node.as_tagged()
                    .and_then(yaml_edit::TaggedNode::as_sequence)
            })
            .map(Some)
            .ok_or_else(|| shape(dotted, "a list")),
    }
}

/// Follows `path` through nested mappings from `root`; `None` if any step is absent or null.
pub(crate) fn mapping_path(
    root: &Mapping,
    path: &[&str],
) -> Result<Option<Mapping>, ManifestEditError> {
    let mut current = root.clone();
    for (i, key) in path.iter().enumerate() {
        let dotted = path[..=i].join(".");
        match mapping_at(&current, key, &dotted)? {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// The mapping under `key`, created (block style) when absent or null.
///
/// An empty flow `{}` is turned into a pending block mapping: YAML cannot write an empty block
/// mapping, so `{}` says nothing about the style the user wants once it has entries, and
/// entries added one by one read best as a block.
pub(crate) fn ensure_mapping(
    parent: &Mapping,
    key: &str,
    dotted: &str,
) -> Result<Mapping, ManifestEditError> {
    let existing = mapping_at(parent, key, dotted)?;
    if let Some(map) = existing.as_ref().filter(|m| !m.is_empty()) {
        return Ok(map.clone());
    }
    parent.set(key, Mapping::new());
    parent
        .get_mapping(key)
        .ok_or_else(|| ManifestEditError::Invalid(format!("could not create `{dotted}`")))
}

/// Follows `path` from `root`, creating missing mappings on the way.
pub(crate) fn ensure_mapping_path(
    root: &Mapping,
    path: &[&str],
) -> Result<Mapping, ManifestEditError> {
    let mut current = root.clone();
    for (i, key) in path.iter().enumerate() {
        current = ensure_mapping(&current, key, &path[..=i].join("."))?;
    }
    Ok(current)
}

/// The sequence under `key`, created (block style) when absent or null; an empty `[]` becomes
/// a pending block list for the same reason as in [`ensure_mapping`].
pub(crate) fn ensure_sequence(
    parent: &Mapping,
    key: &str,
    dotted: &str,
) -> Result<Sequence, ManifestEditError> {
    let existing = sequence_at(parent, key, dotted)?;
    if let Some(seq) = existing.as_ref().filter(|s| !s.is_empty()) {
        return Ok(seq.clone());
    }
    parent.set(key, Sequence::new());
    parent
        .get_sequence(key)
        .ok_or_else(|| ManifestEditError::Invalid(format!("could not create `{dotted}`")))
}

/// The items of a selection value: a scalar is one item, a list its scalar items.
pub(crate) fn string_list(node: &YamlNode) -> Option<Vec<String>> {
    if let Some(seq) = node.as_sequence() {
        return Some(seq.values().filter_map(|v| scalar_string(&v)).collect());
    }
    scalar_string(node).map(|s| vec![s])
}

/// Sets `key` to the string `value`; `false` if it already held exactly that string.
pub(crate) fn set_scalar(map: &Mapping, key: &str, value: &str) -> bool {
    if scalar_at(map, key).as_deref() == Some(value) {
        return false;
    }
    map.set(key, text(value));
    true
}

/// `value` as a string scalar that reads back as the same string. `yaml-edit` quotes what
/// YAML 1.2 would read otherwise (`yes`, `1.0`, `null`, …); hsm's loader also takes the
/// YAML 1.1 booleans `y` and `n` for booleans, so those are quoted too.
pub(crate) fn text(value: &str) -> ScalarValue {
    if matches!(value, "y" | "Y" | "n" | "N") {
        ScalarValue::double_quoted(value)
    } else {
        ScalarValue::string(value)
    }
}

/// The first key of a mapping as a string.
pub(crate) fn first_key(map: &Mapping) -> Option<String> {
    map.keys().next().as_ref().and_then(scalar_string)
}

pub(crate) fn shape(key: &str, expected: &'static str) -> ManifestEditError {
    ManifestEditError::Shape {
        key: key.to_string(),
        expected,
    }
}
