//! `hsm set`: hsm.yaml's top-level settings from the command line, comments kept, values
//! checked before anything is written, `--unset` back to the default.

use crate::common::{Scratch, fails_with, ok, read, run, snapshot_tree, unchanged};

#[test]
fn set_changes_one_setting_and_keeps_the_rest_of_hsm_yaml() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let manifest = dir.join("hsm.yaml");
    let before = read(&manifest);
    ok(&run(s.hsm(&dir).args(["set", "package-manager", "pip"])));
    let after = read(&manifest);
    assert!(after.contains("package_manager: pip"), "{after}");
    // Only that line differs: comments and key order stay.
    let removed: Vec<&str> = before
        .lines()
        .filter(|l| !after.lines().any(|a| a == *l))
        .collect();
    assert!(
        removed.iter().all(|l| l.starts_with("package_manager")),
        "{removed:?}"
    );
    let out = run(s.hsm(&dir).args(["set", "package-manager", "pip"]));
    assert!(out.stderr.contains("Nothing to change"), "{}", out.render());
    ok(&run(s.hsm(&dir).args(["set", "mode", "dev"])));
    assert!(read(&manifest).contains("mode: dev"));
    ok(&run(s.hsm(&dir).args([
        "set",
        "package_manager",
        "--unset",
    ])));
    assert!(
        !read(&manifest).contains("package_manager"),
        "{}",
        read(&manifest)
    );
    ok(&run(s.hsm(&dir).args(["check", "--offline"])));
}

#[test]
fn set_refuses_unknown_settings_and_values_and_writes_nothing() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = snapshot_tree(&dir);
    let err = fails_with(
        &run(s.hsm(&dir).args(["set", "package-manager", "poetry"])),
        2,
    );
    assert!(err.contains("poetry") && err.contains("uv"), "{err}");
    let err = fails_with(&run(s.hsm(&dir).args(["set", "mode", "staging"])), 2);
    assert!(err.contains("dev") && err.contains("prod"), "{err}");
    let err = fails_with(&run(s.hsm(&dir).args(["set", "package-manger", "pip"])), 2);
    assert!(err.contains("did you mean `package-manager`"), "{err}");
    let err = fails_with(&run(s.hsm(&dir).args(["set", "mode"])), 2);
    assert!(err.contains("--unset") || err.contains("<VALUE>"), "{err}");
    unchanged(&before, &dir);
}

/// `set registry`: the new directory must exist (relative to hsm.yaml), and the registry is
/// not loaded, so a project whose registry is gone can still be pointed elsewhere or back.
#[test]
fn set_registry_needs_a_directory_and_works_when_the_old_one_is_gone() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = snapshot_tree(&dir);
    for bad in ["/nonexistent", "${HOME}/reg", "hsm.yaml"] {
        let err = fails_with(&run(s.hsm(&dir).args(["set", "registry", bad])), 2);
        assert!(err.contains("is not a directory"), "{err}");
    }
    unchanged(&before, &dir);
    // The registry moves away; hsm.yaml still names it.
    std::fs::rename(s.path().join("registry"), s.path().join("moved")).unwrap();
    ok(&run(s.hsm(&dir).args(["set", "registry", "../../moved"])));
    assert!(read(&dir.join("hsm.yaml")).contains("registry: ../../moved"));
    ok(&run(s.hsm(&dir).args(["check", "--offline"])));
    std::fs::rename(s.path().join("moved"), s.path().join("gone")).unwrap();
    ok(&run(s.hsm(&dir).args(["set", "registry", "--unset"])));
    assert!(!read(&dir.join("hsm.yaml")).contains("registry:"));
}
