//! The acceptance cases of the earlier implementation (hsm-original.md §6.5), ported to this
//! one's semantics. Cases covered by other test modules are listed here with their test:
//!
//! 1. Init — `cli::init_creates_project_and_is_idempotent`
//! 2. Registry CRUD — `cli::registry_crud`
//! 3. Group selection (1-of-N replaces, M-of-N appends, unselecting the last removes the
//!    group) — `cli::group_select_strategies_and_implied_selection`
//! 4. Implies at edit time — same test (the implied selection is reported by the edit and
//!    resolved, transitively, at sync)
//! 6. Implication merging — `seeds::case_1_1_shared_container_merges_params`
//! 7. External profile — `seeds::case_1_2_external_profile_forwards_connection_env`
//! 9. Secrets — `seeds::case_5_zero_leak_secrets`
//!
//! 11. Isolated uv services — `services::uv_service_gets_its_own_environment_with_env_visible_to_builds`
//!     and `services::uv_service_from_git_is_cloned`
//!
//! Case 12 (`--git-init`) became cloning on demand, tested below.

use crate::common::*;

fn project(s: &Scratch, registry: &[(&str, &str)], manifest: &str) -> std::path::PathBuf {
    for (p, t) in registry {
        s.write(&format!("hsm-registry/{p}"), t);
    }
    s.write("hsm.yaml", manifest);
    s.path().to_path_buf()
}

#[test]
fn case_5_requirement_materialisation() {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.path().join("libs/local-lib")).unwrap();
    let dir = project(
        &s,
        &[
            (
                "packages/gitlib.yaml",
                "name: gitlib\nsources:\n  prod: {type: git, url: \"https://example.invalid/gitlib.git\", ref: 0123abc}\n",
            ),
            (
                "packages/local-lib.yaml",
                "name: local-lib\nsources:\n  dev: {type: local, path: ../../libs/local-lib}\n  prod: {type: local, path: ../../libs/local-lib}\n",
            ),
            (
                "packages/requests.yaml",
                "name: requests\nversion: \"2.32.3\"\nsources:\n  prod: {type: pypi}\n",
            ),
        ],
        "packages:\n  - gitlib\n  - local-lib: dev\n  - requests\n",
    );
    let plan = ok(&run(s.hsm(&dir).args(["plan", "--json"])));
    let v: serde_json::Value = serde_json::from_str(&plan).unwrap();
    let diff = v["changes"][0]["diff"].as_str().unwrap();
    assert!(
        diff.contains(
            "gitlib = { git = \"https://example.invalid/gitlib.git\", rev = \"0123abc\" }"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("local-lib = { path = \"libs/local-lib\", editable = true }"),
        "dev/local is editable:\n{diff}"
    );
    assert!(
        diff.contains("\"requests==2.32.3\""),
        "version pins a pypi source:\n{diff}"
    );
}

#[test]
fn case_8_dev_prod_switch_for_standalone_containers() {
    let s = Scratch::examples();
    let dir = s.path().join("projects/standalone");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\nservices:\n  containers:\n    - graph-builder-service: dev\n",
    )
    .unwrap();
    ok(&run(s.hsm(&dir).args(["plan"])));
    let plan = ok(&run(s.hsm(&dir).args(["plan"])));
    assert!(plan.contains("+      dockerfile: Dockerfile.dev"), "{plan}");
    ok(&run(s.hsm(&dir).args([
        "mode",
        "graph-builder-service",
        "prod",
    ])));
    let plan = ok(&run(s.hsm(&dir).args(["plan"])));
    assert!(
        plan.contains("+    image: ghcr.io/example/graph-builder:2.0"),
        "{plan}"
    );
    assert!(read(&dir.join("hsm.yaml")).contains("graph-builder-service: prod"));
}

