//! `hsm package init`: a new local package, made by real `uv init --lib`, registered with an
//! editable dev source, added in dev mode and synced — it imports from the venv, and an
//! edit of its source shows without syncing again.

use crate::common::*;

#[test]
fn a_new_package_imports_and_an_edit_shows_without_a_sync() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::empty();
    let dir = s.path().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    ok(&run(s.hsm(&dir).args(["init", "--name", "proj"])));
    ok(&run(s.hsm(&dir).args(["package", "init", "mylib"])));
    assert!(dir.join("packages/mylib/pyproject.toml").exists());
    let entry = read(&dir.join("hsm-registry/packages/mylib.yaml"));
    assert!(
        entry.contains("editable: true") && entry.contains("../../packages/mylib"),
        "{entry}"
    );
    assert!(
        read(&dir.join("hsm.yaml")).contains("mylib"),
        "added to hsm.yaml"
    );
    assert!(
        !read(&dir.join("pyproject.toml")).contains("[tool.uv.workspace]"),
        "not a workspace member"
    );
    assert_eq!(
        python(&s, &dir, "import mylib; print(mylib.hello())"),
        "Hello from mylib!"
    );
    std::fs::write(
        dir.join("packages/mylib/src/mylib/__init__.py"),
        "def hello():\n    return 'edited'\n",
    )
    .unwrap();
    assert_eq!(
        python(&s, &dir, "import mylib; print(mylib.hello())"),
        "edited",
        "editable: no sync needed"
    );
    // Again: nothing new to make, still in sync.
    ok(&run(s.hsm(&dir).args(["package", "init", "mylib"])));
    ok(&run(s.hsm(&dir).args(["status"])));
}

#[test]
fn package_init_refuses_a_directory_that_is_not_a_package_or_outside_the_project() {
    let s = Scratch::empty();
    let dir = s.path().join("proj");
    std::fs::create_dir_all(dir.join("packages/x")).unwrap();
    std::fs::write(dir.join("packages/x/notes.txt"), "mine\n").unwrap();
    ok(&run(s.hsm(&dir).args(["init", "--name", "proj"])));
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(s.hsm(&dir).args(["package", "init", "x"])), 2);
    assert!(err.contains("not empty"), "{err}");
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["package", "init", "y", "--path", "../elsewhere"])),
        2,
    );
    assert!(err.contains("outside the project"), "{err}");
    unchanged(&before, &dir);
}
