//! The command-line surface: init, edits that keep comments, registry authoring, env/run,
//! global flags, exit codes.

use crate::common::*;

#[test]
fn version_help_and_usage_errors() {
    let s = Scratch::empty();
    let v = ok(&run(s.hsm(s.path()).arg("--version")));
    assert_eq!(v.trim(), format!("hsm {}", env!("CARGO_PKG_VERSION")));
    let h = ok(&run(s.hsm(s.path()).arg("--help")));
    assert!(
        h.contains("Exit codes: 0 ok, 1 failure, 2 usage error"),
        "{h}"
    );
    fails_with(&run(s.hsm(s.path()).arg("frobnicate")), 2);
    fails_with(&run(s.hsm(s.path()).args(["mode", "x", "staging"])), 2);
    let c = ok(&run(s.hsm(s.path()).args(["completions", "bash"])));
    assert!(c.contains("_hsm"), "bash completion script");
}

#[test]
fn init_creates_project_and_is_idempotent() {
    let s = Scratch::empty();
    let dir = s.path().join("myproj");
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(s.hsm(&dir).args(["init", "--name", "p"]));
    insta::assert_snapshot!("init_transcript", transcript(&out));
    let manifest = read(&dir.join("hsm.yaml"));
    insta::assert_snapshot!("init_manifest", manifest);
    assert!(manifest.contains("name: p"));
    for f in [
        "packages",
        "containers",
        "package_groups",
        "container_groups",
    ] {
        assert!(dir.join("hsm-registry").join(f).is_dir(), "{f}");
    }
    assert!(read(&dir.join(".gitignore")).contains(".hsm/"));
    assert!(read(&dir.join("pyproject.toml")).contains("name = \"p\""));
    // Not a workspace member of anything, no uv init side effects.
    assert!(!dir.join("main.py").exists());
    std::fs::write(dir.join("hsm.yaml"), "# mine\nproject: {name: kept}\n").unwrap();
    let before = snapshot_tree(&dir);
    ok(&run(s.hsm(&dir).arg("init")));
    unchanged(&before, &dir); // re-running init changes nothing
    // The empty stack is valid and syncs.
    ok(&run(s.hsm(&dir).args(["check", "--offline"])));
}

#[test]
fn init_records_a_registry_given_by_flag() {
    let s = Scratch::empty();
    let dir = s.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    let reg = s.path().join("shared/reg");
    ok(&run(s.hsm(&dir).args(["init", "--registry"]).arg(&reg)));
    assert!(read(&dir.join("hsm.yaml")).contains("\nregistry: ../shared/reg\n"));
    assert!(reg.join("packages").is_dir());
    assert!(!dir.join("hsm-registry").exists());
    // The next command finds the registry without the flag.
    ok(&run(s
        .hsm(&dir)
        .args(["registry", "package", "add", "six"])));
    assert!(reg.join("packages/six.yaml").is_file());
    ok(&run(s.hsm(&dir).args(["package", "add", "six"])));
}

#[test]
fn project_is_found_upwards_and_with_dash_c() {
    let s = Scratch::examples();
    let sub = s.project("shared-db").join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let list = ok(&run(s.hsm(&sub).arg("list")));
    assert!(list.starts_with("Project: shared-db"), "{list}");
    let list = ok(&run(s.hsm(s.path()).args([
        "-C",
        "projects/shared-db",
        "list",
    ])));
    assert!(list.starts_with("Project: shared-db"), "{list}");
    let err = fails_with(&run(s.hsm(s.path()).arg("list")), 3);
    assert!(err.contains("no `hsm.yaml` found"), "{err}");
}

