//! The reconciliation loop of hsm (seed 000 §3): Load → Resolve → Plan → Execute → Finalize.
//!
//! [`load`] opens the project and its registry; [`plan`] resolves the stack and computes
//! the full desired contents of every artifact in memory (nothing is written); [`apply`]
//! runs the plan as one transaction, under the project's [`ProjectLock`]: clones on demand,
//! atomic writes, the package tool, and on any failure or SIGINT/SIGTERM every file touched
//! is restored byte for byte. Adapters come in from outside as trait objects, so a new
//! package manager never touches this crate.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod apply;
mod clone;
mod envfile;
mod error;
mod load;
mod lock;
mod plan;
mod requirements;
mod services;
mod vars;

pub use apply::{ApplyOptions, Outcome, apply};
pub use clone::CloneStep;
pub use envfile::{
    ENV_FILE, LocalEnv, is_secret_name, local_env, parse_env_file, redact_value, render_env_file,
    secret_keys,
};
pub use error::{StepError, SyncError};
pub use load::{Loaded, MANIFEST, RegistryLocation, find_root, load, load_project};
pub use lock::{HSM_DIR, ProjectLock, check_env_file, check_generated_file, check_hsm_dir};
pub use plan::{PlanInput, PlannedFile, SyncPlan, plan};
pub use requirements::{PackageRef, requirement, requirements};
pub use services::UvService;
pub use vars::{check_vars, is_unset_variable, usages};

/// The generated compose file name.
pub use hsm_compose::GENERATED_FILE as COMPOSE_FILE;
