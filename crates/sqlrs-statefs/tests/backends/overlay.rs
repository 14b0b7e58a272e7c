//! The overlay backend on ext4 (the machine's own filesystem) and on XFS: clones are
//! overlay mounts, snapshots promote a clone's upper directory to a layer, deep chains
//! are flattened, and layers go with their last user.

use std::fs;
use std::path::Path;

use sqlrs_statefs::{Backend, OverlayBackend, publish};

use crate::loopfs::{Fs, LoopFs, Scratch};
use crate::{gate, scenario, tree};

fn pool_is_empty(pool: &Path) -> bool {
    fs::read_dir(pool).map_or(true, |mut d| d.next().is_none())
}

fn is_mounted(path: &Path) -> bool {
    fs::read_to_string("/proc/self/mountinfo")
        .unwrap()
        .lines()
        .any(|l| l.split(' ').nth(4) == Some(path.to_str().unwrap()))
}

#[test]
fn overlay_keeps_everything_on_ext4() {
    if !gate::root_tests(&["mount"]) {
        return;
    }
    let scratch = Scratch::new();
    let pool = scratch.path().join("layers");
    let backend = OverlayBackend::new(&pool);
    assert_eq!(backend.name(), "overlay");
    scenario::exercise(&backend, scratch.path());
    assert!(pool_is_empty(&pool), "every layer went with its last user");
}

#[test]
fn overlay_keeps_everything_on_xfs() {
    if !gate::root_tests(&["mount", "losetup", "mkfs.xfs"]) {
        return;
    }
    let disk = LoopFs::new(Fs::Xfs { reflink: true });
    let pool = disk.path().join("layers");
    scenario::exercise(&OverlayBackend::new(&pool), disk.path());
    assert!(pool_is_empty(&pool));
}

#[test]
fn overlay_clones_are_mounts_and_snapshots_layers() {
    if !gate::root_tests(&["mount"]) {
        return;
    }
    let scratch = Scratch::new();
    let backend = OverlayBackend::new(scratch.path().join("layers"));
    let base = scratch.path().join("base");
    tree::fixture(&base);
    let clone = scratch.path().join("clone");
    backend.clone_tree(&base, &clone).unwrap();
    assert!(is_mounted(&clone));
    let states = scratch.path().join("states");
    assert!(publish(&backend, &clone, &states, "s1").unwrap());
    assert!(is_mounted(&clone), "mounted again after its snapshot");
    assert_eq!(backend.depth(&states.join("s1")).unwrap(), 2);
    assert!(
        backend.depth(&clone).is_err(),
        "a mounted clone's chain is hidden"
    );

    // A snapshot that cannot be made leaves the clone as it was, mounted.
    fs::write(clone.join("pgdata/later"), "l").unwrap();
    let before = tree::describe(&clone);
    fs::create_dir(states.join("taken")).unwrap();
    let err = backend.snapshot(&clone, &states.join("taken")).unwrap_err();
    assert_eq!(err.op, "create", "{err}");
    assert!(is_mounted(&clone));
    tree::assert_same(
        &tree::describe(&clone),
        &before,
        "a clone after a failed snapshot",
    );
    fs::remove_dir(states.join("taken")).unwrap();

    // A busy clone is not unmounted under its user.
    let busy = fs::File::open(clone.join("pgdata/PG_VERSION")).unwrap();
    let err = backend.snapshot(&clone, &states.join("s2")).unwrap_err();
    assert_eq!(err.op, "unmount", "{err}");
    drop(busy);
    assert!(!states.join("s2").exists());

    // A live clone cannot be a source: its data is not a layer yet.
    let err = backend
        .clone_tree(&clone, &scratch.path().join("c2"))
        .unwrap_err();
    assert!(err.source.to_string().contains("snapshot it"), "{err}");
    assert!(!scratch.path().join("c2").exists());

    // After a reboot a clone is a directory again, and is mounted back as it was.
    fs::write(clone.join("pgdata/after"), "a").unwrap();
    let before = tree::describe(&clone);
    assert!(
        std::process::Command::new("umount")
            .arg(&clone)
            .status()
            .unwrap()
            .success()
    );
    assert!(!clone.join("pgdata").exists());
    assert!(backend.remount(&clone).unwrap());
    assert!(!backend.remount(&clone).unwrap(), "already mounted");
    tree::assert_same(&tree::describe(&clone), &before, "a remounted clone");
    assert!(
        backend.remount(&states.join("s1")).is_err(),
        "a state is not a clone"
    );

    backend.remove(&clone).unwrap();
    assert!(!is_mounted(&clone) && !clone.exists());
    backend.remove(&states.join("s1")).unwrap();
    assert!(pool_is_empty(&scratch.path().join("layers")));
}

#[test]
fn overlay_flattens_a_chain_deeper_than_the_limit() {
    if !gate::root_tests(&["mount"]) {
        return;
    }
    let scratch = Scratch::new();
    let backend = OverlayBackend::new(scratch.path().join("layers"));
    let base = scratch.path().join("base");
    tree::fixture(&base);
    let clone = scratch.path().join("clone");
    backend.clone_tree(&base, &clone).unwrap();
    let states = scratch.path().join("states");
    let max = OverlayBackend::MAX_LAYERS;
    let mut depths = Vec::new();
    for i in 1..=max + 2 {
        fs::write(clone.join(format!("pgdata/step{i}")), i.to_string()).unwrap();
        let id = format!("s{i}");
        assert!(publish(&backend, &clone, &states, &id).unwrap());
        depths.push(backend.depth(&states.join(&id)).unwrap());
    }
    // Base + one layer per snapshot, until the limit; then one layer, growing again.
    assert_eq!(depths[0], 2);
    assert_eq!(depths[max - 2], max);
    assert_eq!(depths[max - 1], 1, "flattened: {depths:?}");
    assert_eq!(depths[max], 2);

    let check = scratch.path().join("check");
    backend
        .clone_tree(&states.join(format!("s{max}")), &check)
        .unwrap();
    for i in 1..=max {
        let got = fs::read_to_string(check.join(format!("pgdata/step{i}"))).unwrap();
        assert_eq!(got, i.to_string());
    }
    assert!(!check.join(format!("pgdata/step{}", max + 1)).exists());
    let mut want = tree::describe(&base);
    let mut got = tree::describe(&check);
    want.retain(|p, _| !p.starts_with("pgdata/step"));
    got.retain(|p, _| !p.to_string_lossy().starts_with("pgdata/step"));
    tree::assert_same(&got, &want, "a flattened state");

    for path in [&check, &clone] {
        backend.remove(path).unwrap();
    }
    for i in 1..=max + 2 {
        backend.remove(&states.join(format!("s{i}"))).unwrap();
    }
    assert!(pool_is_empty(&scratch.path().join("layers")));
}
