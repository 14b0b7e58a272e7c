//! Every case of seed 001 (1.1, 1.2, 2, 3, 4, 5) and seed 002 (dev/prod switch, profiles,
//! 1-of-N under one alias), run with the real binary and real uv on the bundled examples;
//! generated files are snapshot-tested and validated by a real Compose implementation.

use std::path::Path;

use crate::common::*;

/// Syncs an example project and returns (compose, pyproject, env) as text.
/// Real uv when its gate is on; otherwise `true` stands in for it (the artifacts are the
/// same, nothing is installed).
fn sync(s: &Scratch, project: &str) -> (String, String, String) {
    let uv =
        tool("uv", "HSM_TEST_UV").map_or_else(|| "true".to_string(), |p| p.display().to_string());
    let dir = s.project(project);
    let out = run(s.hsm(&dir).args(["sync", "--quiet", "--uv", &uv]));
    ok(&out);
    let compose = std::fs::read_to_string(dir.join("docker-compose.hsm.yml")).unwrap_or_default();
    let pyproject = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap_or_default();
    let env = read(&dir.join(".hsm/env"));
    (compose, pyproject, env)
}

/// Zero-leak: no secret value in any file that may be committed.
#[track_caller]
fn assert_no_leak(dir: &Path) {
    for f in ["docker-compose.hsm.yml", "pyproject.toml", "hsm.yaml"] {
        let Ok(text) = std::fs::read_to_string(dir.join(f)) else {
            continue;
        };
        for (k, v) in demo_env() {
            if k.contains("PASSWORD") || k.contains("KEY") {
                assert!(!text.contains(v), "secret {k} leaked into {f}:\n{text}");
            }
        }
    }
}