#[test]
fn case_10_env_fail_fast() {
    let s = Scratch::empty();
    let dir = project(
        &s,
        &[
            ("packages/a.yaml", "name: a\nenv:\n  SHARED: one\n"),
            ("packages/b.yaml", "name: b\nenv:\n  SHARED: two\n"),
        ],
        "packages: [a, b]\n",
    );
    let err = fails_with(&run(s.hsm(&dir).arg("sync")), 3);
    assert!(
        err.contains("`SHARED` gets two different values, from package `a` and from package `b`"),
        "{err}"
    );
    assert!(
        !err.contains("one") || !err.contains("two\n"),
        "values are not printed"
    );
    std::fs::write(dir.join("hsm.yaml"), "packages: [a]\n").unwrap();
    std::fs::write(dir.join(".env"), "OK=1\nthis line is broken\n").unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("sync")), 3);
    assert!(err.contains(".env:2"), "{err}");
}

#[test]
fn case_12_clone_on_demand() {
    let s = Scratch::examples();
    // A repository to clone: the example package, committed.
    let src = s.path().join("upstream");
    copy_tree(&s.path().join("packages/neo4j-client"), &src);
    git(&src, &["init", "-q", "-b", "main"]);
    git(&src, &["add", "."]);
    git(&src, &["commit", "-q", "-m", "init"]);
    s.write(
        "registry/packages/cloned-client.yaml",
        &format!("name: cloned-client\nsources:\n  dev:\n    type: local\n    path: ../../packages/cloned-client\n    git: {{url: \"file://{}\", ref: main}}\n", src.display()),
    );
    let dir = s.path().join("projects/clone");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages:\n  - cloned-client: dev\n",
    )
    .unwrap();
    let plan = ok(&run(s.hsm(&dir).arg("plan")));
    assert!(
        plan.contains("clone the code of `cloned-client` into `../../packages/cloned-client`"),
        "{plan}"
    );
    let target = s.path().join("packages/cloned-client");
    // Offline-safe: only the clone is checked here, uv is replaced by `true`.
    let out = run(s.hsm(&dir).arg("sync").env("HSM_UV", "true"));
    ok(&out);
    assert!(
        out.stderr
            .clone()
            .contains("cloned  ../../packages/cloned-client")
    );
    assert!(target.join(".git").is_dir() && target.join("pyproject.toml").is_file());
    // An existing checkout is never overwritten.
    std::fs::write(target.join("LOCAL_EDIT"), "mine").unwrap();
    ok(&run(s.hsm(&dir).arg("sync").env("HSM_UV", "true")));
    assert_eq!(read(&target.join("LOCAL_EDIT")), "mine");
}

#[test]
fn case_13_check() {
    let s = Scratch::empty();
    let dir = project(
        &s,
        &[("containers/web.yaml", "name: web\nimage: nginx:1\n")],
        "services:\n  containers: [web, api]\n  container_groups:\n    frontend: {selection: web}\n",
    );
    let err = fails_with(&run(s.hsm(&dir).args(["check", "--offline"])), 3);
    assert!(
        err.contains("container `api` is not in the registry"),
        "{err}"
    );
    std::fs::write(dir.join("hsm.yaml"), "services:\n  containers: [web]\n").unwrap();
    let out = run(s.hsm(&dir).args(["check", "--offline"]));
    ok(&out);
    assert!(out.stderr.clone().contains("All checks passed"));
}

#[test]
fn case_14_empty_stack_sync_removes_stale_compose() {
    let s = Scratch::empty();
    let dir = project(
        &s,
        &[("containers/web.yaml", "name: web\nimage: nginx:1\n")],
        "services:\n  containers: [web]\n",
    );
    ok(&run(s.hsm(&dir).args(["sync", "-q"]).env("HSM_UV", "true")));
    assert!(dir.join("docker-compose.hsm.yml").is_file());
    ok(&run(s.hsm(&dir).args(["container", "remove", "web"])));
    ok(&run(s.hsm(&dir).args(["sync", "-q"]).env("HSM_UV", "true")));
    assert!(
        !dir.join("docker-compose.hsm.yml").exists(),
        "stale compose file removed"
    );
}
