//! `hsm migrate`: projects and registries written by hand for the original's 0.2, 0.3 and
//! 0.4 (`tests/fixtures/original/<version>`, from hsm-original.md) become hsm's — the plan
//! and the result snapshot-tested, `check --offline` passing, a real `uv sync` after
//! (`HSM_TEST_UV`), a second migration a no-op, `--dry-run` writing nothing, and what
//! cannot be carried over refused with its file and line.

use std::path::{Path, PathBuf};

use crate::common::{
    Scratch, copy_tree, fails_with, need, ok, python, read, run, snapshot_tree, unchanged,
};

fn fixture(version: &str) -> (Scratch, PathBuf) {
    let s = Scratch::empty();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/original")
        .join(version);
    let dir = s.path().join("project");
    copy_tree(&from, &dir);
    (s, dir)
}

/// Every file of the project's hsm.yaml and registry, in path order, for a snapshot.
fn migrated_files(dir: &Path) -> String {
    let mut files = vec![dir.join("hsm.yaml")];
    let mut stack = vec![dir.join("hsm-registry")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).unwrap().display().to_string();
            format!("=== {rel}\n{}", read(f))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The whole round for one version; returns the project directory.
fn migrates(version: &str) -> (Scratch, PathBuf) {
    let (s, dir) = fixture(version);
    let before = snapshot_tree(&dir);
    let dry = run(s
        .hsm(&dir)
        .args(["migrate", "--dry-run"])
        .env("POSTGRES_PASSWORD", "x"));
    let plan = ok(&dry);
    unchanged(&before, &dir);
    insta::assert_snapshot!(format!("migrate_{version}_plan"), plan);
    insta::assert_snapshot!(format!("migrate_{version}_notes"), s.filter(&dry.stderr));
    ok(&run(s
        .hsm(&dir)
        .args(["migrate"])
        .env("POSTGRES_PASSWORD", "x")));
    insta::assert_snapshot!(format!("migrate_{version}_files"), migrated_files(&dir));
    for legacy in [
        "libraries",
        "services",
        "library_groups",
        "service_groups",
        "service_group",
    ] {
        assert!(
            !dir.join("hsm-registry").join(legacy).exists(),
            "{legacy}/ left behind"
        );
    }
    ok(&run(s
        .hsm(&dir)
        .args(["check", "--offline"])
        .env("POSTGRES_PASSWORD", "x")));
    // A second migration finds nothing to do and touches nothing.
    let after = snapshot_tree(&dir);
    let again = run(s.hsm(&dir).args(["migrate"]));
    assert_eq!(ok(&again), "");
    assert!(
        again.stderr.contains("Nothing to change"),
        "{}",
        again.render()
    );
    unchanged(&after, &dir);
    (s, dir)
}

#[test]
fn original_0_2_migrates_and_checks() {
    migrates("0.2");
}

#[test]
fn original_0_3_migrates_and_checks() {
    migrates("0.3");
}

#[test]
fn original_0_4_migrates_and_checks() {
    migrates("0.4");
}

/// After the migration a real `uv sync` installs what the original meant: local libraries
/// (editable in dev mode, which the original ignored), implications through groups, and
/// 0.4's isolated uv service with its registry dependency.
#[test]
fn migrated_projects_sync_with_uv() {
    need!("uv", "HSM_TEST_UV");
    for version in ["0.2", "0.3", "0.4"] {
        let (s, dir) = migrates(version);
        ok(&run(s
            .hsm(&dir)
            .args(["sync"])
            .env("POSTGRES_PASSWORD", "x")));
        let compose = read(&dir.join("docker-compose.hsm.yml"));
        match version {
            "0.2" => {
                assert_eq!(
                    python(
                        &s,
                        &dir,
                        "import auth_client, billing_client, fast_server; print('ok')"
                    ),
                    "ok"
                );
                assert!(
                    compose.contains("POSTGRES_MULTIPLE_DATABASES: auth_db,billing_db"),
                    "{compose}"
                );
            }
            "0.3" => {
                assert_eq!(
                    python(
                        &s,
                        &dir,
                        "import neo4j_client, chunker, api_server; print('ok')"
                    ),
                    "ok"
                );
                // neo4j-client is in dev mode: installed editable, an edit shows at once.
                std::fs::write(
                    dir.join("libs/neo4j-client/src/neo4j_client/__init__.py"),
                    "NAME = 'edited'\n",
                )
                .unwrap();
                assert_eq!(
                    python(&s, &dir, "import neo4j_client; print(neo4j_client.NAME)"),
                    "edited"
                );
                // The group option's implication brings postgres; qdrant is external.
                assert!(
                    compose.contains("api_db") && !compose.contains("qdrant/qdrant"),
                    "{compose}"
                );
                assert!(compose.contains("Dockerfile.dev"), "{compose}");
                // The external profile's connection (stored and never used by the original)
                // reaches the library that implies the service.
                let env = ok(&run(s.hsm(&dir).arg("env")));
                assert!(
                    env.contains("QDRANT_HOST=10.0.0.50") && env.contains("QDRANT_PORT=6333"),
                    "{env}"
                );
            }
            _ => {
                assert_eq!(
                    python(
                        &s,
                        &dir,
                        "import auth_service, billing_service; print('ok')"
                    ),
                    "ok"
                );
                assert!(dir.join("services/env-service/.venv").is_dir());
                assert!(
                    compose.contains("auth_db,billing_db") && !compose.contains("env-service"),
                    "{compose}"
                );
            }
        }
    }
}

#[test]
fn unconvertible_constructs_exit_3_naming_file_and_line_and_write_nothing() {
    let (s, dir) = fixture("0.3");
    s.write(
        "project/hsm-registry/libraries/chunker.yaml",
        "name: chunker\nversion: 0.3.0\ntype: library\nsources:\n  prod: {type: local, path: libs/chunker}\nentrypoints:\n  serve: python -m chunker\n",
    );
    s.write(
        "project/hsm-registry/services/local-chunker.yaml",
        "name: local-chunker\ntype: service\nenv_file: [chunker.env]\nsources:\n  prod: {type: docker-image, image: ghcr.io/example/chunker:1.0}\ndeployment_profiles:\n  local:\n    runtime: pixi\n",
    );
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(s.hsm(&dir).args(["migrate"])), 3);
    unchanged(&before, &dir);
    insta::assert_snapshot!("migrate_unconvertible", s.filter(&err));
    for expected in [
        "hsm-registry/libraries/chunker.yaml:6",
        "entrypoints",
        "hsm-registry/services/local-chunker.yaml:3",
        "env_file",
        "pixi",
        "3 constructs",
    ] {
        assert!(err.contains(expected), "{expected} missing from:\n{err}");
    }
    // --dry-run refuses the same way.
    fails_with(&run(s.hsm(&dir).args(["migrate", "--dry-run"])), 3);
    unchanged(&before, &dir);
}

