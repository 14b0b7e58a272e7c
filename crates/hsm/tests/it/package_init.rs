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

/// The name and the place are checked before uv runs: a name that is no PEP 508 name (or
/// looks like an option), the project root, hsm's `.hsm/`, or a uv project of another name.
#[test]
fn package_init_checks_the_name_and_the_place_before_anything_runs() {
    let s = Scratch::empty();
    let dir = s.path().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    ok(&run(s.hsm(&dir).args(["init", "--name", "proj"])));
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::write(
        dir.join("other/pyproject.toml"),
        "[project]\nname = \"other\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let before = snapshot_tree(&dir);
    for name in [
        "../evil",
        ".",
        "a/b",
        "x y",
        "ünï",
        "a-",
        "-rf",
        "a\u{1b}[31mred",
    ] {
        let err = fails_with(&run(s.hsm(&dir).args(["package", "init", "--", name])), 2);
        assert!(
            err.contains("is not a valid package name") || err.contains("empty"),
            "{name}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "raw escape in: {err}");
    }
    for (path, why) in [
        (".", "is the project itself"),
        (".hsm/x", "hsm's own state"),
        ("other", "holds the Python project `other`"),
    ] {
        let err = fails_with(
            &run(s.hsm(&dir).args(["package", "init", "foo", "--path", path])),
            2,
        );
        assert!(err.contains(why), "{path}: {err}");
    }
    unchanged(&before, &dir);
}

/// A sync that fails after the package was made takes it back: hsm.yaml and the registry
/// are as before (the directory it did not make stays).
#[test]
fn a_failed_sync_takes_the_new_package_back() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::empty();
    let dir = s.path().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    ok(&run(s.hsm(&dir).args(["init", "--name", "proj"])));
    std::fs::create_dir_all(dir.join("libs/foo")).unwrap();
    // A Python no interpreter satisfies: uv cannot install it.
    std::fs::write(
        dir.join("libs/foo/pyproject.toml"),
        "[project]\nname = \"foo\"\nversion = \"0.1.0\"\nrequires-python = \">=99\"\n",
    )
    .unwrap();
    let manifest = read(&dir.join("hsm.yaml"));
    let out = run(s
        .hsm(&dir)
        .args(["package", "init", "foo", "--path", "libs/foo"]));
    assert_ne!(out.code, Some(0), "{}", out.render());
    assert!(
        out.stderr.contains("`foo` was taken back"),
        "{}",
        out.render()
    );
    assert_eq!(read(&dir.join("hsm.yaml")), manifest);
    assert!(!dir.join("hsm-registry/packages/foo.yaml").exists());
    assert!(dir.join("libs/foo/pyproject.toml").exists());
}
