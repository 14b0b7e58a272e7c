//! Planning: what must change on which forge so that the forges hold the desired state.
//!
//! [`plan`] compares the desired repositories (from `repos.yaml` and staged changes) with
//! what each forge holds now ([`Observed`], from one refresh) and returns a [`Plan`]: steps
//! to create, update field by field, or delete, plus what is already in sync and what the
//! forges hold that nobody declared. The plan carries a hash of the observed state it was
//! computed from, so an apply can refuse when the forges changed in between. Pure: no I/O,
//! so it is tested by properties (applying a plan then planning again gives nothing to do).

#![warn(missing_docs)]

mod compute;
mod model;
mod safety;

pub use compute::{apply_to, plan};
pub use model::{DesiredRepo, FieldChange, Mirror, Observed, Plan, Step};
pub use safety::{Safety, SafetyError, check};
