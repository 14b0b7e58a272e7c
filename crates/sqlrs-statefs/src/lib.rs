//! Where states live on disk, and how they are copied.
//!
//! A state is an immutable directory (a stopped PostgreSQL data directory); an instance is
//! a writable copy of one. How cheap that copy is decides how fast a cached prepare
//! returns: a byte copy costs time in proportion to the data, a reflink (FICLONE on XFS and
//! btrfs) or a btrfs snapshot costs almost nothing. [`Layout`] names every path of the
//! store (seed 004 §4), [`Backend`] copies, and [`publish`] makes a built state visible
//! only once it is complete, so a crash never leaves a half-written state under a state's
//! name.

#![warn(missing_docs)]

mod backend;
mod copy;
mod error;
mod layout;
mod publish;

pub use backend::{Backend, ReflinkMode};
pub use copy::CopyBackend;
pub use error::StateFsError;
pub use layout::Layout;
pub use publish::{publish, reconcile};
