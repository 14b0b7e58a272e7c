//! YAML loading with errors a person can act on.
//!
//! Every product in the workspace reads hand-written YAML (manifests, registries, desired
//! state). A bare "invalid type" is useless there: the user needs the file, the line, the key
//! path and what was expected. This crate wraps `serde-saphyr` (panic-free parser, located
//! errors) with `serde_path_to_error` (key paths) and returns one [`YamlError`] that carries all
//! of it; [`PathIndex`] locates key paths for semantic checks done after deserialisation,
//! which report [`Diagnostic`]s (the neutral type `YamlError` converts into).

#![warn(missing_docs)]

mod cache;
mod error;
mod load;
mod paths;
mod quote;
mod suggest;

pub use cache::ParseCache;
pub use error::YamlError;
pub use infra_diag::{Diagnostic, Loc, utf8_text};
pub use load::from_str;
pub use paths::PathIndex;
pub use quote::double_quoted;
pub use serde_saphyr::Spanned;
pub use suggest::did_you_mean;