#[test]
fn edits_keep_comments_and_validate() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let original = read(&dir.join("hsm.yaml"));
    ok(&run(s.hsm(&dir).args([
        "package",
        "add",
        "neo4j-client",
        "--mode",
        "dev",
    ])));
    ok(&run(s.hsm(&dir).args(["container", "add", "redis"])));
    ok(&run(s.hsm(&dir).args(["mode", "qdrant-client", "dev"])));
    ok(&run(s.hsm(&dir).args(["mode", "vector-db", "prod"])));
    ok(&run(s.hsm(&dir).args([
        "profile",
        "vector-db",
        "managed-dev",
    ])));
    ok(&run(s.hsm(&dir).args(["mode", "postgres", "dev"])));
    let edited = read(&dir.join("hsm.yaml"));
    insta::assert_snapshot!("edited_manifest", edited);
    assert!(
        edited.contains("# All qdrant clients in the project connect to 10.0.0.50"),
        "comments kept"
    );
    // Removing the map-form entry works (the earlier tool could not).
    ok(&run(s.hsm(&dir).args([
        "package",
        "remove",
        "neo4j-client",
    ])));
    assert!(!read(&dir.join("hsm.yaml")).contains("neo4j-client"));
    // Unknown names are refused with a hint and nothing is written.
    let before = read(&dir.join("hsm.yaml"));
    let err = fails_with(&run(s.hsm(&dir).args(["package", "add", "neo4j-clint"])), 3);
    assert!(err.contains("did you mean `neo4j-client`?"), "{err}");
    let err = fails_with(
        &run(s.hsm(&dir).args(["profile", "vector-db", "external-crop"])),
        3,
    );
    assert!(err.contains("did you mean `external-corp`?"), "{err}");
    let err = fails_with(
        &run(s.hsm(&dir).args(["group", "select", "vector-db", "milvus"])),
        3,
    );
    assert!(err.contains("not an option"), "{err}");
    assert_eq!(before, read(&dir.join("hsm.yaml")));
    // Editing again to the same value says so and changes nothing.
    let out = run(s.hsm(&dir).args(["container", "add", "redis"]));
    ok(&out);
    assert!(out.stderr.clone().contains("Nothing to change"));
    assert_ne!(original, before);
}

