//! Editing `pyproject.toml` without stepping on the user.
//!
//! hsm owns only what it wrote: the names listed in `[tool.hsm] managed-dependencies`. On
//! each sync it removes those entries from `project.dependencies` and `[tool.uv.sources]`,
//! then adds the current ones, so removed components disappear and user dependencies,
//! comments and formatting stay exactly as they were (`toml_edit`). When nothing changes the
//! input bytes are returned untouched, which is what makes a no-op sync write nothing.

#![warn(missing_docs)]

mod edit;
mod scratch;

pub use edit::{EditError, apply, managed_names, minimal_pyproject};
pub use scratch::absolutize_sources;
