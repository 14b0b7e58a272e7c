//! Where states live on disk, and how they are copied.
//!
//! A state is an immutable directory (a stopped PostgreSQL data directory); an instance is
//! a writable copy of one. How cheap that copy is decides how fast a cached prepare
//! returns: a byte copy costs time in proportion to the data, a reflink (FICLONE on XFS and
//! btrfs) costs time per file, a btrfs snapshot or an overlay mount costs almost nothing.
//! [`Layout`] names every path of the store (seed 004 §4); a [`Backend`] copies — by bytes
//! or reflinks ([`CopyBackend`]), btrfs subvolumes ([`BtrfsBackend`]) or overlay layers
//! ([`OverlayBackend`]) — and [`choose`] picks one for the store's filesystem from a
//! [`BackendKind`]; [`publish`] makes a built state visible only once it is complete, so a
//! crash never leaves a half-written state under a state's name.

#![warn(missing_docs)]

mod backend;
mod btrfs;
mod choose;
mod copy;
mod error;
mod kind;
mod layout;
mod overlay;
mod publish;
mod sys;
mod tool;
mod usage;

pub use backend::{Backend, ReflinkMode};
pub use btrfs::BtrfsBackend;
pub use choose::choose;
pub use copy::CopyBackend;
pub use error::{StateFsError, UnknownBackend};
pub use kind::BackendKind;
pub use layout::Layout;
pub use overlay::OverlayBackend;
pub use publish::{publish, reconcile};
pub use usage::{apparent_size, space};
