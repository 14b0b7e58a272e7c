//! Choosing the snapshot backend for a store, once, when the engine starts.
//!
//! `auto` takes the cheapest copy the store's filesystem offers: btrfs snapshots on btrfs
//! (when the `btrfs` tool is there and we are root, who alone may delete subvolumes
//! without a special mount option), reflinks where a real `FICLONE` works (XFS with
//! `reflink=1`, btrfs without the tool), byte copies elsewhere. It never picks `overlay`,
//! which mounts and so needs root and leaves mounts to look after. A backend named
//! explicitly is checked the same way and refused with the reason when the store cannot
//! have it: a silent fall-back to byte copies would turn a 10 ms clone into a minute
//! without a word.

use std::fs;
use std::io;
use std::path::Path;

use crate::sys::{self, BTRFS_MAGIC, Reflink, fs_magic, fs_name};
use crate::{
    Backend, BackendKind, BtrfsBackend, CopyBackend, Layout, OverlayBackend, ReflinkMode,
    StateFsError,
};

/// The backend `kind` names for the store at `root` (created when missing).
pub fn choose(kind: BackendKind, root: &Path) -> Result<Box<dyn Backend>, StateFsError> {
    fs::create_dir_all(root).map_err(|e| StateFsError::new("create", root, e))?;
    let magic = fs_magic(root).map_err(|e| StateFsError::new("read", root, e))?;
    Ok(match kind {
        BackendKind::Copy => Box::new(CopyBackend::new(ReflinkMode::Never)),
        BackendKind::Reflink => {
            if let Reflink::Fails(why) = probe(root)? {
                return Err(no_reflinks(root, magic, &why));
            }
            Box::new(CopyBackend::new(ReflinkMode::Always))
        }
        BackendKind::Btrfs => {
            require_btrfs(root, magic)?;
            Box::new(BtrfsBackend::new())
        }
        BackendKind::Overlay => {
            let backend = OverlayBackend::new(Layout::new(root).layers());
            backend.probe(root)?;
            Box::new(backend)
        }
        BackendKind::Auto => auto(root, magic)?,
    })
}

fn auto(root: &Path, magic: u64) -> Result<Box<dyn Backend>, StateFsError> {
    if magic == BTRFS_MAGIC && sys::is_root() && infra_process::which("btrfs").is_some() {
        return Ok(Box::new(BtrfsBackend::new()));
    }
    Ok(match probe(root)? {
        Reflink::Works => Box::new(CopyBackend::new(ReflinkMode::Always)),
        Reflink::Fails(_) => Box::new(CopyBackend::new(ReflinkMode::Never)),
    })
}

fn probe(root: &Path) -> Result<Reflink, StateFsError> {
    sys::probe_reflink(root).map_err(|e| StateFsError::new("write a file in", root, e))
}

fn no_reflinks(root: &Path, magic: u64, why: &io::Error) -> StateFsError {
    let fs = fs_name(magic);
    let because = if why.kind() == io::ErrorKind::Unsupported {
        format!(
            "{fs} cannot share data between files; put the store on XFS made with \
             `mkfs.xfs -m reflink=1` or on btrfs, or use the `copy` backend"
        )
    } else {
        format!("a trial `FICLONE` on {fs} failed ({why}); use the `copy` backend")
    };
    StateFsError::because("use reflinks in", root, why.kind(), because)
}

fn require_btrfs(root: &Path, magic: u64) -> Result<(), StateFsError> {
    if magic != BTRFS_MAGIC {
        return Err(StateFsError::because(
            "use btrfs snapshots in",
            root,
            io::ErrorKind::Unsupported,
            format!(
                "it is on {}, not btrfs; use `auto`, or put the store on btrfs",
                fs_name(magic)
            ),
        ));
    }
    if infra_process::which("btrfs").is_none() {
        return Err(StateFsError::because(
            "use btrfs snapshots in",
            root,
            io::ErrorKind::NotFound,
            "`btrfs` was not found on PATH; install btrfs-progs",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_takes_what_the_filesystem_offers_and_copy_always_works() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        let copy = choose(BackendKind::Copy, &root).unwrap();
        assert_eq!(copy.name(), "copy");
        let magic = fs_magic(&root).unwrap();
        let auto = choose(BackendKind::Auto, &root).unwrap();
        match sys::probe_reflink(&root).unwrap() {
            _ if magic == BTRFS_MAGIC
                && sys::is_root()
                && infra_process::which("btrfs").is_some() =>
            {
                assert_eq!(auto.name(), "btrfs");
            }
            Reflink::Works => assert_eq!(auto.name(), "reflink"),
            Reflink::Fails(_) => {
                assert_eq!(auto.name(), "copy");
                let e = choose(BackendKind::Reflink, &root).err().unwrap();
                assert!(
                    e.to_string().starts_with("failed to use reflinks in"),
                    "{e}"
                );
            }
        }
        if magic != BTRFS_MAGIC {
            let e = choose(BackendKind::Btrfs, &root).err().unwrap();
            assert!(e.source.to_string().contains("not btrfs"), "{e:?}");
        }
        // The probes leave nothing behind.
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
    }
}