/// A migrated project that hsm cannot load (here a selection that is no option of its
/// group, which the original never checked) is rolled back file by file.
#[test]
fn a_migration_that_does_not_load_back_is_rolled_back() {
    let (s, dir) = fixture("0.3");
    let manifest =
        read(&dir.join("hsm.yaml")).replace("selection: api-server", "selection: no-such-server");
    s.write("project/hsm.yaml", &manifest);
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(s.hsm(&dir).args(["migrate"])), 3);
    assert!(err.contains("no-such-server"), "{err}");
    assert!(err.contains("every file was restored"), "{err}");
    unchanged(&before, &dir);
}

#[test]
fn migrate_json_lists_changes_and_notes() {
    let (s, dir) = fixture("0.4");
    let out = ok(&run(s.hsm(&dir).args(["--json", "migrate", "--dry-run"])));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["from"], "0.3/0.4");
    assert_eq!(v["applied"], false);
    let changes = v["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["path"] == "hsm-registry/containers/env-service.yaml"
                && c["action"] == "create"),
        "{out}"
    );
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["file"] == "hsm.yaml"
            && n["message"].as_str().unwrap().contains("profile: default")),
        "{out}"
    );
}

/// A project already in hsm's vocabulary (every example) is left alone.
#[test]
fn hsm_projects_are_not_touched() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = snapshot_tree(s.path());
    let out = run(s.hsm(&dir).args(["migrate"]));
    ok(&out);
    assert!(out.stderr.contains("Nothing to change"), "{}", out.render());
    unchanged(&before, &s.path());
}

/// A run stopped after it wrote an entry's new file and before it removed the original's
/// (`kill -9`) loses nothing: the next run sees the finished entry and completes the rest.
#[test]
fn a_migration_stopped_half_way_finishes_on_the_next_run() {
    let (clean, clean_dir) = fixture("0.3");
    ok(&run(clean.hsm(&clean_dir).args(["migrate"])));
    let (s, dir) = fixture("0.3");
    let done = read(&clean_dir.join("hsm-registry/packages/chunker.yaml"));
    s.write("project/hsm-registry/packages/chunker.yaml", &done);
    assert!(dir.join("hsm-registry/libraries/chunker.yaml").exists());
    ok(&run(s.hsm(&dir).args(["migrate"])));
    assert_eq!(migrated_files(&dir), migrated_files(&clean_dir));
    // Another file under the new name is no finished entry: refused, nothing written.
    let (s, dir) = fixture("0.3");
    s.write(
        "project/hsm-registry/packages/chunker.yaml",
        "name: chunker\nsources:\n  prod: {type: pypi}\n",
    );
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(s.hsm(&dir).args(["migrate"])), 3);
    assert!(
        err.contains("`packages/chunker.yaml` exists already"),
        "{err}"
    );
    unchanged(&before, &dir);
}

