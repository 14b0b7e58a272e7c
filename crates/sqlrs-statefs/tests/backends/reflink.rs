//! The reflink backend (`FICLONE`) on XFS made with `reflink=1` and on btrfs: clones share
//! their data with their source, and are still independent copies.

use std::fs;

use sqlrs_statefs::{Backend, CopyBackend, ReflinkMode};

use crate::loopfs::{Fs, LoopFs};
use crate::{gate, scenario};

fn reflinks_on(fs: Fs) {
    let disk = LoopFs::new(fs);
    let backend = CopyBackend::new(ReflinkMode::Always);
    assert_eq!(backend.name(), "reflink");
    scenario::exercise(&backend, disk.path());

    let src = disk.path().join("src");
    crate::tree::fixture(&src);
    scenario::sync(disk.path());
    let dst = disk.path().join("dst");
    backend.clone_tree(&src, &dst).unwrap();
    scenario::sync(disk.path());
    let big = "pgdata/global/big";
    assert!(
        scenario::shares_data(&dst.join(big)),
        "{fs:?}: the clone shares data"
    );
    fs::write(dst.join(big), "rewritten").unwrap();
    assert_eq!(fs::read(src.join(big)).unwrap().len(), 4 << 20);
    backend.remove(&dst).unwrap();
}

#[test]
fn reflink_clones_share_data_on_xfs() {
    if !gate::root_tests(&["losetup", "mkfs.xfs", "filefrag"]) {
        return;
    }
    reflinks_on(Fs::Xfs { reflink: true });
}

#[test]
fn reflink_clones_share_data_on_btrfs() {
    if !gate::root_tests(&["losetup", "mkfs.btrfs", "filefrag"]) {
        return;
    }
    reflinks_on(Fs::Btrfs);
}

#[test]
fn reflink_copies_fail_where_the_filesystem_has_none() {
    if !gate::root_tests(&["losetup", "mkfs.xfs"]) {
        return;
    }
    let disk = LoopFs::new(Fs::Xfs { reflink: false });
    let src = disk.path().join("src");
    crate::tree::fixture(&src);
    let dst = disk.path().join("dst");
    let err = CopyBackend::new(ReflinkMode::Always)
        .clone_tree(&src, &dst)
        .unwrap_err();
    assert_eq!(err.op, "copy", "{err}");
    assert!(!dst.exists(), "nothing half-copied is left");
}
