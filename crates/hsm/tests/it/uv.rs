//! Real uv: pyproject ownership, git sources from a local bare repository, editable installs,
//! removal, `--frozen`, and the no-op sync that rewrites nothing.

use std::path::Path;
use std::time::SystemTime;

use crate::common::*;

/// A bare repository holding package `gitpkg` in sub-directory `py/`, tagged `v1`
/// (VALUE = 1) with a later commit (VALUE = 2) on the default branch.
fn bare_repo(root: &Path) -> String {
    let work = root.join("gitpkg-work");
    let pkg = work.join("py");
    std::fs::create_dir_all(pkg.join("src/gitpkg")).unwrap();
    std::fs::write(
        pkg.join("pyproject.toml"),
        "[project]\nname = \"gitpkg\"\nversion = \"1.0.0\"\nrequires-python = \">=3.10\"\n\n[build-system]\nrequires = [\"uv_build>=0.9\"]\nbuild-backend = \"uv_build\"\n",
    )
    .unwrap();
    std::fs::write(pkg.join("src/gitpkg/__init__.py"), "VALUE = 1\n").unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "-q", "-m", "v1"]);
    git(&work, &["tag", "v1"]);
    std::fs::write(pkg.join("src/gitpkg/__init__.py"), "VALUE = 2\n").unwrap();
    git(&work, &["commit", "-q", "-am", "v2"]);
    let bare = root.join("gitpkg.git");
    git(
        root,
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    format!("file://{}", bare.display())
}

fn project(s: &Scratch, hsm_yaml: &str) -> std::path::PathBuf {
    s.write("proj/hsm.yaml", hsm_yaml);
    s.path().join("proj")
}

#[test]
fn git_source_from_local_bare_repo_with_tag_and_subdirectory() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::empty();
    let url = bare_repo(&s.path());
    s.write(
        "proj/hsm-registry/packages/gitpkg.yaml",
        &format!("name: gitpkg\nsources:\n  prod: {{type: git, url: \"{url}\", tag: v1, subdirectory: py}}\n"),
    );
    let dir = project(&s, "packages: [gitpkg]\n");
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let py = read(&dir.join("pyproject.toml"));
    assert!(
        py.contains(&format!(
            "gitpkg = {{ git = \"{url}\", tag = \"v1\", subdirectory = \"py\" }}"
        )),
        "{py}"
    );
    let out = ok(&run(s.hsm(&dir).args([
        "run",
        "--",
        ".venv/bin/python",
        "-c",
        "import gitpkg; print(gitpkg.VALUE)",
    ])));
    assert_eq!(out.trim(), "1", "the tag, not the branch head");
}

#[test]
fn user_dependencies_survive_and_removed_components_disappear() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = s.path().join("projects/mine");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages:\n  - qdrant-client\n  - neo4j-client: dev\n",
    )
    .unwrap();
    let user = "# my project\n[project]\nname = \"mine\"\nversion = \"0.1.0\"\nrequires-python = \">=3.10\"\ndependencies = [\n    \"tree-sitter-chunker\", # mine, not hsm's\n]\n\n[tool.uv.sources]\ntree-sitter-chunker = { path = \"../../packages/tree-sitter-chunker\" }\n";
    std::fs::write(dir.join("pyproject.toml"), user).unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let py = read(&dir.join("pyproject.toml"));
    insta::assert_snapshot!("user_pyproject_after_sync", py);
    // `check` resolves a scratch copy in which the user's own relative sources still work.
    ok(&run(s.hsm(&dir).arg("check").env("UV_OFFLINE", "1")));
    // Remove one hsm component: it disappears, the user's entries stay.
    ok(&run(s.hsm(&dir).args([
        "package",
        "remove",
        "neo4j-client",
    ])));
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let py = read(&dir.join("pyproject.toml"));
    assert!(!py.contains("neo4j"), "{py}");
    assert!(
        py.contains("\"tree-sitter-chunker\", # mine, not hsm's"),
        "{py}"
    );
    // Remove the last one: the file is the user's own again, byte for byte.
    ok(&run(s.hsm(&dir).args([
        "package",
        "remove",
        "qdrant-client",
    ])));
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    assert_eq!(read(&dir.join("pyproject.toml")), user);
}

