//! The vocabulary of hsm: typed forms of `hsm.yaml` and of every registry file.
//!
//! These types only describe shape. They do no I/O and hold no policy, so the loader, the
//! resolver, the editor and the fuzz targets can all share them. Every struct denies unknown
//! fields: a misspelt key in hand-written YAML must be an error with a location, never a
//! silently ignored setting (the earlier implementation's bug 20).

#![warn(missing_docs)]

mod component_ref;
mod container;
mod cpus;
mod entry_name;
mod env_name;
mod git_url;
mod group;
mod implies;
pub mod kind;
mod manifest;
mod memory;
mod mode;
mod package;
mod port;
mod quote;
mod requirement_spec;
mod restart;
mod scalar;

pub use component_ref::ComponentRef;
pub use container::{
    ContainerSource, ContainerSources, ContainerSpec, DeploymentMode, Healthcheck, ParamDecl,
    ParamMerge, Profile, Resources, Runtime,
};
pub use cpus::Cpus;
pub use entry_name::{MAX_NAME_LEN, entry_name_problem};
pub use env_name::EnvName;
pub use git_url::{GitUrl, GitUrlKind};
pub use group::{GroupInconsistency, GroupOption, GroupSpec, Strategy};
pub use implies::{Implication, Implies, ImpliesTarget};
pub use kind::ComponentKind;
pub use manifest::{
    ComposeSettings, ConnectionScope, EnvSettings, GroupSelection, Manifest, PackageManagerName,
    ProjectMeta, Services,
};
pub use memory::Memory;
pub use mode::Mode;
pub use package::{GitClone, PackageIndex, PackageSource, PackageSources, PackageSpec};
pub use port::{PortMapping, PortMode, PortOptions, PortRange, PortSpec, Protocol};
pub use requirement_spec::{
    DistributionName, RequirementSpec, is_valid_distribution_name, is_valid_version,
    normalize_name, requirement_name, same_name,
};
pub use restart::RestartPolicy;
pub use scalar::{ScalarString, StringOrList};
