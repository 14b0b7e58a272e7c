//! What the kernel says about a path, for choosing and driving a backend.
//!
//! The filesystem type comes from `statfs` (its magic number), which needs no tool and no
//! privilege. Reflink support is not a property of the type alone (XFS has it only with
//! `reflink=1`), so it is probed with a real `FICLONE` of a scratch file.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `BTRFS_SUPER_MAGIC`.
pub(crate) const BTRFS_MAGIC: u64 = 0x9123_683e;
/// `XFS_SUPER_MAGIC`.
pub(crate) const XFS_MAGIC: u64 = 0x5846_5342;
/// `OVERLAYFS_SUPER_MAGIC`.
pub(crate) const OVERLAY_MAGIC: u64 = 0x794c_7630;
/// `EXT4_SUPER_MAGIC` (also ext2 and ext3).
const EXT4_MAGIC: u64 = 0xef53;
/// `TMPFS_MAGIC`.
const TMPFS_MAGIC: u64 = 0x0102_1994;
/// The inode number of a btrfs subvolume's root directory (`BTRFS_FIRST_FREE_OBJECTID`).
const BTRFS_SUBVOLUME_INO: u64 = 256;

/// The magic number of the filesystem holding `path`.
pub(crate) fn fs_magic(path: &Path) -> io::Result<u64> {
    let st = rustix::fs::statfs(path)?;
    // `f_type` is signed on some targets; the magic is the low 32 bits either way.
    #[allow(clippy::cast_sign_loss, reason = "a magic number, not a quantity")]
    Ok(st.f_type as u64 & 0xffff_ffff)
}

/// A filesystem's name for messages.
pub(crate) fn fs_name(magic: u64) -> String {
    match magic {
        BTRFS_MAGIC => "btrfs".into(),
        XFS_MAGIC => "xfs".into(),
        OVERLAY_MAGIC => "overlayfs".into(),
        EXT4_MAGIC => "ext4".into(),
        TMPFS_MAGIC => "tmpfs".into(),
        other => format!("a filesystem of type {other:#x}"),
    }
}

/// Whether we run as root (mounting and deleting subvolumes need it).
pub(crate) fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Whether `path` is the root of a mount (a directory whose device differs from its
/// parent's).
pub(crate) fn is_mount_root(path: &Path) -> io::Result<bool> {
    let own = fs::symlink_metadata(path)?;
    if !own.is_dir() {
        return Ok(false);
    }
    let parent = fs::metadata(path.join(".."))?;
    Ok(own.dev() != parent.dev())
}

/// Whether `path` is the root directory of a btrfs subvolume.
pub(crate) fn is_subvolume(path: &Path) -> io::Result<bool> {
    let meta = fs::symlink_metadata(path)?;
    Ok(meta.is_dir() && meta.ino() == BTRFS_SUBVOLUME_INO && fs_magic(path)? == BTRFS_MAGIC)
}

/// A name no other call in any process makes: `<prefix><pid>-<time>-<counter>`.
pub(crate) fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}{:x}-{nanos:x}-{n:x}", std::process::id())
}

/// What a `FICLONE` probe found.
#[derive(Debug)]
pub(crate) enum Reflink {
    /// The filesystem shares extents between files.
    Works,
    /// It does not; the kernel's reason.
    Fails(io::Error),
}

/// Clones a scratch file in `dir` by `FICLONE`; `Err` when the scratch file cannot even be
/// written (the directory is not writable: no backend would work there).
pub(crate) fn probe_reflink(dir: &Path) -> io::Result<Reflink> {
    let from = dir.join(unique_name(".sqlrs-reflink-probe-"));
    let to = PathBuf::from(format!("{}-clone", from.display()));
    let result = fs::write(&from, [0x5au8; 8192]).map(|()| reflink_copy::reflink(&from, &to));
    let _ = fs::remove_file(&from);
    let _ = fs::remove_file(&to);
    Ok(match result? {
        Ok(()) => Reflink::Works,
        Err(e) => Reflink::Fails(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_directory_is_probed_and_left_clean() {
        let dir = tempfile::tempdir().unwrap();
        let magic = fs_magic(dir.path()).unwrap();
        assert!(!fs_name(magic).is_empty());
        probe_reflink(dir.path()).unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(!is_mount_root(dir.path()).unwrap() || magic == TMPFS_MAGIC);
        assert!(is_mount_root(Path::new("/")).is_ok());
        assert_ne!(unique_name("a-"), unique_name("a-"));
    }

    #[test]
    fn an_unwritable_place_is_an_error_not_a_missing_feature() {
        let dir = tempfile::tempdir().unwrap();
        assert!(probe_reflink(&dir.path().join("missing")).is_err());
    }
}
