//! Every `--json` output, snapshotted whole (exit code, stdout, stderr). With `--json`,
//! stdout is exactly one JSON document — the report, or the error envelope — and stderr
//! holds nothing but a tool's own output (uv's lines), never a status line.

use std::path::Path;

use infra_testkit::TestCommand;

use crate::common::*;

/// Checks the `--json` contract on a finished run and returns it.
#[track_caller]
fn checked(t: Transcript) -> Transcript {
    t.json();
    for line in t.stderr.lines() {
        assert!(
            line.trim_start().starts_with("uv │"),
            "with --json, stderr holds only tool output, not {line:?}:\n{}",
            t.render()
        );
    }
    t
}

/// `hsm --json <args>` in `dir`, checked.
#[track_caller]
fn json(s: &Scratch, dir: &Path, args: &[&str]) -> Transcript {
    checked(run(s.hsm(dir).arg("--json").args(args)))
}

/// A prepared command with `--json` first, checked.
#[track_caller]
fn json_cmd(cmd: &mut TestCommand, args: &[&str]) -> Transcript {
    checked(run(cmd.arg("--json").args(args)))
}

// ---------------------------------------------------------------- the project

#[test]
fn init() {
    let s = Scratch::empty();
    let dir = s.path().join("myproj");
    std::fs::create_dir_all(&dir).unwrap();
    let t = json(&s, &dir, &["init", "--name", "p"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "created": [
            "hsm.yaml",
            "hsm-registry/packages/",
            "hsm-registry/containers/",
            "hsm-registry/package_groups/",
            "hsm-registry/container_groups/",
            "pyproject.toml",
            ".gitignore"
          ],
          "project": "p"
        }
        "#);
    let t = json(&s, &dir, &["init"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "created": [],
          "project": "p"
        }
        "#);
}

#[test]
fn check_offline() {
    let s = Scratch::examples();
    let t = json(&s, &s.project("hybrid-stack"), &["check", "--offline"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "ok": true,
          "checks": [
            {
              "check": "manifest",
              "result": "ok"
            },
            {
              "check": "registry",
              "result": "ok"
            },
            {
              "check": "implies",
              "result": "ok"
            },
            {
              "check": "variables",
              "result": "ok"
            },
            {
              "check": "packages",
              "result": "skipped (--offline)"
            },
            {
              "check": "compose",
              "result": "skipped (--offline)"
            }
          ],
          "warnings": []
        }
        "#);
}

#[test]
fn check_with_uv_and_compose() {
    need!("uv", "HSM_TEST_UV");
    need!("docker-compose", "HSM_TEST_COMPOSE");
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let t = json_cmd(s.hsm(&dir).env("HSM_COMPOSE", "docker-compose"), &["check"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "ok": true,
          "checks": [
            {
              "check": "manifest",
              "result": "ok"
            },
            {
              "check": "registry",
              "result": "ok"
            },
            {
              "check": "implies",
              "result": "ok"
            },
            {
              "check": "variables",
              "result": "ok"
            },
            {
              "check": "packages",
              "result": "3 resolve with uv"
            },
            {
              "check": "compose",
              "result": "valid (docker-compose)"
            }
          ],
          "warnings": []
        }
        "#);
}

#[test]
fn plan() {
    let s = Scratch::examples();
    let t = json(&s, &s.project("hybrid-stack"), &["plan"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changes": [
            {
              "path": "pyproject.toml",
              "action": "create",
              "sensitive": false,
              "diff": "--- /dev/null\n+++ b/pyproject.toml\n@@ -0,0 +1,16 @@\n+# Created by hsm [VERSION]. hsm manages only the dependencies listed under\n+# [tool.hsm]; everything else in this file is yours.\n+[project]\n+name = \"hybrid-stack\"\n+version = \"0.1.0\"\n+requires-python = \">=3.10\"\n+dependencies = [\"neo4j-client\", \"qdrant-client\", \"tree-sitter-chunker\"]\n+\n+[tool.uv.sources]\n+neo4j-client = { path = \"../../packages/neo4j-client\" }\n+qdrant-client = { path = \"../../packages/qdrant-client\" }\n+tree-sitter-chunker = { path = \"../../packages/tree-sitter-chunker\", editable = true }\n+\n+# Written by hsm: the dependencies it manages. Do not edit by hand.\n+[tool.hsm]\n+managed-dependencies = [\"neo4j-client\", \"qdrant-client\", \"tree-sitter-chunker\"]\n"
            },
            {
              "path": "docker-compose.hsm.yml",
              "action": "create",
              "sensitive": false,
              "diff": "--- /dev/null\n+++ b/docker-compose.hsm.yml\n@@ -0,0 +1,10 @@\n+# Generated by hsm [VERSION] from hsm.yaml and the hsm registry. Do not edit:\n+# changes are overwritten by `hsm sync`. Use it with\n+#   docker compose -f docker-compose.hsm.yml up            (alone)\n+#   docker compose -f docker-compose.yml -f docker-compose.hsm.yml up\n+# or simply `hsm up`.\n+services:\n+  graph-builder-service:\n+    image: ghcr.io/example/graph-builder:2.0\n+    ports:\n+    - 7474:7474\n"
            },
            {
              "path": ".hsm/.gitignore",
              "action": "create",
              "sensitive": false,
              "diff": "--- /dev/null\n+++ b/.hsm/.gitignore\n@@ -0,0 +1,2 @@\n+# Generated by hsm: everything in .hsm/ is local state, some of it secret.\n+*\n"
            },
            {
              "path": ".hsm/env",
              "action": "create",
              "sensitive": true,
              "diff": "--- /dev/null\n+++ b/.hsm/env\n@@ -0,0 +1,11 @@\n+# Generated by hsm [VERSION]: environment for local processes (`hsm run`, `hsm env`,\n+# `docker compose --env-file .hsm/env`). Holds real values: never commit it.\n+# hsm-secret-keys: NEO4J_PASSWORD,NEO4J_PORT\n+GRAPH_BUILDER_SERVICE_HOST=127.0.0.1\n+GRAPH_BUILDER_SERVICE_PORT=7474\n+NEO4J_PASSWORD=<redacted>\n+NEO4J_PORT=<redacted>\n+QDRANT_HOST=10.0.0.50\n+QDRANT_PORT=6333\n+VECTORS_HOST=10.0.0.50\n+VECTORS_PORT=6333\n"
            }
          ],
          "steps": [
            {
              "kind": "install",
              "description": "install Python packages with uv",
              "command": "uv sync"
            }
          ],
          "summary": {
            "create": 4,
            "update": 0,
            "delete": 0,
            "unchanged": 0
          },
          "auto": [],
          "notes": []
        }
        "#);
}

#[test]
fn sync_dry_run() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    let before = snapshot_tree(&dir);
    let t = json(&s, &dir, &["sync", "--dry-run", "--uv", "true"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changes": [
            {
              "path": "docker-compose.hsm.yml",
              "action": "create",
              "sensitive": false,
              "diff": "--- /dev/null\n+++ b/docker-compose.hsm.yml\n@@ -0,0 +1,29 @@\n+# Generated by hsm [VERSION] from hsm.yaml and the hsm registry. Do not edit:\n+# changes are overwritten by `hsm sync`. Use it with\n+#   docker compose -f docker-compose.hsm.yml up            (alone)\n+#   docker compose -f docker-compose.yml -f docker-compose.hsm.yml up\n+# or simply `hsm up`.\n+services:\n+  postgres:\n+    image: postgres:16-alpine\n+    environment:\n+      POSTGRES_MULTIPLE_DATABASES: auth_db,billing_db\n+      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}\n+    ports:\n+    - 5432:5432\n+    volumes:\n+    - pgdata:/var/lib/postgresql/data\n+    healthcheck:\n+      test:\n+      - CMD-SHELL\n+      - pg_isready -U postgres\n+      interval: 5s\n+      timeout: 5s\n+      retries: 10\n+    deploy:\n+      resources:\n+        limits:\n+          cpus: \"1.0\"\n+          memory: 512M\n+volumes:\n+  pgdata: {}\n"
            },
            {
              "path": ".hsm/.gitignore",
              "action": "create",
              "sensitive": false,
              "diff": "--- /dev/null\n+++ b/.hsm/.gitignore\n@@ -0,0 +1,2 @@\n+# Generated by hsm: everything in .hsm/ is local state, some of it secret.\n+*\n"
            },
            {
              "path": ".hsm/env",
              "action": "create",
              "sensitive": true,
              "diff": "--- /dev/null\n+++ b/.hsm/env\n@@ -0,0 +1,4 @@\n+# Generated by hsm [VERSION]: environment for local processes (`hsm run`, `hsm env`,\n+# `docker compose --env-file .hsm/env`). Holds real values: never commit it.\n+POSTGRES_HOST=127.0.0.1\n+POSTGRES_PORT=5432\n"
            }
          ],
          "steps": [],
          "summary": {
            "create": 3,
            "update": 0,
            "delete": 0,
            "unchanged": 0
          },
          "auto": [
            {
              "what": "added container `postgres`",
              "via": [
                [
                  "hsm.yaml `packages[0]`",
                  "package `auth-service`",
                  "implies `container:postgres`"
                ],
                [
                  "hsm.yaml `packages[1]`",
                  "package `billing-service`",
                  "implies `container:postgres`"
                ]
              ]
            }
          ],
          "notes": []
        }
        "#);
    unchanged(&before, &dir);
}

#[test]
fn sync_then_unchanged() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let t = json(&s, &dir, &["sync", "--uv", "true"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "status": "synced",
          "written": [
            "pyproject.toml",
            "docker-compose.hsm.yml",
            ".hsm/.gitignore",
            ".hsm/env"
          ],
          "removed": [],
          "cloned": [],
          "installed": true,
          "environment_changed": false,
          "adapter": "uv",
          "packages": [
            "neo4j-client",
            "qdrant-client",
            "tree-sitter-chunker"
          ],
          "containers": [
            "graph-builder-service",
            "qdrant"
          ],
          "compose_profiles": [],
          "auto": [],
          "notes": []
        }
        "#);
    let t = json(&s, &dir, &["sync", "--uv", "true"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "status": "unchanged",
          "written": [],
          "removed": [],
          "cloned": [],
          "installed": true,
          "environment_changed": false,
          "adapter": "uv",
          "packages": [
            "neo4j-client",
            "qdrant-client",
            "tree-sitter-chunker"
          ],
          "containers": [
            "graph-builder-service",
            "qdrant"
          ],
          "compose_profiles": [],
          "auto": [],
          "notes": []
        }
        "#);
}

#[test]
fn sync_with_uv() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = json(&s, &dir, &["sync"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "status": "synced",
          "written": [
            "pyproject.toml",
            ".hsm/.gitignore",
            ".hsm/env"
          ],
          "removed": [],
          "cloned": [],
          "installed": true,
          "environment_changed": true,
          "adapter": "uv",
          "packages": [
            "qdrant-client",
            "tree-sitter-chunker"
          ],
          "containers": [
            "qdrant"
          ],
          "compose_profiles": [],
          "auto": [],
          "notes": []
        }
        "#);
}

#[test]
fn list() {
    let s = Scratch::examples();
    let t = json(&s, &s.project("db-switch"), &["list"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "project": "db-switch",
          "packages": [],
          "containers": [
            {
              "name": "postgres",
              "mode": "prod",
              "profile": null,
              "deployment": "managed",
              "runtime": "docker",
              "host": null,
              "groups": [
                "database"
              ],
              "aliases": [
                "db"
              ],
              "params": {},
              "via": [
                "hsm.yaml `services.container_groups.database`",
                "container group `database` option `postgres`"
              ],
              "also_via": []
            }
          ],
          "groups": [
            {
              "name": "database",
              "kind": "container_group",
              "strategy": "1-of-N",
              "selected": [
                "postgres"
              ],
              "alias": "db",
              "adhoc": false
            }
          ]
        }
        "#);
}

#[test]
fn status_in_sync_and_drift() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let t = json(&s, &dir, &["status"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "in_sync": true,
          "drift": []
        }
        "#);
    let compose = dir.join("docker-compose.hsm.yml");
    std::fs::write(&compose, format!("{}# edited\n", read(&compose))).unwrap();
    let t = json(&s, &dir, &["status"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 1
        --- stdout
        {
          "in_sync": false,
          "drift": [
            "docker-compose.hsm.yml differs from what hsm.yaml asks for"
          ]
        }
        "#);
    assert_eq!(t.code, Some(1), "drift fails");
    assert_eq!(t.json()["in_sync"], false);
}

#[test]
fn env() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-cloud");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let t = json(&s, &dir, &["env"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "LOCAL_CHUNKER_HOST": "127.0.0.1",
          "LOCAL_CHUNKER_PORT": "8081",
          "QDRANT_API_KEY": "<redacted>",
          "QDRANT_HOST": "qdrant.cloud.example.com",
          "QDRANT_PORT": "6333"
        }
        "#);
    let t = json(&s, &dir, &["env", "--show-secrets"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "LOCAL_CHUNKER_HOST": "127.0.0.1",
          "LOCAL_CHUNKER_PORT": "8081",
          "QDRANT_API_KEY": "s3cr3t-qdrant-key",
          "QDRANT_HOST": "qdrant.cloud.example.com",
          "QDRANT_PORT": "6333"
        }
        "#);
}

// ---------------------------------------------------------------- edits of hsm.yaml

#[test]
fn mode() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let t = json(&s, &dir, &["mode", "qdrant-client", "dev"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "`qdrant-client` is in dev mode",
          "implied": [],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["mode", "qdrant-client", "dev"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": false,
          "message": "`qdrant-client` is in dev mode",
          "implied": [],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["mode", "--all", "prod"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "every component is in prod mode",
          "implied": [],
          "still_invalid": false
        }
        "#);
}

#[test]
fn package_add_remove() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = json(
        &s,
        &dir,
        &["package", "add", "neo4j-client", "--mode", "dev"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "package `neo4j-client` is in hsm.yaml",
          "implied": [
            {
              "what": "added container `graph-builder-service`",
              "via": [
                [
                  "hsm.yaml `packages[2]`",
                  "package `neo4j-client`",
                  "implies `container:graph-builder-service`"
                ]
              ]
            }
          ],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["package", "remove", "neo4j-client"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "removed package `neo4j-client` from hsm.yaml",
          "implied": [],
          "still_invalid": false
        }
        "#);
}

#[test]
fn container_add_remove() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = json(&s, &dir, &["container", "add", "redis"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "container `redis` is in hsm.yaml",
          "implied": [],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["container", "remove", "redis"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "removed container `redis` from hsm.yaml",
          "implied": [],
          "still_invalid": false
        }
        "#);
}

#[test]
fn group_select_unselect() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = json(&s, &dir, &["group", "select", "database", "mysql"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "group `database` selects `mysql`",
          "implied": [],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["group", "unselect", "database"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "removed group `database` from hsm.yaml",
          "implied": [],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["package", "add", "legacy-reports"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "package `legacy-reports` is in hsm.yaml",
          "implied": [
            {
              "what": "selected `mysql` in container group `database`",
              "via": [
                [
                  "hsm.yaml `packages[0]`",
                  "package `legacy-reports`",
                  "implies `container_group:database`"
                ]
              ]
            }
          ],
          "still_invalid": false
        }
        "#);
}

#[test]
fn profile() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = json(&s, &dir, &["profile", "vector-db", "managed-dev"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "`vector-db` uses profile managed-dev",
          "implied": [],
          "still_invalid": false
        }
        "#);
    let t = json(&s, &dir, &["profile", "vector-db", "none"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "changed": true,
          "message": "`vector-db` uses profile (none)",
          "implied": [],
          "still_invalid": false
        }
        "#);
}

// ---------------------------------------------------------------- the registry

#[test]
fn registry_search() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = json(&s, &dir, &["registry", "search", "mysql"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "packages": [
            {
              "name": "legacy-reports",
              "description": "Reporting jobs that need MySQL"
            }
          ],
          "containers": [
            {
              "name": "mysql",
              "description": "MySQL server"
            }
          ],
          "package_groups": [],
          "container_groups": []
        }
        "#);
    let t = json(&s, &dir, &["registry", "search", "nothing-matches"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "packages": [],
          "containers": [],
          "package_groups": [],
          "container_groups": []
        }
        "#);
}

#[test]
fn registry_show_and_validate() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = json(&s, &dir, &["registry", "show", "database"]);
    insta::assert_snapshot!(t.render(), @r##"
        exit: 0
        --- stdout
        {
          "name": "database",
          "entries": [
            {
              "kind": "container_group",
              "path": "../../registry/container_groups/database.yaml",
              "text": "# Seed 002 §4: switch postgres ↔ mysql; the app always reaches `db`.\nname: database\ntype: container_group\nstrategy: 1-of-N\nalias: db\ndefault: postgres\noptions:\n  - name: postgres\n    description: PostgreSQL 16\n  - name: mysql\n    description: MySQL 8.4\n"
            }
          ]
        }
        "##);
    let t = json(&s, &dir, &["registry", "validate"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "ok": true,
          "entries": 18
        }
        "#);
}

/// An initialised project with an empty registry.
fn fresh(s: &Scratch) -> std::path::PathBuf {
    let dir = s.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    dir
}

#[test]
fn registry_list() {
    let s = Scratch::empty();
    let dir = fresh(&s);
    let t = json(&s, &dir, &["registry", "list"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "packages": [],
          "containers": [],
          "package_groups": [],
          "container_groups": []
        }
        "#);
    for args in [
        &[
            "registry",
            "package",
            "add",
            "requests",
            "--pypi",
            ">=2",
            "--description",
            "HTTP for humans",
        ][..],
        &[
            "registry",
            "container",
            "add",
            "cache",
            "--image",
            "redis:7",
        ],
        &[
            "registry",
            "group",
            "add",
            "caches",
            "--kind",
            "container",
            "--option",
            "cache",
        ],
    ] {
        ok(&run(s.hsm(&dir).args(args)));
    }
    let t = json(&s, &dir, &["registry", "list"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "packages": [
            {
              "name": "requests",
              "description": "HTTP for humans"
            }
          ],
          "containers": [
            {
              "name": "cache",
              "description": null
            }
          ],
          "package_groups": [],
          "container_groups": [
            {
              "name": "caches",
              "description": null
            }
          ]
        }
        "#);
}

#[test]
fn registry_package_add_remove() {
    let s = Scratch::empty();
    let dir = fresh(&s);
    let t = json(
        &s,
        &dir,
        &["registry", "package", "add", "requests", "--pypi", ">=2"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "package",
          "name": "requests",
          "written": "hsm-registry/packages/requests.yaml",
          "changed": true
        }
        "#);
    let t = json(
        &s,
        &dir,
        &["registry", "package", "remove", "requests", "--yes"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "package",
          "name": "requests",
          "removed": "hsm-registry/packages/requests.yaml"
        }
        "#);
}

#[test]
fn registry_container_add_remove() {
    let s = Scratch::empty();
    let dir = fresh(&s);
    let t = json(
        &s,
        &dir,
        &[
            "registry",
            "container",
            "add",
            "cache",
            "--image",
            "redis:7",
            "--port",
            "6379:6379",
        ],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "container",
          "name": "cache",
          "written": "hsm-registry/containers/cache.yaml",
          "changed": true
        }
        "#);
    let t = json(
        &s,
        &dir,
        &["registry", "container", "remove", "cache", "--yes"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "container",
          "name": "cache",
          "removed": "hsm-registry/containers/cache.yaml"
        }
        "#);
}

#[test]
fn registry_group_add_options_remove() {
    let s = Scratch::empty();
    let dir = fresh(&s);
    for c in ["cache", "kv"] {
        ok(&run(s.hsm(&dir).args([
            "registry",
            "container",
            "add",
            c,
            "--image",
            "redis:7",
        ])));
    }
    let args = [
        "registry",
        "group",
        "add",
        "caches",
        "--kind",
        "container",
        "--option",
        "cache",
    ];
    let t = json(&s, &dir, &args);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "container_group",
          "name": "caches",
          "written": "hsm-registry/container_groups/caches.yaml",
          "changed": true
        }
        "#);
    let t = json(
        &s,
        &dir,
        &["registry", "group", "add-option", "caches", "kv"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "container_group",
          "name": "caches",
          "written": "hsm-registry/container_groups/caches.yaml",
          "changed": true
        }
        "#);
    let t = json(
        &s,
        &dir,
        &["registry", "group", "remove-option", "caches", "kv"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "container_group",
          "name": "caches",
          "written": "hsm-registry/container_groups/caches.yaml",
          "changed": true
        }
        "#);
    let t = json(
        &s,
        &dir,
        &["registry", "group", "remove", "caches", "--yes"],
    );
    insta::assert_snapshot!(t.render(), @r#"
        exit: 0
        --- stdout
        {
          "kind": "container_group",
          "name": "caches",
          "removed": "hsm-registry/container_groups/caches.yaml"
        }
        "#);
}

// ---------------------------------------------------------------- the error envelope

#[test]
fn error_envelope_usage() {
    let s = Scratch::empty();
    let t = json(&s, &s.path(), &["frobnicate"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 2
        --- stdout
        {
          "error": {
            "kind": "usage",
            "code": 2,
            "message": "unrecognized subcommand 'frobnicate'",
            "causes": [],
            "details": [],
            "hints": [
              "run `hsm --help` for usage"
            ],
            "diagnostics": [],
            "output": null
          }
        }
        "#);
    let t = json(&s, &s.path(), &["mode", "x", "staging"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 2
        --- stdout
        {
          "error": {
            "kind": "usage",
            "code": 2,
            "message": "invalid value 'staging' for '[MODE]'",
            "causes": [],
            "details": [
              "[possible values: dev, prod]"
            ],
            "hints": [
              "run `hsm --help` for usage"
            ],
            "diagnostics": [],
            "output": null
          }
        }
        "#);
}

#[test]
fn error_envelope_usage_names_the_argument() {
    let s = Scratch::empty();
    let t = json(&s, &s.path(), &["sync", "--containers"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 2
        --- stdout
        {
          "error": {
            "kind": "usage",
            "code": 2,
            "message": "the following required arguments were not provided",
            "causes": [],
            "details": [
              "--verify"
            ],
            "hints": [
              "run `hsm --help` for usage"
            ],
            "diagnostics": [],
            "output": null
          }
        }
        "#);
    assert!(t.stdout.contains("--verify"), "{}", t.render());
}

#[test]
fn error_envelope_validation() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = json(&s, &dir, &["package", "add", "neo4j-clint"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 3
        --- stdout
        {
          "error": {
            "kind": "validation",
            "code": 3,
            "message": "package `neo4j-clint` is not in the registry",
            "causes": [],
            "details": [],
            "hints": [
              "did you mean `neo4j-client`?"
            ],
            "diagnostics": [],
            "output": null
          }
        }
        "#);
    s.write(
        "projects/bad/hsm.yaml",
        "registry: ../../registry\npakages: [redis]\n",
    );
    let t = json(&s, &s.project("bad"), &["sync"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 3
        --- stdout
        {
          "error": {
            "kind": "validation",
            "code": 3,
            "message": "the project is invalid (1 problem)",
            "causes": [],
            "details": [],
            "hints": [],
            "diagnostics": [
              {
                "file": "hsm.yaml",
                "line": 2,
                "column": 1,
                "key": "pakages",
                "message": "unknown field `pakages`, expected one of schema_version, project, registry, package_manager, mode, packages, package_groups, services, modes, compose, env",
                "hints": [
                  "remove the key or check its spelling against the documented fields"
                ]
              }
            ],
            "output": null
          }
        }
        "#);
}

#[test]
fn error_envelope_failure() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let t = json(&s, &dir, &["sync", "--uv", "false"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 1
        --- stdout
        {
          "error": {
            "kind": "failure",
            "code": 1,
            "message": "`false sync` failed; every file hsm touched was restored",
            "causes": [
              "`false sync` failed with exit status 1"
            ],
            "details": [],
            "hints": [],
            "diagnostics": [],
            "output": null
          }
        }
        "#);
    let t = json(&s, &dir, &["env"]);
    insta::assert_snapshot!(t.render(), @r#"
        exit: 1
        --- stdout
        {
          "error": {
            "kind": "failure",
            "code": 1,
            "message": "`.hsm/env` does not exist",
            "causes": [],
            "details": [],
            "hints": [
              "run `hsm sync` first"
            ],
            "diagnostics": [],
            "output": null
          }
        }
        "#);
}

/// The JSON envelope with the tool's output (which names this machine's Python) elided.
fn tool_output_elided(t: &Transcript) -> String {
    let mut v = t.json();
    if v["error"]["output"].is_string() {
        v["error"]["output"] = serde_json::Value::from("[uv output]");
    }
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn error_envelope_keeps_the_tool_output() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = crate::error_classes::unresolvable_project(&s);
    let t = json(&s, &dir, &["sync"]);
    assert!(
        t.json()["error"]["output"]
            .as_str()
            .is_some_and(|o| o.contains("No solution found")),
        "{}",
        t.render()
    );
    insta::assert_snapshot!(tool_output_elided(&t), @r#"
        {
          "error": {
            "kind": "failure",
            "code": 1,
            "message": "`uv sync` failed; every file hsm touched was restored",
            "causes": [
              "`uv sync` failed with exit status 1"
            ],
            "details": [],
            "hints": [],
            "diagnostics": [],
            "output": "[uv output]"
          }
        }
        "#);
    let t = json(&s, &dir, &["check"]);
    insta::assert_snapshot!(tool_output_elided(&t), @r#"
        {
          "error": {
            "kind": "validation",
            "code": 3,
            "message": "the packages do not resolve with uv",
            "causes": [
              "`uv lock --quiet` failed with exit status 1"
            ],
            "details": [],
            "hints": [],
            "diagnostics": [],
            "output": "[uv output]"
          }
        }
        "#);
    assert!(t.json()["error"]["output"].is_string(), "{}", t.render());
}

#[test]
fn commands_without_json_output_refuse_the_flag() {
    let s = Scratch::empty();
    for args in [
        &["completions", "bash"][..],
        &["run", "--", "true"],
        &["up"],
        &["down"],
        &["ps"],
        &["logs"],
    ] {
        let t = checked(run(s.hsm(s.path()).arg("--json").args(args)));
        assert_eq!(t.code, Some(2), "{}", t.render());
        assert_eq!(t.json()["error"]["kind"], "usage", "{}", t.render());
        assert!(
            t.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("has no JSON output")),
            "{}",
            t.render()
        );
    }
    // After `--`, `--json` belongs to the command run.
    let t = run(s.hsm(s.path()).args(["run", "--", "echo", "--json"]));
    assert_ne!(t.code, Some(2), "{}", t.render());
}
