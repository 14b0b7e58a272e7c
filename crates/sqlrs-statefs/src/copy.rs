//! The copy backend: a recursive copy, by reflink where the filesystem can.
//!
//! Works everywhere and needs no privilege. With reflinks (XFS `reflink=1`, btrfs) a copy
//! shares the data blocks and costs time per file, not per byte; without, it costs what
//! `cp -a` costs. Modes and symbolic links are kept; ownership is the copier's (the
//! runtime owns the data it runs).

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
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

    fn copy_file(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let result = match self.mode {
            ReflinkMode::Never => fs::copy(src, dst).map(|_| ()),
            ReflinkMode::Auto => reflink_copy::reflink_or_copy(src, dst).map(|_| ()),
            ReflinkMode::Always => reflink_copy::reflink(src, dst),
        };
        result.map_err(|e| StateFsError::new("copy", src, e))
    }

    fn copy_tree(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let meta = fs::symlink_metadata(src).map_err(|e| StateFsError::new("read", src, e))?;
        fs::create_dir(dst).map_err(|e| StateFsError::new("create", dst, e))?;
        let entries = fs::read_dir(src).map_err(|e| StateFsError::new("list", src, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StateFsError::new("list", src, e))?;
            let from = entry.path();
            let to = dst.join(entry.file_name());
            let kind = entry
                .file_type()
                .map_err(|e| StateFsError::new("read", &from, e))?;
            if kind.is_dir() {
                self.copy_tree(&from, &to)?;
            } else if kind.is_symlink() {
                let target =
                    fs::read_link(&from).map_err(|e| StateFsError::new("read", &from, e))?;
                symlink(&target, &to).map_err(|e| StateFsError::new("create", &to, e))?;
            } else if kind.is_file() {
                self.copy_file(&from, &to)?;
                let mode = entry
                    .metadata()
                    .map_err(|e| StateFsError::new("read", &from, e))?
                    .permissions()
                    .mode();
                fs::set_permissions(&to, fs::Permissions::from_mode(mode))
                    .map_err(|e| StateFsError::new("set permissions of", &to, e))?;
            } else {
                return Err(StateFsError::new(
                    "copy",
                    &from,
                    std::io::Error::other(
                        "not a file, a directory or a link (a socket or a FIFO in a data directory)",
                    ),
                ));
            }
        }
        fs::set_permissions(dst, fs::Permissions::from_mode(meta.permissions().mode()))
            .map_err(|e| StateFsError::new("set permissions of", dst, e))
    }
}

impl Backend for CopyBackend {
    fn name(&self) -> &'static str {
        match self.mode {
            ReflinkMode::Never => "copy",
            ReflinkMode::Auto | ReflinkMode::Always => "reflink",
        }
    }

    fn clone_tree(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let result = self.copy_tree(src, dst);
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
