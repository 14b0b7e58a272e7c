//! The vocabulary of hyperforge: typed forms of `config.yaml`, `orgs/<org>/repos.yaml` and
//! `orgs/<org>/staged-repos.yaml`.
//!
//! These types only describe shape and check values (names, token references); they do no
//! I/O, so the state store, the planner and the tests share one definition. Hand-written
//! structs deny unknown fields: a misspelt key must be a located error, never a silently
//! ignored setting. Every map is a `BTreeMap` and every list of names a `BTreeSet`, so a
//! file written from these types is the same bytes whatever order things were added in.
//!
//! Two lessons of the earlier implementation are built in: a token is only ever a
//! *reference* ([`TokenRef`]), never a value in a file; and a staged change to an existing
//! repo is a patch ([`RepoPatch`]), so staging never wipes the repo's `_synced` record.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod config;
pub mod limits;
mod names;
mod repos;
mod staged;
mod token;

pub use config::{
    Config, ForgeConfig, ForgeKind, OrgConfig, OrgDefaults, Owner, Visibility, api_url_problem,
    is_host,
};
pub use names::{ForgeName, NameError, OrgName, RepoName};
pub use repos::{Discovered, Observed, Repo, ReposFile, Synced};
pub use staged::{RepoPatch, RepoSpec, StagedChange, StagedFile};
pub use token::{TokenRef, TokenRefError};

/// The schema version this build writes and understands. Files carry it as `version:`; a
/// file without one is version 0 (the earlier implementation's files).
pub const SCHEMA_VERSION: u32 = 1;
