//! The hsm registry: a directory of YAML files describing packages, containers and groups.
//!
//! ```text
//! <registry>/packages/<name>.yaml
//! <registry>/containers/<name>.yaml
//! <registry>/package_groups/<name>.yaml
//! <registry>/container_groups/<name>.yaml
//! ```
//!
//! Opening a registry only lists file names; a file is parsed the first time something asks
//! for it. A project that names five components out of a thousand therefore reads five files,
//! which is what keeps `hsm plan` and a no-op `hsm sync` fast on large shared registries.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod entry;
mod error;
mod kind;
mod registry;

pub use entry::Entry;
pub use error::RegistryError;
pub use kind::Kind;
pub use registry::{Choices, Registry};