#[test]
fn noop_sync_rewrites_nothing_and_frozen_passes_through() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let files = [
        "pyproject.toml",
        "uv.lock",
        "docker-compose.hsm.yml",
        ".hsm/env",
        ".hsm/.gitignore",
    ];
    let mtimes: Vec<SystemTime> = files
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).unwrap().modified().unwrap())
        .collect();
    let before = snapshot_tree(&dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = run(s.hsm(&dir).args(["sync"]));
    ok(&out);
    let err = out.stderr.clone();
    assert!(err.contains("Nothing to change"), "{err}");
    let after: Vec<SystemTime> = files
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, after, "no file was rewritten");
    assert_eq!(before, snapshot_tree(&dir));
    // --frozen reaches uv: with a lock that no longer matches, uv must refuse to update it.
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--frozen"])));
    let json = ok(&run(s.hsm(&dir).args(["sync", "--json", "--frozen"])));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["status"], "unchanged");
    assert_eq!(v["installed"], true);
}

#[test]
fn plan_shows_diffs_and_writes_nothing() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    let before = snapshot_tree(s.path());
    let out = run(s.hsm(&dir).arg("plan"));
    let text = ok(&out);
    insta::assert_snapshot!("shared_db_plan", s.filter(&text));
    assert_eq!(before, snapshot_tree(s.path()), "plan changed a file");
    let json = ok(&run(s.hsm(&dir).args(["plan", "--json"])));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["create"], 3, "{v}");
    let dry = ok(&run(s.hsm(&dir).args(["sync", "--dry-run"])));
    assert_eq!(dry, text, "sync --dry-run prints the same plan");
    assert_eq!(before, snapshot_tree(s.path()));
}

#[test]
fn status_reports_drift_and_sync_verify_checks_the_environment() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--verify"])));
    let out = run(s.hsm(&dir).arg("status"));
    ok(&out);
    assert!(out.stderr.clone().contains("In sync"));
    // The environment drifts: status fails and says how.
    std::fs::remove_dir_all(dir.join(".venv")).unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("status")), 1);
    assert!(err.contains("+ neo4j-client"), "{err}");
    // hsm.yaml drifts: the artifacts are named.
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    ok(&run(s.hsm(&dir).args(["container", "add", "redis"])));
    let json = run(s.hsm(&dir).args(["status", "--json"]));
    assert_eq!(json.code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["in_sync"], false);
    let drift: Vec<String> = v["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert!(
        drift.contains(&"docker-compose.hsm.yml differs from what hsm.yaml asks for".to_string()),
        "{drift:?}"
    );
}

#[test]
fn check_resolves_with_uv_and_validates_compose() {
    need!("uv", "HSM_TEST_UV");
    need!("docker-compose", "HSM_TEST_COMPOSE");
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = snapshot_tree(s.path());
    let out = run(s
        .hsm(&dir)
        .arg("check")
        .env("HSM_COMPOSE", "docker-compose"));
    ok(&out);
    let err = out.stderr.clone();
    assert!(
        err.contains("packages   3 resolve with uv")
            && err.contains("compose    valid (docker-compose)"),
        "{err}"
    );
    assert_eq!(before, snapshot_tree(s.path()), "check changes nothing");
    // Unresolvable: a package that needs a Python the project does not allow.
    let pkg = s.path().join("packages/neo4j-client/pyproject.toml");
    std::fs::write(&pkg, read(&pkg).replace(">=3.10", ">=3.99")).unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("check").env("UV_OFFLINE", "1")), 3);
    assert!(err.contains("the packages do not resolve with uv"), "{err}");
    // A bad port is caught when the registry loads, located, before Compose sees it.
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    let pg = s.path().join("registry/containers/postgres.yaml");
    std::fs::write(&pg, read(&pg).replace("\"5432:5432\"", "\"not-a-port\"")).unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("check")), 3);
    assert!(
        err.contains("is not a port") && err.contains("(at `ports[0]`)"),
        "{err}"
    );
    // A value hsm passes through and Compose rejects: the message names the project's
    // file, never a scratch path.
    std::fs::write(
        &pg,
        read(&pg)
            .replace("\"not-a-port\"", "\"5432:5432\"")
            .replace("pgdata:/var/lib/postgresql/data", "a:b:c:d"),
    )
    .unwrap();
    let out = run(s
        .hsm(&dir)
        .arg("check")
        .arg("--compose-command")
        .arg("docker-compose"));
    let err = fails_with(&out, 3);
    assert!(
        err.contains("Docker Compose rejects the generated docker-compose.hsm.yml"),
        "{err}"
    );
    let shown = out.render();
    assert!(
        shown.contains("-f docker-compose.hsm.yml") && !shown.contains("[TMPDIR]"),
        "{shown}"
    );
}
