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
