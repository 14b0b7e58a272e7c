//! The btrfs backend on a btrfs loop filesystem: clones are writable subvolume snapshots,
//! states read-only ones, and a plain source directory becomes a subvolume on its first copy.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use sqlrs_statefs::{Backend, BtrfsBackend, publish};

use crate::loopfs::{Fs, LoopFs};
use crate::{gate, scenario, tree};

const TOOLS: &[&str] = &["losetup", "mkfs.btrfs", "btrfs", "filefrag"];

/// A subvolume's root directory has inode 256 (`BTRFS_FIRST_FREE_OBJECTID`).
fn is_subvolume(path: &Path) -> bool {
    fs::metadata(path).unwrap().ino() == 256
}

#[test]
fn btrfs_keeps_everything_through_clones_and_states() {
    if !gate::root_tests(TOOLS) {
        return;
    }
    let disk = LoopFs::new(Fs::Btrfs);
    let backend = BtrfsBackend::new();
    assert_eq!(backend.name(), "btrfs");
    scenario::exercise(&backend, disk.path());
}

#[test]
fn btrfs_states_are_read_only_snapshots_and_clones_writable_ones() {
    if !gate::root_tests(TOOLS) {
        return;
    }
    let disk = LoopFs::new(Fs::Btrfs);
    let backend = BtrfsBackend::new();
    let base = disk.path().join("base");
    tree::fixture(&base);
    assert!(!is_subvolume(&base));

    let c1 = disk.path().join("c1");
    backend.clone_tree(&base, &c1).unwrap();
    assert!(
        is_subvolume(&c1),
        "a plain source is copied into a subvolume"
    );
    let states = disk.path().join("states");
    assert!(publish(&backend, &c1, &states, "s1").unwrap());
    let s1 = states.join("s1");
    assert!(is_subvolume(&s1));
    let denied = fs::write(s1.join("pgdata/PG_VERSION"), "x").unwrap_err();
    assert_eq!(denied.raw_os_error(), Some(30), "EROFS: {denied}");

    scenario::sync(disk.path());
    let c2 = disk.path().join("c2");
    backend.clone_tree(&s1, &c2).unwrap();
    assert!(is_subvolume(&c2));
    assert!(scenario::shares_data(&c2.join("pgdata/global/big")));
    fs::write(c2.join("pgdata/PG_VERSION"), "16\n").unwrap();
    assert_eq!(
        fs::read_to_string(s1.join("pgdata/PG_VERSION")).unwrap(),
        "15\n"
    );

    // The destination must not exist: the tool would nest the snapshot inside it.
    let err = backend.clone_tree(&s1, &c2).unwrap_err();
    assert_eq!(err.source.kind(), io::ErrorKind::AlreadyExists, "{err}");

    for path in [&c1, &c2, &s1] {
        backend.remove(path).unwrap();
        assert!(!path.exists());
    }
    backend.remove(&base).unwrap();
    assert!(!base.exists(), "a plain directory is removed too");
}
