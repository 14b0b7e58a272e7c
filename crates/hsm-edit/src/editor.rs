//! The `hsm.yaml` editor: parsing, printing, the edit transaction and top-level keys.
//!
//! Every mutator funnels through [`ManifestEditor::edit`], which works on a snapshot, re-reads
//! the result as a typed [`hsm_schema::Manifest`] and only then adopts it. So a command can
//! call a mutator and write the text without further checks: it is either unchanged, or a
//! manifest `hsm` loads.

use std::fmt;
use std::path::Path;

use hsm_schema::{Manifest, Mode};
use yaml_edit::YamlFile;

use crate::ManifestEditError;
use crate::draft::{Draft, parse_file};
use crate::nodes::{ensure_mapping, mapping_at, scalar_string, set_scalar, shape};

/// An `hsm.yaml` being edited, comments and layout included.
#[derive(Debug)]
pub struct ManifestEditor {
    file: YamlFile,
}

impl ManifestEditor {
    /// Parses manifest text. Empty (or comment-only) text is an empty mapping.
    ///
    /// Only the YAML syntax and a mapping at the top are required here; schema problems
    /// surface when an edit validates its result.
    pub fn parse(text: &str) -> Result<Self, ManifestEditError> {
        if let Some(loc) = infra_yaml::PathIndex::build(text).first_alias() {
            return Err(ManifestEditError::Aliased { line: loc.line });
        }
        Ok(Self {
            file: parse_file(text)?,
        })
    }

    /// Runs `f` on a working copy and adopts it if `f` reports a change, the text really
    /// differs and the result is a valid manifest.
    pub(crate) fn edit(
        &mut self,
        f: impl FnOnce(&mut Draft) -> Result<bool, ManifestEditError>,
    ) -> Result<bool, ManifestEditError> {
        let before = self.file.to_string();
        let mut draft = Draft::of(&self.file);
        if !f(&mut draft)? {
            return Ok(false);
        }
        let after = draft.text();
        if after == before {
            return Ok(false);
        }
        validate_manifest(&after)?;
        self.file = draft.into_file();
        Ok(true)
    }

    /// Reads through a working copy (the tree API needs no mutation, but shares the helpers).
    pub(crate) fn view(&self) -> Draft {
        Draft::of(&self.file)
    }

    /// Sets (`Some`) or removes (`None`) the per-component override under `modes:`.
    ///
    /// `modes:` is created when needed and removed when its last entry goes.
    pub fn set_mode_override(
        &mut self,
        name: &str,
        mode: Option<Mode>,
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| {
            let root = d.root()?;
            match mode {
                Some(mode) => {
                    let modes = ensure_mapping(&root, "modes", "modes")?;
                    Ok(set_scalar(&modes, name, mode.as_str()))
                }
                None => {
                    let modes = |r: &yaml_edit::Mapping| mapping_at(r, "modes", "modes");
                    if !d.remove_key(&modes, name)? {
                        return Ok(false);
                    }
                    let root = d.root()?;
                    if modes(&root)?.is_some_and(|m| m.is_empty()) {
                        d.remove_key(&|r| Ok(Some(r.clone())), "modes")?;
                    }
                    Ok(true)
                }
            }
        })
    }

    /// Sets (`Some`) or removes (`None`) a top-level scalar such as `mode`, `package_manager`
    /// or `registry`. The value is written as a string (quoted if it would read otherwise).
    pub fn set_top_scalar(
        &mut self,
        key: &str,
        value: Option<&str>,
    ) -> Result<bool, ManifestEditError> {
        self.edit(|d| {
            let root = d.root()?;
            if let Some(node) = root.get(key)
                && !node.is_scalar()
            {
                return Err(shape(key, "a scalar"));
            }
            match value {
                Some(value) => Ok(set_scalar(&root, key, value)),
                None => d.remove_key(&|r| Ok(Some(r.clone())), key),
            }
        })
    }

    /// The component names under `modes:`, in file order.
    pub fn mode_overrides(&self) -> Vec<String> {
        let Ok(root) = self.view().root() else {
            return Vec::new();
        };
        match mapping_at(&root, "modes", "modes") {
            Ok(Some(modes)) => modes.keys().filter_map(|k| scalar_string(&k)).collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for ManifestEditor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::draft::with_final_newline(self.file.to_string()))
    }
}

/// Loads `text` as a manifest, mapping any problem to [`ManifestEditError::Invalid`].
pub(crate) fn validate_manifest(text: &str) -> Result<(), ManifestEditError> {
    infra_yaml::from_str::<Manifest>(Path::new("hsm.yaml"), text)
        .map(drop)
        .map_err(|e| ManifestEditError::Invalid(e.to_string()))
}
