//! `auto` picks per filesystem; a backend named explicitly is refused with the reason
//! where the store cannot have it.

use std::path::Path;

use sqlrs_statefs::{BackendKind, choose};

use crate::loopfs::{Fs, LoopFs, Scratch};
use crate::{gate, scenario};

fn chosen(kind: BackendKind, root: &Path) -> &'static str {
    choose(kind, root).unwrap().name()
}

fn refusal(kind: BackendKind, root: &Path) -> String {
    let err = choose(kind, root).err().unwrap();
    format!("{err}: {}", err.source)
}

#[test]
fn auto_picks_btrfs_reflink_or_copy_by_filesystem() {
    if !gate::root_tests(&["losetup", "mkfs.btrfs", "btrfs", "mkfs.xfs", "mount"]) {
        return;
    }
    let btrfs = LoopFs::new(Fs::Btrfs);
    let xfs = LoopFs::new(Fs::Xfs { reflink: true });
    let plain_xfs = LoopFs::new(Fs::Xfs { reflink: false });
    let ext4 = Scratch::new();
    assert_eq!(chosen(BackendKind::Auto, btrfs.path()), "btrfs");
    assert_eq!(chosen(BackendKind::Auto, xfs.path()), "reflink");
    assert_eq!(chosen(BackendKind::Auto, plain_xfs.path()), "copy");
    assert_eq!(chosen(BackendKind::Auto, ext4.path()), "copy");

    assert_eq!(chosen(BackendKind::Reflink, btrfs.path()), "reflink");
    assert_eq!(chosen(BackendKind::Copy, xfs.path()), "copy");
    assert_eq!(chosen(BackendKind::Overlay, ext4.path()), "overlay");
    let e = refusal(BackendKind::Btrfs, xfs.path());
    assert!(
        e.starts_with("failed to use btrfs snapshots in") && e.contains("it is on xfs, not btrfs"),
        "{e}"
    );
    let e = refusal(BackendKind::Reflink, plain_xfs.path());
    assert!(e.contains("xfs cannot share data between files"), "{e}");

    // The chosen backend works where it was chosen; choosing left nothing behind.
    for disk in [btrfs.path(), xfs.path()] {
        let store = disk.join("store");
        let backend = choose(BackendKind::Auto, &store).unwrap();
        assert_eq!(std::fs::read_dir(&store).unwrap().count(), 0);
        scenario::exercise(&*backend, &store);
    }
}
