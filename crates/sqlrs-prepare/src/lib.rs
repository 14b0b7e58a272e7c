//! Preparing a database state: the heart of sqlrs.
//!
//! [`Preparer::plan_psql`] reads every input once, hashes each step into a state id
//! chained from the PostgreSQL build's base, and marks the steps whose state is already
//! stored. [`Preparer::execute`] starts from the last cached state (or the base), runs
//! only the missing steps, publishes a state after each one (stop cleanly, snapshot,
//! record), and hands out an instance: a writable clone of the final state with its own
//! server. A failing step leaves no state and names the file and line that failed.

#![warn(missing_docs)]

mod error;
mod ids;
mod lb;
mod observer;
mod plan;
mod preparer;

pub use error::PrepareError;
pub use ids::{instance_id, job_id};
pub use observer::{Observer, Silent};
pub use plan::{LbContext, PlannedStep, PsqlPlan};
pub use preparer::{Prepared, Preparer, state_dir};
