//! Commands that edit `hsm.yaml`: `mode`, `package|container add|remove`, `group
//! select|unselect`, `profile`, `set`.
//!
//! An edit holds the project's lock from before it reads `hsm.yaml` until it has written
//! it, keeps the user's comments and key order (`hsm-edit`), is checked against the registry
//! before anything is written (an edit that would break a valid manifest is refused), and is
//! written atomically (through a symlinked `hsm.yaml`, which stays a link).

mod component;
mod group;
mod mode;
mod profile;
mod setting;

pub use component::{add_component, remove_component};
pub use group::{select, unselect};
pub use mode::{ModeTarget, mode};
pub use profile::profile;
pub use setting::{SETTINGS, set};

use hsm_edit::ManifestEditor;
use hsm_registry::Registry;
use hsm_resolve::ProjectFile;
use hsm_schema::Manifest;
use hsm_sync::ProjectLock;
use serde::Serialize;

use crate::plan::AutoEntry;
use crate::{Context, OpsError, Project};

/// What an edit did.
#[derive(Debug, Serialize)]
pub struct EditReport {
    /// Whether hsm.yaml changed.
    pub changed: bool,
    /// What is now true (`` package `x` is in hsm.yaml ``).
    pub message: String,
    /// What implications now add.
    pub implied: Vec<AutoEntry>,
    /// The edited manifest still has problems (it had them before).
    pub still_invalid: bool,
}

/// A locked, loaded project and an editor on its manifest.
pub(crate) struct Session {
    _lock: ProjectLock,
    project: Project,
    editor: ManifestEditor,
}

impl Session {
    pub(crate) fn open(ctx: &Context<'_>) -> Result<Self, OpsError> {
        let (lock, project) = ctx.open_locked()?;
        // Two registry files for one name make every lookup a guess: refuse, as check,
        // plan and sync do, rather than write whichever spelling won.
        let clashes = project.loaded.registry.listing_problems();
        if !clashes.is_empty() {
            return Err(hsm_sync::SyncError::invalid(clashes.to_vec()).into());
        }
        let editor = ManifestEditor::parse(&project.loaded.project.text)?;
        Ok(Self {
            _lock: lock,
            project,
            editor,
        })
    }

    pub(crate) fn manifest(&self) -> &Manifest {
        &self.project.loaded.project.manifest
    }

    pub(crate) fn registry(&self) -> &Registry {
        &self.project.loaded.registry
    }

    /// Writes the edited manifest, once it resolves (or the old one did not either).
    pub(crate) fn save(self, changed: bool, what: String) -> Result<EditReport, OpsError> {
        let unchanged = EditReport {
            changed: false,
            message: what.clone(),
            implied: Vec::new(),
            still_invalid: false,
        };
        let new_text = self.editor.to_string();
        if !changed || new_text == self.project.loaded.project.text {
            return Ok(unchanged);
        }
        let root = self.project.root().to_path_buf();
        let edited = ProjectFile::parse(&root, new_text.clone())
            .map_err(|e| OpsError::EditInvalid { problems: vec![e] })?;
        let registry = &self.project.loaded.registry;
        let (implied, still_invalid) = match hsm_resolve::resolve(&edited, registry) {
            Ok(stack) => (AutoEntry::of(&stack), false),
            // Refuse an edit that breaks a valid manifest; one that was already broken may
            // still be edited (to fix it). The old manifest is only resolved in this case.
            Err(hsm_resolve::ResolveError::Invalid(problems))
                if hsm_resolve::resolve(&self.project.loaded.project, registry).is_ok() =>
            {
                return Err(OpsError::EditInvalid { problems });
            }
            Err(hsm_resolve::ResolveError::Registry(e)) => return Err(e.into()),
            Err(_) => (Vec::new(), true),
        };
        infra_fs::write_atomic(&root.join(hsm_sync::MANIFEST), new_text.as_bytes(), None)?;
        Ok(EditReport {
            changed: true,
            message: what,
            implied,
            still_invalid,
        })
    }

    /// Writes `# comment` on its own line above the key at `key` (block style only), so a
    /// group added from the registry carries its description into hsm.yaml.
    pub(crate) fn comment_above(
        &mut self,
        key: &str,
        name: &str,
        comment: &str,
    ) -> Result<(), OpsError> {
        let text = self.editor.to_string();
        let Some(loc) = infra_yaml::PathIndex::build(&text).locate(key) else {
            return Ok(());
        };
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let Some(i) = usize::try_from(loc.line)
            .ok()
            .and_then(|l| l.checked_sub(1))
        else {
            return Ok(());
        };
        let Some(line) = lines.get(i) else {
            return Ok(());
        };
        let trimmed = line.trim_start();
        if !trimmed.starts_with(&format!("{name}:")) {
            return Ok(());
        }
        let indent = line[..line.len() - trimmed.len()].to_string();
        let one_line = comment.lines().next().unwrap_or("").trim().to_string();
        lines.insert(i, format!("{indent}# {one_line}\n"));
        self.editor = ManifestEditor::parse(&lines.concat())?;
        Ok(())
    }
}
