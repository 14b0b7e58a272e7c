//! The git side of hyperforge: what a bound workspace's clones need so that pushing to
//! every forge of a repository just works.
//!
//! [`ensure_remotes`] gives a clone one remote per forge (added when missing, its URL
//! corrected when it points elsewhere, other remotes left alone); [`ssh_config`] keeps a
//! marked Host block per org and forge alias in `~/.ssh/config`, replacing only its own
//! blocks; [`push_all`] pushes branches and tags to a mirror forge. Everything runs the
//! real `git`.

#![warn(missing_docs)]

mod remotes;
pub mod ssh_config;

pub use remotes::{
    Auth, GitError, RemoteChange, clone, ensure_remotes, has_commits, mirror, push_all, url_origin,
};
