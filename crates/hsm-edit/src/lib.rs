//! Comment-preserving edits of `hsm.yaml` and of registry group files.
//!
//! `hsm package add`, `hsm mode`, `hsm group select` and friends change a file the user wrote
//! by hand. Re-serialising the typed manifest would throw away their comments, key order,
//! quoting and flow/block choices, so these commands edit the YAML syntax tree instead (via
//! `yaml-edit`) and touch only the node they mean to change.
//!
//! Two rules hold for every mutator:
//! - it reports whether the text changed (`Ok(false)` means "already so", nothing to write);
//! - it re-reads its own output with the typed schema and refuses (`ManifestEditError::Invalid`)
//!   rather than hand back a file that `hsm` itself could not load. The editor is left as it
//!   was when an edit fails.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod comments;
mod components;
mod draft;
mod editor;
mod error;
mod group_file;
mod groups;
mod new_manifest;
mod nodes;
mod section;

pub use editor::ManifestEditor;
pub use error::ManifestEditError;
pub use group_file::{add_group_option, remove_group_option};
pub use new_manifest::new_manifest;

/// Re-exported so callers can name modes and kinds without depending on `hsm-schema`.
pub use hsm_schema::{ComponentKind, Mode};