#[test]
fn group_select_strategies_and_implied_selection() {
    let s = Scratch::examples();
    let dir = s.path().join("projects/groups");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hsm.yaml"), "registry: ../../registry\n").unwrap();
    // M-of-N appends without duplicates.
    ok(&run(s.hsm(&dir).args([
        "group",
        "select",
        "graph-services",
        "redis",
    ])));
    ok(&run(s.hsm(&dir).args([
        "group",
        "select",
        "graph-services",
        "graph-builder-service",
        "redis",
    ])));
    let m = read(&dir.join("hsm.yaml"));
    let list = ok(&run(s.hsm(&dir).arg("list")));
    assert!(
        list.contains("graph-services (container, M-of-N) → redis, graph-builder-service"),
        "{m}\n{list}"
    );
    // 1-of-N replaces.
    ok(&run(s
        .hsm(&dir)
        .args(["group", "select", "database", "postgres"])));
    ok(&run(s
        .hsm(&dir)
        .args(["group", "select", "database", "mysql"])));
    let m = read(&dir.join("hsm.yaml"));
    assert!(
        m.contains("selection: mysql") && !m.contains("selection: postgres"),
        "{m}"
    );
    // Unselecting the only option of a group removes the group.
    let t = run(s.hsm(&dir).args(["group", "unselect", "database", "mysql"]));
    ok(&t);
    assert!(
        t.stderr
            .contains("Removed group `database` from hsm.yaml (`mysql` was its last selection)"),
        "{}",
        t.render()
    );
    assert!(!read(&dir.join("hsm.yaml")).contains("database"));
    // A group taken from the registry carries its description into hsm.yaml as a comment.
    ok(&run(s
        .hsm(&dir)
        .args(["group", "select", "server", "gunicorn"])));
    assert!(
        read(&dir.join("hsm.yaml"))
            .contains("  # The application server\n  server:\n    selection: gunicorn"),
        "{}",
        read(&dir.join("hsm.yaml"))
    );
    // A package implying a group option selects it (reported at edit time, resolved at sync).
    let out = run(s.hsm(&dir).args(["package", "add", "legacy-reports"]));
    ok(&out);
    let err = out.stderr.clone();
    assert!(
        err.contains("implied: selected `mysql` in container group `database`"),
        "{err}"
    );
    let list = ok(&run(s.hsm(&dir).arg("list")));
    assert!(
        list.contains("database (container, 1-of-N) → mysql"),
        "{list}"
    );
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "one registry, authored and edited end to end"
)]
fn registry_crud() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).arg("init")));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "package",
        "add",
        "requests",
        "--pypi",
        ">=2",
        "--description",
        "HTTP for humans",
    ])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "cache",
        "--image",
        "redis:7",
        "--port",
        "6379:6379",
        "--healthcheck",
        "redis-cli ping",
        "--external",
        "corp=10.1.1.1:6379",
    ])));
    // After the container it implies: an entry naming a missing one is refused.
    ok(&run(s.hsm(&dir).args([
        "registry",
        "package",
        "add",
        "mylib",
        "--git",
        "https://example.invalid/mylib.git",
        "--ref",
        "v1.2",
        "--dev-path",
        "../../libs/mylib",
        "--implies",
        "container:cache:db=1",
    ])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "group",
        "add",
        "caches",
        "--kind",
        "container",
        "--option",
        "cache",
        "--alias",
        "kv",
    ])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "worker",
        "--image",
        "example/worker:1",
        "--build",
        "../../services/worker",
        "--dockerfile",
        "Dockerfile.dev",
        "--dev-volume",
        "../../services/worker/src:/app/src",
        "--dev-env",
        "LOG=debug",
        "--dev-git",
        "https://example.invalid/worker.git",
        "--managed",
        "dev",
        "--uv-profile",
        "local",
        "--dependency",
        "mylib",
        "--param",
        "queue=scalar",
        "--param",
        "topics",
        "--cpus",
        "0.5",
        "--memory",
        "256M",
        "--command",
        "worker --serve",
        "--restart",
        "unless-stopped",
        "--label",
        "team=data",
        "--working-dir",
        "/app",
        "--service-port",
        "9000",
        "--implies",
        "container:cache",
    ])));
    insta::assert_snapshot!(
        "registry_written_full_container",
        read(&dir.join("hsm-registry/containers/worker.yaml"))
    );
    // Without a name and without a terminal to ask on, it is a usage error.
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "package", "add", "--pypi", ">=1"])
            .stdin(Vec::new())),
        2,
    );
    assert!(err.contains("give the package name"), "{err}");
    insta::assert_snapshot!(
        "registry_written_package",
        read(&dir.join("hsm-registry/packages/mylib.yaml"))
    );
    insta::assert_snapshot!(
        "registry_written_container",
        read(&dir.join("hsm-registry/containers/cache.yaml"))
    );
    let list = ok(&run(s.hsm(&dir).args(["registry", "list"])));
    insta::assert_snapshot!("registry_list", list);
    let found = ok(&run(s.hsm(&dir).args(["registry", "search", "humans"])));
    assert!(
        found.contains("requests"),
        "search covers descriptions: {found}"
    );
    let shown = ok(&run(s.hsm(&dir).args(["registry", "show", "cache"])));
    assert!(shown.contains("image: redis:7"), "{shown}");
    fails_with(&run(s.hsm(&dir).args(["registry", "show", "nope"])), 3);
    ok(&run(s.hsm(&dir).args(["registry", "validate"])));
    // Already exists: refused without --force.
    fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "container", "add", "cache", "--image", "x"])),
        3,
    );
    // Referenced entries cannot be removed; removal needs --yes without a terminal.
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "container", "remove", "cache", "--yes"])),
        3,
    );
    assert!(err.contains("still referenced"), "{err}");
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "package", "remove", "requests"])),
        2,
    );
    assert!(err.contains("--yes"), "{err}");
    ok(&run(s.hsm(&dir).args([
        "registry", "package", "remove", "requests", "--yes",
    ])));
    assert!(!dir.join("hsm-registry/packages/requests.yaml").exists());
    // Options: add / remove keep the file's comments.
    let g = dir.join("hsm-registry/container_groups/caches.yaml");
    std::fs::write(&g, format!("# my caches\n{}", read(&g))).unwrap();
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "memcached",
        "--image",
        "memcached:1",
    ])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "group",
        "add-option",
        "caches",
        "memcached",
    ])));
    let text = read(&g);
    assert!(
        text.starts_with("# my caches\n") && text.contains("memcached"),
        "{text}"
    );
    ok(&run(s.hsm(&dir).args([
        "registry",
        "group",
        "remove-option",
        "caches",
        "memcached",
    ])));
    assert!(!read(&g).contains("memcached"));
    // Validation finds dangling references.
    std::fs::write(
        dir.join("hsm-registry/packages/bad.yaml"),
        "name: bad\nimplies:\n  container:nothing: {}\n",
    )
    .unwrap();
    let err = fails_with(&run(s.hsm(&dir).args(["registry", "validate"])), 3);
    assert!(
        err.contains("hsm-registry/packages/bad.yaml:3:") && err.contains("not in the registry"),
        "{err}"
    );
}

