//! The copy backend: a recursive copy, by reflink where the filesystem can.
//!
//! Works everywhere and needs no privilege. With reflinks (XFS `reflink=1`, btrfs) a copy
//! shares the data blocks and costs time per file, not per byte; without, it costs what
//! `cp -a` costs. Modes, symbolic links and owners are kept, as `cp -a` keeps them: the
//! owner only where the copier may set it (root may; another user keeps its own), so a
//! clone made by root is already its server's and need not be walked again.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, lchown, symlink};
use std::path::Path;

use crate::{Backend, ReflinkMode, StateFsError};

/// Copies trees.
#[derive(Debug, Clone, Copy)]
pub struct CopyBackend {
    mode: ReflinkMode,
}

impl CopyBackend {
    /// A backend copying file contents as `mode` says.
    pub fn new(mode: ReflinkMode) -> Self {
        Self { mode }
    }

    /// How it copies file contents.
    pub fn mode(&self) -> ReflinkMode {
        self.mode
    }

    fn copy_file(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let result = match self.mode {
            ReflinkMode::Never => fs::copy(src, dst).map(|_| ()),
            ReflinkMode::Auto => reflink_copy::reflink_or_copy(src, dst).map(|_| ()),
            ReflinkMode::Always => reflink_copy::reflink(src, dst),
        };
        result.map_err(|e| StateFsError::new("copy", src, e))
    }

    /// Copies what is in `src` into the existing directory `dst`, then gives `dst` the owner
    /// and mode of `src` (last, so a read-only directory is filled first).
    pub(crate) fn copy_into(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let meta = fs::symlink_metadata(src).map_err(|e| StateFsError::new("read", src, e))?;
        let entries = fs::read_dir(src).map_err(|e| StateFsError::new("list", src, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StateFsError::new("list", src, e))?;
            self.copy_entry(&entry.path(), &dst.join(entry.file_name()))?;
        }
        keep_owner(dst, &meta)?;
        fs::set_permissions(dst, fs::Permissions::from_mode(meta.permissions().mode()))
            .map_err(|e| StateFsError::new("set permissions of", dst, e))
    }

    fn copy_entry(&self, from: &Path, to: &Path) -> Result<(), StateFsError> {
        let meta = fs::symlink_metadata(from).map_err(|e| StateFsError::new("read", from, e))?;
        let kind = meta.file_type();
        if kind.is_dir() {
            fs::create_dir(to).map_err(|e| StateFsError::new("create", to, e))?;
            self.copy_into(from, to)
        } else if kind.is_symlink() {
            let target = fs::read_link(from).map_err(|e| StateFsError::new("read", from, e))?;
            symlink(&target, to).map_err(|e| StateFsError::new("create", to, e))?;
            keep_owner(to, &meta)
        } else if kind.is_file() {
            self.copy_file(from, to)?;
            keep_owner(to, &meta)?;
            fs::set_permissions(to, fs::Permissions::from_mode(meta.permissions().mode()))
                .map_err(|e| StateFsError::new("set permissions of", to, e))
        } else {
            Err(StateFsError::because(
                "copy",
                from,
                std::io::ErrorKind::Unsupported,
                "not a file, a directory or a link (a socket or a FIFO in a data directory)",
            ))
        }
    }
}

/// Gives `path` (not following links) the owner in `meta`, when it is not ours already;
/// a copier that may not (not root) keeps its own, as `cp -a` does.
fn keep_owner(path: &Path, meta: &fs::Metadata) -> Result<(), StateFsError> {
    let (uid, gid) = (meta.uid(), meta.gid());
    if uid == rustix::process::geteuid().as_raw() && gid == rustix::process::getegid().as_raw() {
        return Ok(());
    }
    match lchown(path, Some(uid), Some(gid)) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        other => other.map_err(|e| StateFsError::new("change the owner of", path, e)),
    }
}

impl Backend for CopyBackend {
    /// `reflink` only when every copy is one ([`ReflinkMode::Always`]); `Auto` makes no
    /// such promise (on ext4 it copies bytes) and says `copy`.
    fn name(&self) -> &'static str {
        match self.mode {
            ReflinkMode::Never | ReflinkMode::Auto => "copy",
            ReflinkMode::Always => "reflink",
        }
    }

    fn clone_tree(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        fs::create_dir(dst).map_err(|e| StateFsError::new("create", dst, e))?;
        let result = self.copy_into(src, dst);
        if result.is_err() {
            // Nothing half-copied stays under the destination's name.
            let _ = fs::remove_dir_all(dst);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path) {
        fs::create_dir_all(root.join("pgdata/base/1")).unwrap();
        fs::write(root.join("pgdata/PG_VERSION"), "15\n").unwrap();
        fs::write(root.join("pgdata/base/1/1259"), vec![7u8; 70_000]).unwrap();
        fs::set_permissions(root.join("pgdata"), fs::Permissions::from_mode(0o700)).unwrap();
        fs::set_permissions(
            root.join("pgdata/PG_VERSION"),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        symlink("base/1", root.join("pgdata/link")).unwrap();
    }

    #[test]
    fn a_copy_keeps_contents_modes_and_links() {
        for mode in [ReflinkMode::Never, ReflinkMode::Auto] {
            let dir = tempfile::tempdir().unwrap();
            let src = dir.path().join("src");
            fs::create_dir(&src).unwrap();
            tree(&src);
            let dst = dir.path().join("dst");
            CopyBackend::new(mode).clone_tree(&src, &dst).unwrap();
            assert_eq!(
                fs::read(dst.join("pgdata/base/1/1259")).unwrap(),
                vec![7u8; 70_000]
            );
            let mode_of = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode_of(&dst.join("pgdata")), 0o700);
            assert_eq!(mode_of(&dst.join("pgdata/PG_VERSION")), 0o600);
            assert_eq!(
                fs::read_link(dst.join("pgdata/link")).unwrap(),
                Path::new("base/1")
            );
            // The copy is independent of its source.
            fs::write(dst.join("pgdata/PG_VERSION"), "16\n").unwrap();
            assert_eq!(
                fs::read_to_string(src.join("pgdata/PG_VERSION")).unwrap(),
                "15\n"
            );
        }
    }

    #[test]
    fn only_a_copy_that_always_reflinks_is_called_reflink() {
        assert_eq!(CopyBackend::new(ReflinkMode::Never).name(), "copy");
        assert_eq!(CopyBackend::new(ReflinkMode::Auto).name(), "copy");
        assert_eq!(CopyBackend::new(ReflinkMode::Always).name(), "reflink");
        assert_eq!(
            CopyBackend::new(ReflinkMode::Auto).mode(),
            ReflinkMode::Auto
        );
    }

    #[test]
    fn a_failed_copy_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir(&src).unwrap();
        tree(&src);
        assert!(
            std::process::Command::new("mkfifo")
                .arg(src.join("pgdata/fifo"))
                .status()
                .unwrap()
                .success()
        );
        let dst = dir.path().join("dst");
        let err = CopyBackend::new(ReflinkMode::Never)
            .clone_tree(&src, &dst)
            .unwrap_err();
        assert!(err.to_string().contains("fifo"), "{err}");
        assert!(!dst.exists());
    }
}
