//! The btrfs backend: states and clones are subvolumes, copies are snapshots.
//!
//! A btrfs snapshot shares the whole tree with its source and costs a few milliseconds
//! whatever the size, where even a reflink copy visits every file. So a clone of a
//! subvolume is a writable snapshot (`btrfs subvolume snapshot`), and a state is a
//! **read-only** one (`-r`): a state is immutable by contract, and read-only makes that a
//! property of the filesystem (no bug, tool or user writes into a cached state) and is what
//! `btrfs send` needs to ship a state to another store later. Nothing is lost by it:
//! PostgreSQL only ever writes to a clone, and a snapshot of a read-only subvolume is
//! writable. A read-only subvolume can still be renamed, so [`publish`](crate::publish)
//! works unchanged.
//!
//! A source that is a plain directory (the base `initdb` wrote) becomes a subvolume on its
//! first copy: the destination is created as a subvolume and filled by reflinks, so every
//! later copy from it is a snapshot. [`Backend::remove`] deletes a subvolume with
//! `btrfs subvolume delete` (root, or the `user_subvol_rm_allowed` mount option) and a
//! plain directory with a recursive removal.
//!
//! The `btrfs` tool does the work (see the `tool` module for why not the ioctls).

use std::fs;
use std::io;
use std::path::Path;

use infra_process::Cmd;

use crate::sys::is_subvolume;
use crate::{Backend, CopyBackend, ReflinkMode, StateFsError, tool};

/// Makes states and clones btrfs subvolumes.
#[derive(Debug, Clone, Copy, Default)]
pub struct BtrfsBackend;

impl BtrfsBackend {
    /// The backend; the store must be on btrfs and `btrfs` (btrfs-progs) on `PATH`.
    pub fn new() -> Self {
        Self
    }

    /// Whether `path` is a subvolume (a plain directory, or a missing path, is not).
    fn subvolume(path: &Path) -> Result<bool, StateFsError> {
        match is_subvolume(path) {
            Ok(yes) => Ok(yes),
            Err(e) => Err(StateFsError::new("read", path, e)),
        }
    }

    /// `btrfs subvolume snapshot [-r] src dst`.
    fn snapshot_subvolume(src: &Path, dst: &Path, read_only: bool) -> Result<(), StateFsError> {
        // The tool would put the snapshot *inside* an existing directory.
        if fs::symlink_metadata(dst).is_ok() {
            return Err(StateFsError::because(
                "create",
                dst,
                io::ErrorKind::AlreadyExists,
                "it already exists",
            ));
        }
        let mut cmd = Cmd::new("btrfs").args(["subvolume", "snapshot"]);
        if read_only {
            cmd = cmd.arg("-r");
        }
        tool::run(cmd.arg(src).arg(dst), "snapshot", src)
    }

    /// A new subvolume at `dst` holding a reflinked copy of the plain directory `src`
    /// (read-only when `read_only`); nothing stays at `dst` when a step fails.
    fn subvolume_from_dir(src: &Path, dst: &Path, read_only: bool) -> Result<(), StateFsError> {
        if !src.is_dir() {
            return Err(StateFsError::because(
                "snapshot",
                src,
                io::ErrorKind::NotFound,
                "not a directory",
            ));
        }
        let create = Cmd::new("btrfs").args(["subvolume", "create"]).arg(dst);
        tool::run(create, "create a subvolume at", dst)?;
        let filled = CopyBackend::new(ReflinkMode::Always)
            .copy_into(src, dst)
            .and_then(|()| {
                if !read_only {
                    return Ok(());
                }
                let seal = Cmd::new("btrfs")
                    .args(["property", "set", "-ts"])
                    .arg(dst)
                    .args(["ro", "true"]);
                tool::run(seal, "make read-only", dst)
            });
        if filled.is_err() {
            let _ = Self::delete_subvolume(dst);
        }
        filled
    }

    fn delete_subvolume(path: &Path) -> Result<(), StateFsError> {
        let cmd = Cmd::new("btrfs").args(["subvolume", "delete"]).arg(path);
        tool::run(cmd, "remove", path)
    }
}

impl Backend for BtrfsBackend {
    fn name(&self) -> &'static str {
        "btrfs"
    }

    /// A writable snapshot of a subvolume; a plain directory is copied into a new one.
    fn clone_tree(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        if Self::subvolume(src)? {
            Self::snapshot_subvolume(src, dst, false)
        } else {
            Self::subvolume_from_dir(src, dst, false)
        }
    }

    /// A read-only snapshot (see the module's docs for why read-only).
    fn snapshot(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        if Self::subvolume(src)? {
            Self::snapshot_subvolume(src, dst, true)
        } else {
            Self::subvolume_from_dir(src, dst, true)
        }
    }

    fn remove(&self, path: &Path) -> Result<(), StateFsError> {
        match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StateFsError::new("remove", path, e)),
            Ok(_) => {}
        }
        if Self::subvolume(path)? {
            return Self::delete_subvolume(path);
        }
        match fs::remove_dir_all(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(StateFsError::new("remove", path, e))
            }
            _ => Ok(()),
        }
    }
}
