//! The life of states and clones every backend must get right.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use sqlrs_statefs::{Backend, publish, reconcile};

use crate::tree::{assert_same, describe, fixture};

/// Under `root`: a base, a clone of it written to, a state published from the clone (which
/// goes on), clones of that state, a second state, removals in any order. Contents, modes,
/// owners and links are kept everywhere; no write shows anywhere but where it was made;
/// the base is never touched and nothing but the base is left.
pub fn exercise(backend: &dyn Backend, root: &Path) {
    let base = root.join("base");
    fixture(&base);
    let original = describe(&base);
    let states = root.join("states");

    let c1 = root.join("c1");
    backend.clone_tree(&base, &c1).unwrap();
    assert_same(&describe(&c1), &original, "a clone of the base");
    fs::write(c1.join("pgdata/PG_VERSION"), "16\n").unwrap();
    fs::write(c1.join("pgdata/base/1/new"), "n").unwrap();
    fs::remove_file(c1.join("pgdata/base/1/1259")).unwrap();
    fs::set_permissions(c1.join("pgdata/global"), fs::Permissions::from_mode(0o750)).unwrap();
    assert_same(
        &describe(&base),
        &original,
        "the base after its clone was written",
    );
    let step1 = describe(&c1);

    assert!(publish(backend, &c1, &states, "s1").unwrap());
    assert_same(&describe(&c1), &step1, "the clone after its snapshot");
    fs::write(c1.join("pgdata/PG_VERSION"), "17\n").unwrap();
    let step2 = describe(&c1);

    let c2 = root.join("c2");
    backend.clone_tree(&states.join("s1"), &c2).unwrap();
    assert_same(&describe(&c2), &step1, "a clone of the state");
    fs::write(c2.join("pgdata/other"), "o").unwrap();
    let c2_written = describe(&c2);
    assert_same(
        &describe(&c1),
        &step2,
        "a clone after another clone was written",
    );

    assert!(publish(backend, &c1, &states, "s2").unwrap());
    assert!(
        !publish(backend, &c1, &states, "s2").unwrap(),
        "published once"
    );
    // A state outlives its clone; a clone outlives its state.
    backend.remove(&c1).unwrap();
    let removed = reconcile(backend, &states, &|id| id == "s2").unwrap();
    assert_eq!(removed, [states.join("s1")]);
    let c3 = root.join("c3");
    backend.clone_tree(&states.join("s2"), &c3).unwrap();
    assert_same(&describe(&c3), &step2, "a clone of the second state");
    assert_same(
        &describe(&c2),
        &c2_written,
        "a clone whose state was removed",
    );

    for path in [&c2, &c3, &states.join("s2")] {
        backend.remove(path).unwrap();
        assert!(!path.exists(), "{} was removed", path.display());
    }
    backend.remove(&root.join("missing")).unwrap();
    assert_same(&describe(&base), &original, "the base at the end");
    assert_eq!(fs::read_dir(&states).unwrap().count(), 0);
}

/// Whether `file`'s data is shared with another file (FIEMAP's `shared` flag, as
/// `filefrag` reports it; the data must be on disk: sync first).
pub fn shares_data(file: &Path) -> bool {
    let out = Command::new("filefrag")
        .arg("-v")
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "filefrag {}", file.display());
    String::from_utf8_lossy(&out.stdout).contains("shared")
}

/// Flushes the filesystem holding `path`.
pub fn sync(path: &Path) {
    let f = fs::File::open(path).unwrap();
    rustix::fs::syncfs(&f).unwrap();
}
