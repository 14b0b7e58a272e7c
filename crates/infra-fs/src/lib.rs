//! Atomic file writes and transactional rollback for everything the tool writes to disk.
//!
//! This crate owns *how* bytes reach the filesystem. Every artifact the tool generates
//! (env files, compose overrides, edited manifests) is written through [`write_atomic`], so a
//! crash or interruption never leaves a half-written file behind: readers see either the old
//! content or the new content. A multi-file operation wraps its writes in a [`Transaction`],
//! which snapshots each path before the first change and can put every byte and permission
//! bit back if a later step fails — the user's project is left exactly as it was found.
//!
//! Files the user keeps as symbolic links (into a shared folder, say) stay links: writes go
//! to the file at the end of the link and rollback restores that file. [`FileLock`] keeps
//! two runs from changing the same project at once, and [`resolve`] finds where a path
//! really leads when a lexical [`normalize`] would be wrong.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod atomic;
mod error;
mod lock;
mod paths;
mod read;
pub mod time;
mod transaction;

pub use atomic::{read_optional, write_atomic};
pub use error::FsError;
pub use lock::FileLock;
pub use paths::{normalize, relative_to, resolve};
pub use read::{MAX_TEXT_FILE, read_regular_file, read_text_file, read_text_optional};
pub use transaction::Transaction;