/// SIGINT while a large registry migrates: every file is as it was, exit 130.
#[test]
fn a_signal_during_a_migration_restores_every_file() {
    let s = Scratch::empty();
    let dir = s.path().join("big");
    let mut manifest = String::from("project: {name: big}\nlibraries:\n  standalone: [lib1]\n");
    manifest.push_str("services:\n  standalone: [svc1]\n");
    s.write("big/hsm.yaml", &manifest);
    for i in 0..3000 {
        s.write(
            &format!("big/hsm-registry/libraries/lib{i}.yaml"),
            &format!("# lib {i}\nname: lib{i}\nversion: '1'\nsources:\n  prod: {{type: pypi}}\n"),
        );
    }
    for i in 0..500 {
        s.write(
            &format!("big/hsm-registry/services/svc{i}.yaml"),
            &format!("name: svc{i}\ntype: service\nsources:\n  prod: {{type: docker-image, image: nginx}}\n"),
        );
    }
    let before = snapshot_tree(&dir);
    let child = s.hsm(&dir).arg("migrate").spawn();
    std::thread::sleep(std::time::Duration::from_millis(150));
    infra_testkit::signal_process(child.id(), infra_testkit::Signal::INT);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    unchanged(&before, &dir);
}

/// What the original ignored in hsm.yaml and the registry, and hsm would refuse, goes with
/// a note: unknown names in `modes`, a library selecting itself in its group; names the
/// original's YAML 1.2 reader took as text (`y`) stay text; a `pypi` source installs its
/// package unpinned (the original never used `version`).
#[test]
fn what_the_original_ignored_goes_with_a_note() {
    let s = Scratch::empty();
    let dir = s.path().join("p");
    s.write(
        "p/hsm.yaml",
        "project: {name: p}\nlibraries:\n  groups:\n    server: {strategy: 1-of-N, selection: a}\n  standalone: [y]\nmodes:\n  ghost: dev\n  y: prod\n# the end\n",
    );
    s.write(
        "p/hsm-registry/library_groups/server.yaml",
        "name: server\ntype: library_group\nstrategy: 1-of-N\noptions: [{name: a}]\n",
    );
    s.write(
        "p/hsm-registry/libraries/a.yaml",
        "name: a\nversion: '1'\nsources:\n  prod: {type: pypi}\nimplies:\n  library_group:server: a\n",
    );
    s.write(
        "p/hsm-registry/libraries/y.yaml",
        "name: y\nversion: 0.1.0\nsources:\n  prod: {type: pypi}\n",
    );
    let out = run(s.hsm(&dir).args(["migrate"]));
    ok(&out);
    for expected in [
        "hsm.yaml:7 (at `modes.ghost`): removed: `ghost` is not in the registry",
        "(at `implies.package_group:server`): dropped: `a` selecting itself",
        "hsm installs `y` at any version",
    ] {
        assert!(
            out.stderr.contains(expected),
            "{expected} missing:\n{}",
            out.render()
        );
    }
    let manifest = read(&dir.join("hsm.yaml"));
    assert!(
        manifest.contains("packages: [\"y\"]") && manifest.ends_with("# the end\n"),
        "{manifest}"
    );
    assert!(read(&dir.join("hsm-registry/packages/y.yaml")).contains("spec: \"y\""));
    ok(&run(s.hsm(&dir).args(["check", "--offline"])));
}

/// A registry shared by two projects, outside both: the first migration rebases it against
/// the first project, and the second project is told its paths now point into the first.
#[test]
fn a_shared_registry_outside_the_project_is_named() {
    let s = Scratch::empty();
    s.write(
        "reg/libraries/x.yaml",
        "name: x\nversion: '1'\nsources:\n  dev: {type: local, path: libs/x, editable: true}\n",
    );
    for p in ["p1", "p2/sub"] {
        s.write(
            &format!("{p}/libs/x/pyproject.toml"),
            "[project]\nname = \"x\"\nversion = \"0.1.0\"\n",
        );
        s.write(
            &format!("{p}/hsm.yaml"),
            "project: {name: proj}\nlibraries:\n  standalone: [{name: x, mode: dev}]\n",
        );
    }
    let first = run(s
        .hsm(s.path().join("p1"))
        .args(["--registry", "../reg", "migrate"]));
    ok(&first);
    assert!(
        first
            .stderr
            .contains("the registry is outside this project"),
        "{}",
        first.render()
    );
    let second = run(s
        .hsm(s.path().join("p2/sub"))
        .args(["--registry", "../../reg", "migrate"]));
    ok(&second);
    assert!(
        second.stderr.contains("points outside this project"),
        "{}",
        second.render()
    );
}

/// Links in the original's folders would make a move delete what they point to.
#[test]
fn links_in_the_originals_folders_are_refused() {
    let (s, dir) = fixture("0.3");
    let shared = s.path().join("shared");
    std::fs::rename(dir.join("hsm-registry/service_groups"), &shared).unwrap();
    std::os::unix::fs::symlink(&shared, dir.join("hsm-registry/service_groups")).unwrap();
    let before = snapshot_tree(s.path());
    let err = fails_with(&run(s.hsm(&dir).args(["migrate"])), 3);
    assert!(
        err.contains("hsm-registry/service_groups") && err.contains("symbolic link"),
        "{err}"
    );
    unchanged(&before, &s.path());
}

#[test]
fn a_missing_registry_is_named_before_anything_else() {
    let (s, dir) = fixture("0.2");
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["--registry", "nowhere", "migrate", "--dry-run"])),
        3,
    );
    assert!(err.contains("nowhere"), "{err}");
}