#[test]
fn env_and_run_use_the_generated_environment() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-cloud");
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let shown = ok(&run(s.hsm(&dir).arg("env")));
    assert!(shown.contains("QDRANT_API_KEY=<redacted>"), "{shown}");
    let json = ok(&run(s.hsm(&dir).args(["env", "--json"])));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["QDRANT_API_KEY"], "<redacted>");
    let secret = ok(&run(s.hsm(&dir).args(["env", "--show-secrets"])));
    assert!(secret.contains("QDRANT_API_KEY=s3cr3t-qdrant-key"));
    let out = ok(&run(s
        .hsm(&dir)
        .args(["run", "--", "sh", "-c", "echo $QDRANT_API_KEY"])
        .env_remove("QDRANT_API_KEY")));
    assert_eq!(out.trim(), "s3cr3t-qdrant-key");
    let out = run(s.hsm(&dir).args(["run", "--", "sh", "-c", "exit 7"]));
    let killed = run(s.hsm(&dir).args(["run", "--", "sh", "-c", "kill -TERM $$"]));
    assert_eq!(killed.code, Some(143), "a signal becomes 128+signal");
    assert_eq!(out.code, Some(7), "hsm run passes the exit code through");
}

#[test]
fn json_output_of_list() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let json = ok(&run(s.hsm(&dir).args(["list", "--json"])));
    insta::assert_snapshot!("hybrid_stack_list_json", json);
}

#[test]
fn connection_scope_all_gives_every_service_every_connection() {
    let s = Scratch::examples();
    let dir = s.path().join("projects/all");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = "registry: ../../registry\nservices:\n  containers: [redis, mysql]\n";
    std::fs::write(dir.join("hsm.yaml"), manifest).unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q"]).env("HSM_UV", "true")));
    let compose = read(&dir.join("docker-compose.hsm.yml"));
    assert!(
        !compose.contains("MYSQL_HOST"),
        "by default only consumers:\n{compose}"
    );
    std::fs::write(
        dir.join("hsm.yaml"),
        format!("env: {{connections: all}}\n{manifest}"),
    )
    .unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q"]).env("HSM_UV", "true")));
    let compose = read(&dir.join("docker-compose.hsm.yml"));
    assert!(
        compose.contains("MYSQL_HOST: mysql") && compose.contains("REDIS_HOST: redis"),
        "{compose}"
    );
    let env = read(&dir.join(".hsm/env"));
    assert!(
        env.contains("MYSQL_HOST=127.0.0.1") && env.contains("REDIS_PORT=6379"),
        "{env}"
    );
    compose_config(&dir, &["docker-compose.hsm.yml"]);
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::io::Read as _;
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    for args in [
        &["completions", "bash"][..],
        &["--json", "list"],
        &["registry", "list"],
    ] {
        let mut cmd = s.hsm(&dir);
        cmd.args(args);
        cmd.command_mut()
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn();
        drop(child.stdout.take()); // the reader goes away before hsm writes
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(status.code(), Some(101), "{args:?}: {err}");
    }
}

#[test]
fn list_json_names_every_chain_that_brings_a_component() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    let t = run(s.hsm(&dir).args(["--json", "list"]));
    let pg = &t.json()["containers"][0];
    assert_eq!(pg["name"], "postgres", "{}", t.render());
    assert_eq!(pg["via"][1], "package `auth-service`");
    assert_eq!(pg["also_via"][0][1], "package `billing-service`");
}
