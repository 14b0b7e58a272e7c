//! hyperforge's config directory on disk: `config.yaml`, `orgs/<org>/repos.yaml` and
//! `orgs/<org>/staged-repos.yaml`.
//!
//! The directory is passed in (the binary decides between `--config-dir`,
//! `$HYPERFORGE_CONFIG_DIR` and `~/.config/hyperforge/`), so this crate reads no
//! environment and tests need no home directory. What it guarantees:
//!
//! * errors in a file are located (`file:line:column`, key path) through `infra-yaml`;
//! * every write is atomic (old or new bytes, never a mix) and canonical: sorted keys, one
//!   formatting, a header line — saving the same state twice gives the same bytes, so the
//!   files diff cleanly under git;
//! * read-modify-write of an org happens under an exclusive lock on `orgs/<org>/.lock`
//!   (the earlier implementation raced here, spec §8 bug 8), and of `config.yaml` under
//!   `.lock` in the directory;
//! * files carry a schema version: a newer one is refused with a message, an older one goes
//!   through the migration hook.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod error;
mod files;
mod store;

pub use error::StateError;
pub use files::{FileKind, HEADER, Migration, migration};
pub use store::{LockWait, OrgTx, Store};
