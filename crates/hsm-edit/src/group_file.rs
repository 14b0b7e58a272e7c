//! Option edits of registry group files (`<registry>/container_groups/<g>.yaml`).
//!
//! Registry files are hand-written and commented like `hsm.yaml`, so adding or removing an
//! option goes through the same comment-preserving editor, and the result is re-read as a
//! [`hsm_schema::GroupSpec`] before it is handed back.

use std::path::Path;

use hsm_schema::GroupSpec;
use infra_yaml::Diagnostic;
use yaml_edit::{Mapping, Sequence};

use crate::ManifestEditError;
use crate::draft::{Draft, parse_file};
use crate::nodes::{ensure_sequence, scalar_at, scalar_string, sequence_at};

/// Index of the option named `option` (`- name: x` or a bare `- x`).
fn find_option(seq: &Sequence, option: &str) -> Option<usize> {
    seq.values().position(|item| {
        let name = match item.as_mapping() {
            Some(map) => scalar_at(map, "name"),
            None => scalar_string(&item),
        };
        name.as_deref() == Some(option)
    })
}

fn options(root: &Mapping) -> Result<Option<Sequence>, ManifestEditError> {
    sequence_at(root, "options", "options")
}

/// Validates and returns the edited text.
fn finish(d: &Draft) -> Result<(String, bool), ManifestEditError> {
    let text = d.text();
    // The caller names the file in its own messages: only the key and the problem here.
    infra_yaml::from_str::<GroupSpec>(Path::new(""), &text).map_err(|e| {
        let e = Diagnostic::from(e);
        ManifestEditError::Invalid(match e.key {
            Some(k) => format!("`{k}`: {}", e.message),
            None => e.message,
        })
    })?;
    Ok((text, true))
}

/// Appends `- name: <option>` (with `description:` when given) to `options:`.
///
/// Returns the new text and `true`, or the input unchanged and `false` if the option is there.
pub fn add_group_option(
    text: &str,
    option: &str,
    description: Option<&str>,
) -> Result<(String, bool), ManifestEditError> {
    let file = parse_file(text)?;
    let d = Draft::of(&file);
    let root = d.root()?;
    if options(&root)?.is_some_and(|seq| find_option(&seq, option).is_some()) {
        return Ok((text.to_string(), false));
    }
    let seq = ensure_sequence(&root, "options", "options")?;
    let entry = if seq.is_flow_style() && !seq.is_empty() {
        Mapping::new_flow()
    } else {
        Mapping::new()
    };
    entry.set("name", crate::nodes::text(option));
    if let Some(description) = description {
        entry.set("description", description);
    }
    seq.push(entry);
    finish(&d)
}

/// Removes the option named `option` (and the comment lines above it) from `options:`.
///
/// Returns the new text and `true`, or the input unchanged and `false` if it is not there.
pub fn remove_group_option(text: &str, option: &str) -> Result<(String, bool), ManifestEditError> {
    let file = parse_file(text)?;
    let mut d = Draft::of(&file);
    let root = d.root()?;
    let Some(index) = options(&root)?.and_then(|seq| find_option(&seq, option)) else {
        return Ok((text.to_string(), false));
    };
    d.remove_item(&options, index)?;
    finish(&d)
}
