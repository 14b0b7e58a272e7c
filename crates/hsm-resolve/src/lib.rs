//! From "what the project asks for" to "what the stack is".
//!
//! [`resolve`] takes the parsed `hsm.yaml` and the registry and produces a [`Stack`]: every
//! package and container that is in, with its mode, its deployment profile, the params merged
//! from everything that implies it, who consumes it, and why it is there. Resolution is one
//! worklist pass in manifest order, so the result is deterministic; every problem (unknown
//! names, a selection outside a group, two implications forcing different options of a 1-of-N
//! group, a scalar param given two values, implies cycles, unknown profiles) is collected with
//! its location and the chain that caused it, instead of stopping at the first one.

#![warn(missing_docs)]

mod connections;
mod cycles;
mod paths;
mod project;
mod resolver;
mod stack;
mod usage;
mod via;

pub use connections::{
    ConnVar, MERGED_PARAMS_PREFIX, connection_vars, effective_ports, env_prefix, local_note,
    merged_param,
};
pub use paths::from_registry;
pub use project::ProjectFile;
pub use resolver::{ResolveError, resolve};
pub use stack::{AutoChange, Deployment, ResolvedContainer, ResolvedGroup, ResolvedPackage, Stack};
pub use usage::{Usage, usages_in};
pub use via::Via;
