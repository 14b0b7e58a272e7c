//! Applying a plan: the project's own IaC engine (Pulumi cannot run here; see
//! `docs/hyperforge/design.md`), behind [`Engine`] so another can be added.
//!
//! [`apply`] carries out exactly the steps of a [`Plan`](hyperforge_plan::Plan), after
//! checking that the forges still hold what the plan was computed from. Each finished step
//! is appended to a [`StepLog`] (one JSON line, flushed), so an apply interrupted by a
//! signal, a crash or a failing forge resumes where it stopped; the caller records what
//! each step returned (`_synced`), and a failed write never drops a local record.

#![warn(missing_docs)]

mod engine;
mod log;

pub use engine::{Applied, ApplyError, Engine, OnStep, RestEngine, StopCheck, apply};
pub use log::StepLog;
