//! What hyperforge's commands do, apart from parsing and printing. The heart is the seed's
//! convergence algorithm over one org — refresh (what the forges hold), diff (desired vs
//! that), apply (the plan, through the IaC engine), capture (`_synced` back into
//! `repos.yaml`), verify (diff again must be empty) — with `org import`, which writes the
//! forges' state as the desired state so the next diff is empty. Around it: forges and
//! token references, orgs, staging, workspaces and the git side, secrets. Operations report
//! progress as [`Event`]s, so the CLI and the hub daemon show the same thing.

#![warn(missing_docs)]

mod converge;
pub mod error;
mod event;
pub mod forges;
mod gitside;
mod hub;
pub mod orgs;
mod pending;
pub mod repos;
mod secret;
mod secrets;
mod token;
pub mod workspace;

pub use converge::{
    Clock, Ctx, OrgForges, SyncReport, desired, diff, execute, import, refresh, sync,
};
pub use error::OpsError;
pub use event::{Emit, Event};
pub use gitside::{after_sync, remotes_before, ssh_blocks};
pub use hub::{Connected, HttpSettings, Hub, connect};
pub use secret::Secret;
pub use secrets::{SecretBackend, SecretEntry, Secrets};
pub use token::{EnvLookup, resolve as resolve_token};
