//! What hyperforge's commands do, apart from parsing and printing: the seed's convergence
//! algorithm over one org — refresh (what the forges hold), diff (desired vs that), apply
//! (the plan, through the IaC engine), capture (`_synced` back into `repos.yaml`), verify
//! (diff again must be empty) — and `org import`, which writes the forges' state as the
//! desired state so the next diff is empty.

#![warn(missing_docs)]

mod converge;
mod error;

pub use converge::{Clock, OrgForges, SyncReport, desired, import, refresh, sync};
pub use error::OpsError;
