//! Editing `pyproject.toml` without stepping on the user.
//!
//! hsm owns only what it wrote: the distributions listed in `[tool.hsm]
//! managed-dependencies` (and the indexes in `managed-indexes`). On each sync it removes
//! those entries from `project.dependencies`, `[tool.uv.sources]` and `[[tool.uv.index]]`,
//! then adds the current ones, so removed components disappear and user dependencies,
//! comments and formatting stay exactly as they were (`toml_edit`). When nothing changes the
//! input bytes are returned untouched, which is what makes a no-op sync write nothing.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod dependencies;
mod edit;
mod error;
mod scratch;
mod sources;
#[cfg(test)]
mod tests;

pub use edit::{apply, managed_names, minimal_pyproject, project_name};
pub use error::PyprojectError;
pub use scratch::absolutize_sources;