fn redact(env: &str) -> String {
    let mut s = env.to_string();
    for (_, v) in demo_env() {
        s = s.replace(v, "[VALUE FROM ENV]");
    }
    s.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

fn strip_version(s: &str) -> String {
    s.replace(
        &format!("hsm {}", env!("CARGO_PKG_VERSION")),
        "hsm [VERSION]",
    )
}

#[test]
fn case_1_1_shared_container_merges_params() {
    let s = Scratch::examples();
    let (compose, pyproject, _env) = sync(&s, "shared-db");
    let dir = s.project("shared-db");
    insta::assert_snapshot!("shared_db_compose", strip_version(&compose));
    assert!(
        compose.contains("POSTGRES_MULTIPLE_DATABASES: auth_db,billing_db"),
        "{compose}"
    );
    assert_eq!(
        compose.matches("image: postgres").count(),
        1,
        "one postgres service"
    );
    // Both packages are virtual (no source): nothing to install, so no pyproject.toml is
    // created for them.
    assert!(pyproject.is_empty(), "{pyproject}");
    compose_config(&dir, &["docker-compose.hsm.yml"]);
    // `hsm list` explains why postgres is there.
    let list = ok(&run(s.hsm(&dir).arg("list")));
    assert!(list.contains("postgres [prod, managed]"), "{list}");
    assert!(list.contains("db_name = auth_db,billing_db"), "{list}");
}

#[test]
fn case_1_2_external_profile_forwards_connection_env() {
    let s = Scratch::examples();
    let (compose, pyproject, env) = sync(&s, "external-db");
    let dir = s.project("external-db");
    assert!(
        compose.is_empty(),
        "external profile starts no container:\n{compose}"
    );
    assert!(!dir.join("docker-compose.hsm.yml").exists());
    assert!(env.contains("QDRANT_HOST=10.0.0.50\n"), "{env}");
    assert!(env.contains("QDRANT_PORT=6333\n"), "{env}");
    assert!(
        env.contains("VECTORS_HOST=10.0.0.50\n"),
        "group alias gets the same values:\n{env}"
    );
    insta::assert_snapshot!("external_db_pyproject", strip_version(&pyproject));
    // The clients are really installed and really see the forwarded values.
    need!("uv", "HSM_TEST_UV");
    let out = ok(&run(s.hsm(&dir).args([
        "run",
        "--",
        ".venv/bin/python",
        "-c",
        "import tree_sitter_chunker as t; print(t.describe())",
    ])));
    assert_eq!(out.trim(), "chunks go to 10.0.0.50:6333");
}

#[test]
fn case_2_hybrid_cloud_adhoc_groups() {
    let s = Scratch::examples();
    let (compose, _py, env) = sync(&s, "hybrid-cloud");
    let dir = s.project("hybrid-cloud");
    insta::assert_snapshot!("hybrid_cloud_compose", strip_version(&compose));
    assert!(compose.contains("local-chunker:"), "{compose}");
    assert!(
        !compose.contains("  qdrant:"),
        "qdrant is external:\n{compose}"
    );
    // The chunker container implies the vector DB, so it receives its connection env as
    // references, never the API key value.
    assert!(
        compose.contains("QDRANT_HOST: qdrant.cloud.example.com"),
        "{compose}"
    );
    assert!(
        compose.contains("QDRANT_API_KEY: ${QDRANT_API_KEY}"),
        "{compose}"
    );
    assert!(
        env.contains("QDRANT_API_KEY=s3cr3t-qdrant-key"),
        "values live in .hsm/env"
    );
    assert_no_leak(&dir);
    compose_config(&dir, &["docker-compose.hsm.yml"]);
}

#[test]
fn case_3_hybrid_stack() {
    let s = Scratch::examples();
    let (compose, pyproject, env) = sync(&s, "hybrid-stack");
    let dir = s.project("hybrid-stack");
    insta::assert_snapshot!("hybrid_stack_compose", strip_version(&compose));
    insta::assert_snapshot!("hybrid_stack_pyproject", strip_version(&pyproject));
    insta::assert_snapshot!("hybrid_stack_env", redact(&env));
    assert!(env.contains("QDRANT_HOST=10.0.0.50"), "{env}");
    assert!(
        env.contains("GRAPH_BUILDER_SERVICE_HOST=127.0.0.1"),
        "{env}"
    );
    assert!(env.contains("GRAPH_BUILDER_SERVICE_PORT=7474"), "{env}");
    assert_no_leak(&dir);
    compose_config(&dir, &["docker-compose.hsm.yml"]);
    need!("uv", "HSM_TEST_UV");
    let out = ok(&run(s.hsm(&dir).args([
        "run",
        "--",
        ".venv/bin/python",
        "-c",
        "import neo4j_client; print(neo4j_client.endpoint())",
    ])));
    assert_eq!(out.trim(), "127.0.0.1:7474");
}

#[test]
fn case_4_editable_stack() {
    let s = Scratch::examples();
    let (compose, pyproject, _env) = sync(&s, "editable-stack");
    let dir = s.project("editable-stack");
    insta::assert_snapshot!("editable_stack_compose", strip_version(&compose));
    assert!(
        pyproject
            .contains("neo4j-client = { path = \"../../packages/neo4j-client\", editable = true }"),
        "{pyproject}"
    );
    assert!(
        compose.contains("context: ../../services/graph-builder"),
        "relative build context:\n{compose}"
    );
    assert!(compose.contains("dockerfile: Dockerfile.dev"), "{compose}");
    assert!(
        compose.contains("../../services/graph-builder/src:/app/src"),
        "hot-reload volume:\n{compose}"
    );
    compose_config(&dir, &["docker-compose.hsm.yml"]);
    // Editable: a source edit is visible without re-sync.
    need!("uv", "HSM_TEST_UV");
    assert_neo4j_client_editable(&s, &dir);
}

#[test]
fn case_5_zero_leak_secrets() {
    let s = Scratch::examples();
    let (compose, _py, env) = sync(&s, "zero-leak");
    let dir = s.project("zero-leak");
    insta::assert_snapshot!("zero_leak_compose", strip_version(&compose));
    // No secret value in anything hsm prints: plan (text and JSON), a verbose re-sync, list.
    std::fs::remove_file(dir.join(".hsm/env")).unwrap();
    for args in [
        &["plan"][..],
        &["plan", "--json"],
        &["sync", "-v"],
        &["list", "--json"],
        &["check", "--offline"],
    ] {
        let out = run(s.hsm(&dir).args(args));
        let text = format!("{}{}", out.stdout.clone(), out.stderr.clone());
        assert!((out.code == Some(0)), "{args:?}: {text}");
        assert!(
            !text.contains("s3cr3t"),
            "{args:?} printed a secret:\n{text}"
        );
    }
    assert!(
        compose.contains("DB_PASSWORD: ${NEO4J_PROD_PASSWORD}"),
        "{compose}"
    );
    assert!(compose.contains("${NEO4J_PROD_PORT}:7474"), "{compose}");
    assert!(
        env.contains("NEO4J_PASSWORD=s3cr3t-neo4j-pw"),
        "values in .hsm/env"
    );
    assert_no_leak(&dir);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join(".hsm/env"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, ".hsm/env is private");
    assert!(
        read(&dir.join(".hsm/.gitignore")).contains('*'),
        ".hsm/ ignores itself"
    );
    // `hsm env` redacts, and never prints a secret value.
    let shown = ok(&run(s.hsm(&dir).arg("env")));
    assert!(shown.contains("NEO4J_PASSWORD=<redacted>"), "{shown}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    // An unset secret is an error naming the variable and every place using it.
    let out = run(s.hsm(&dir).args(["plan"]).env_remove("NEO4J_PROD_PASSWORD"));
    let err = fails_with(&out, 3);
    insta::assert_snapshot!("zero_leak_unset_var", s.filter(&err));
    assert!(!err.contains("s3cr3t"), "no values in errors");
    // With the value in the project's .env instead of the environment it works again.
    std::fs::write(dir.join(".env"), "NEO4J_PROD_PASSWORD=from-dotenv\n").unwrap();
    ok(&run(s
        .hsm(&dir)
        .args(["plan"])
        .env_remove("NEO4J_PROD_PASSWORD")));
    compose_config(&dir, &["docker-compose.hsm.yml"]);
}

#[test]
fn seed_002_dev_prod_switch() {
    let s = Scratch::examples();
    let dir = s.project("editable-stack");
    let (dev, _, _) = sync(&s, "editable-stack");
    assert!(dev.contains("build:"), "{dev}");
    assert!(!dev.contains("image:"), "{dev}");
    ok(&run(s.hsm(&dir).args(["mode", "graph-services", "prod"])));
    let (prod, _, _) = sync(&s, "editable-stack");
    assert!(
        prod.contains("image: ghcr.io/example/graph-builder:2.0"),
        "{prod}"
    );
    assert!(!prod.contains("build:"), "{prod}");
    assert!(
        !prod.contains("/app/src"),
        "no code volumes in prod:\n{prod}"
    );
    compose_config(&dir, &["docker-compose.hsm.yml"]);
    ok(&run(s.hsm(&dir).args(["mode", "--all", "dev"])));
    let (dev2, _, _) = sync(&s, "editable-stack");
    assert_eq!(dev2, dev, "switching back reproduces the same bytes");
}

#[test]
fn seed_002_one_of_n_under_alias_and_user_profiles() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let (pg, _, env) = sync(&s, "db-switch");
    insta::assert_snapshot!("db_switch_postgres", strip_version(&pg));
    assert!(pg.contains("aliases:\n        - db"), "{pg}");
    assert!(env.contains("COMPOSE_PROFILES=postgres"), "{env}");
    compose_config(&dir, &["docker-compose.yml", "docker-compose.hsm.yml"]);
    ok(&run(s
        .hsm(&dir)
        .args(["group", "select", "database", "mysql"])));
    let (my, _, env) = sync(&s, "db-switch");
    assert!(my.contains("  mysql:"), "{my}");
    assert!(!my.contains("  postgres:"), "{my}");
    assert!(my.contains("aliases:\n        - db"), "{my}");
    assert!(env.contains("COMPOSE_PROFILES=mysql"), "{env}");
    // Generated services never carry compose profiles.
    assert!(!my.contains("profiles"), "{my}");
    compose_config(&dir, &["docker-compose.yml", "docker-compose.hsm.yml"]);
}
