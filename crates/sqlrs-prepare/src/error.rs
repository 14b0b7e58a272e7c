//! Why a prepare failed.

use std::path::PathBuf;

/// A prepare failed.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The arguments are refused.
    #[error("invalid psql arguments: {0}")]
    Args(#[from] sqlrs_args::ArgsError),
    /// A script (or one it includes) could not be read.
    #[error(transparent)]
    Read(#[from] sqlrs_hash::ExpandError),
    /// A step's SQL failed; nothing was published for it.
    #[error("step {step} failed{}: {message}", at.as_ref().map(|(f, l)| format!(" at {}:{l}", f.display())).unwrap_or_default())]
    StepFailed {
        /// 1-based step number.
        step: usize,
        /// The file and line of the failing statement, when psql said where.
        at: Option<(PathBuf, usize)>,
        /// psql's message.
        message: String,
    },
    /// A Liquibase changeset failed, or Liquibase itself (planning, locating it).
    #[error("step {step} (changeset {changeset}) failed")]
    Changeset {
        /// 1-based step number.
        step: usize,
        /// `path::id::author`.
        changeset: String,
        /// Why.
        #[source]
        source: Box<sqlrs_liquibase::LbError>,
    },
    /// Liquibase could not plan.
    #[error(transparent)]
    Liquibase(#[from] sqlrs_liquibase::LbError),
    /// The runtime failed.
    #[error(transparent)]
    Runtime(#[from] sqlrs_runtime::RuntimeError),
    /// The state store failed.
    #[error(transparent)]
    StateFs(#[from] sqlrs_statefs::StateFsError),
    /// The metadata store failed.
    #[error(transparent)]
    Store(#[from] sqlrs_store::StoreError),
    /// The job was cancelled; what was published before stays.
    #[error("cancelled")]
    Cancelled,
    /// No randomness for ids.
    #[error("cannot read random bytes for an id")]
    Random(#[source] std::io::Error),
}
