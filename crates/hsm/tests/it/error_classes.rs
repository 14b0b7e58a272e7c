//! One transcript per user-visible error class (`OpsError`, `SyncError`, `RegistryError`,
//! clap), triggered through the CLI with the smallest fixture. Each message must name what is
//! wrong, the file, line and key where there is one, and give a hint that is accurate and
//! whose suggested command works (the tests run it). A test marked `ignore = "BUG: …"` pins
//! a message that fails that bar.

use std::path::{Path, PathBuf};

use crate::common::*;

/// A project in the examples copy with `hsm.yaml` = `manifest`.
fn project(s: &Scratch, name: &str, manifest: &str) -> PathBuf {
    s.write(&format!("projects/{name}/hsm.yaml"), manifest);
    s.project(name)
}

/// `hsm <args>` in `dir`.
fn hsm(s: &Scratch, dir: &Path, args: &[&str]) -> Transcript {
    run(s.hsm(dir).args(args))
}

/// Syncs `dir` with a `uv` that does nothing (every artifact written, nothing installed).
#[track_caller]
fn synced(s: &Scratch, dir: &Path) {
    ok(&hsm(s, dir, &["sync", "-q", "--uv", "true"]));
}

/// A local package `py4` requiring Python >= 4 and a project `py4` selecting it: uv cannot
/// resolve it, offline.
pub(crate) fn unresolvable_project(s: &Scratch) -> PathBuf {
    s.write("packages/py4/src/py4/__init__.py", "");
    s.write(
        "packages/py4/pyproject.toml",
        "[project]\nname = \"py4\"\nversion = \"0.1.0\"\nrequires-python = \">=4\"\ndependencies = []\n\n[build-system]\nrequires = [\"uv_build>=0.9\"]\nbuild-backend = \"uv_build\"\n",
    );
    s.write(
        "registry/packages/py4.yaml",
        "name: py4\nsources:\n  prod:\n    type: local\n    path: \"../../packages/py4\"\n",
    );
    project(s, "app4", "registry: ../../registry\npackages: [py4]\n")
}

/// A transcript without the lines of the tool's output (they name this machine's Python).
fn without_tool_lines(t: &Transcript) -> String {
    t.render()
        .lines()
        .filter(|l| !l.trim_start().starts_with('│'))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------- finding the project

#[test]
fn no_project() {
    let s = Scratch::empty();
    let t = hsm(&s, &s.path(), &["list"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: no `hsm.yaml` found in `[TMP]` or any parent directory
        hint: run `hsm init` to create one, or pass `-C <dir>`
        ");
    // The hint: `hsm init` creates one, after which the command works.
    ok(&hsm(&s, &s.path(), &["init"]));
    ok(&hsm(&s, &s.path(), &["list"]));
}

#[test]
fn invalid_manifest() {
    let s = Scratch::examples();
    let dir = project(&s, "p", "registry: ../../registry\npakages: [redis]\n");
    let t = hsm(&s, &dir, &["sync"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: unknown field `pakages`, expected one of schema_version, project, registry, package_manager, mode, packages, package_groups, services, modes, compose, env
          --> hsm.yaml:2:1 (at `pakages`)
          hint: remove the key or check its spelling against the documented fields
        ");
}

#[test]
fn invalid_manifest_multi_document() {
    let s = Scratch::examples();
    let dir = project(
        &s,
        "p",
        "registry: ../../registry\npackages: [neo4j-client]\n---\nfoo: 1\n",
    );
    let t = hsm(&s, &dir, &["list"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: the file holds several YAML documents (separated by `---`); expected one
          --> hsm.yaml:4:1
          hint: remove the extra `---` documents, or merge them into one
        ");
    assert!(!t.stderr.contains("from_str_multiple"), "{}", t.render());
}

#[test]
fn unknown_adapter() {
    let s = Scratch::examples();
    let dir = project(&s, "p", "registry: ../../registry\npackage_manager: npm\n");
    let t = hsm(&s, &dir, &["sync"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: unknown package manager `npm`
          --> hsm.yaml:2:1 (at `package_manager`)
          hint: known package managers: uv, pip
        ");
}

#[test]
fn read_project_file() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    std::fs::create_dir_all(dir.join("pyproject.toml")).unwrap();
    let t = hsm(&s, &dir, &["plan"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: failed to read `pyproject.toml`
          Caused by: Is a directory (os error 21)
        ");
    assert_eq!(t.code, Some(1), "an unreadable file is a failure");
    assert!(t.stderr.contains("Caused by:"), "{}", t.render());
}

#[test]
fn write_failed() {
    let s = Scratch::empty();
    let dir = s.path().join("p");
    std::fs::create_dir_all(dir.join(".gitignore")).unwrap();
    let t = hsm(&s, &dir, &["init"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: failed to read `[TMP]/p/.gitignore`
          Caused by: Is a directory (os error 21)
        ");
}

// ---------------------------------------------------------------- the registry

#[test]
fn registry_missing() {
    let s = Scratch::examples();
    let dir = project(&s, "p", "registry: ../../nowhere\n");
    let t = hsm(&s, &dir, &["list"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: registry directory `../../nowhere` does not exist (from `registry:` in hsm.yaml)
        hint: create it with `hsm init`, or point `--registry`, `HSM_REGISTRY_PATH` or `registry:` in hsm.yaml at your registry
        ");
    // The hint: `hsm init` creates the registry hsm.yaml names.
    ok(&hsm(&s, &dir, &["init"]));
    ok(&hsm(&s, &dir, &["list"]));
}

#[test]
fn registry_io() {
    let s = Scratch::examples();
    let file = s.path().join("registry/packages/auth-service.yaml");
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    let t = hsm(&s, &s.project("shared-db"), &["list"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: failed to read `../../registry/packages/auth-service.yaml`
          Caused by: it is a directory; expected a text file
        ");
}

#[test]
fn registry_invalid() {
    let s = Scratch::examples();
    s.write(
        "registry/containers/redis.yaml",
        "name: redis\nimaeg: redis:7\n",
    );
    let t = hsm(&s, &s.project("db-switch"), &["registry", "validate"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: unknown field `imaeg`, expected one of name, description, image, ports, port, volumes, env, healthcheck, resources, network_aliases, command, restart, working_dir, container_name, labels, sources, deployment_profiles, dependencies, params, implies
          --> ../../registry/containers/redis.yaml:2:1 (at `imaeg`)
          hint: remove the key or check its spelling against the documented fields
        ");
}

#[test]
fn registry_invalid_port_type() {
    let s = Scratch::examples();
    s.write(
        "registry/containers/redis.yaml",
        "name: redis\nimage: redis:7\nport: [\"6379:6379\"]\n",
    );
    let t = hsm(&s, &s.project("db-switch"), &["registry", "validate"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: expected a single value here, not a list or a mapping
          --> ../../registry/containers/redis.yaml:3:7 (at `port`)
        ");
}

#[test]
fn invalid_group_default() {
    let s = Scratch::examples();
    let dir = project(&s, "p", "registry: ../../registry\n");
    let t = hsm(
        &s,
        &dir,
        &[
            "registry",
            "group",
            "add",
            "g",
            "--kind",
            "container",
            "--option",
            "redis",
            "--default",
            "mysql",
        ],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: the container group entry would not be valid
          - default `mysql` is not one of the group's options (at `default`)
        hint: options: redis; add it to `options` or change `default`
        ");
    assert!(!s.path().join("registry/container_groups/g.yaml").exists());
    // Written by hand, the file itself is blamed by `registry validate` and by a project.
    s.write(
        "registry/container_groups/g.yaml",
        "name: g\ntype: container_group\nstrategy: 1-of-N\ndefault: mysql\noptions:\n  - name: redis\n",
    );
    let t = hsm(&s, &dir, &["registry", "validate"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: default `mysql` is not one of the group's options
          --> ../../registry/container_groups/g.yaml:4:1 (at `default`)
          hint: options: redis; add it to `options` or change `default`
        ");
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\nservices:\n  container_groups:\n    g: {}\n",
    )
    .unwrap();
    let t = hsm(&s, &dir, &["list"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: default `mysql` is not one of the group's options
          --> ../../registry/container_groups/g.yaml:4:1 (at `default`)
          hint: options: redis; add it to `options` or change `default`
        ");
    // Removing the default option is refused too.
    s.write(
        "registry/container_groups/g.yaml",
        "name: g\ntype: container_group\nstrategy: 1-of-N\ndefault: redis\noptions:\n  - name: redis\n  - name: mysql\n",
    );
    let t = hsm(
        &s,
        &dir,
        &["registry", "group", "remove-option", "g", "redis"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: the container group entry would not be valid
          - default `redis` is not one of the group's options (at `default`)
        hint: options: mysql; add it to `options` or change `default`
        ");
}

// ---------------------------------------------------------------- names that are not there

#[test]
fn not_in_registry() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["package", "add", "neo4j-clint"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: package `neo4j-clint` is not in the registry
        hint: did you mean `neo4j-client`?
        ");
    let t = hsm(&s, &dir, &["package", "add", "mylib"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: package `mylib` is not in the registry
        hint: add it with `hsm registry package add mylib`
        ");
    // The hint's command works, and then so does the edit.
    ok(&hsm(&s, &dir, &["registry", "package", "add", "mylib"]));
    ok(&hsm(&s, &dir, &["package", "add", "mylib"]));
}

#[test]
fn not_in_registry_container_hint() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["container", "add", "dragonfly"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container `dragonfly` is not in the registry
        hint: add it with `hsm registry container add dragonfly --image IMAGE`
        ");
    // The hint's command, with IMAGE filled in, works; then so does the edit.
    ok(&hsm(
        &s,
        &dir,
        &[
            "registry",
            "container",
            "add",
            "dragonfly",
            "--image",
            "docker.io/dragonfly:1",
        ],
    ));
    ok(&hsm(&s, &dir, &["container", "add", "dragonfly"]));
}

#[test]
fn not_in_registry_on_remove() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["registry", "package", "remove", "nope", "--yes"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: package `nope` is not in the registry
        hint: see `hsm registry list`
        ");
    let t = hsm(
        &s,
        &dir,
        &["registry", "group", "remove", "databse", "--yes"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: group `databse` is not in the registry
        hint: did you mean `database`?
        ");
    let t = hsm(
        &s,
        &dir,
        &["registry", "group", "add-option", "nope", "redis"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: group `nope` is not in the registry
        hint: see `hsm registry list`
        ");
}

#[test]
fn no_such_entry() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["registry", "show", "postgress"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `postgress` is not in the registry
        hint: did you mean `postgres`?
        ");
    let t = hsm(&s, &dir, &["registry", "show", "zzz"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `zzz` is not in the registry
        hint: see `hsm registry list`
        ");
    ok(&hsm(&s, &dir, &["registry", "list"]));
}

#[test]
fn not_in_manifest() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["package", "remove", "auth-service"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: package `auth-service` is not in hsm.yaml
        hint: see `hsm list` for what hsm.yaml selects
        ");
    let t = hsm(&s, &dir, &["profile", "postgres", "managed-dev"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container group or standalone container `postgres` is not in hsm.yaml
        hint: see `hsm list` for what hsm.yaml selects
        ");
}

#[test]
fn not_a_mode_target() {
    let s = Scratch::examples();
    let t = hsm(&s, &s.project("db-switch"), &["mode", "nope", "dev"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `nope` is not a group in hsm.yaml nor a package or container in the registry
        hint: see `hsm registry list`
        ");
}

#[test]
fn no_such_profile() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = hsm(&s, &dir, &["profile", "vector-db", "external-crop"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container `qdrant` has no deployment profile `external-crop`
        hint: did you mean `external-corp`?
        ");
    let t = hsm(
        &s,
        &dir,
        &["container", "add", "qdrant", "--profile", "cloud"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container `qdrant` has no deployment profile `cloud`
        hint: profiles of `qdrant`: managed-dev, external-corp, external-prod
        ");
    let t = hsm(
        &s,
        &dir,
        &["container", "add", "redis", "--profile", "cloud"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container `redis` has no deployment profile `cloud`
        hint: `redis` defines no `deployment_profiles`
        ");
}

#[test]
fn not_an_option() {
    let s = Scratch::examples();
    let dir = s.project("external-db");
    let t = hsm(&s, &dir, &["group", "select", "vector-db", "milvus"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `milvus` is not an option of container group `vector-db`
        hint: options: qdrant
        ");
}

#[test]
fn one_of_n() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["group", "select", "database", "postgres", "mysql"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: group `database` is 1-of-N: select one option
        hint: make the group `strategy: M-of-N` in the registry to select several
        ");
}

#[test]
fn unknown_group() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["group", "select", "caches", "redis"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `caches` is not a group in hsm.yaml or the registry
        hint: to start a new ad-hoc group choosing among registry components, pass `--new`
        ");
    let t = hsm(&s, &dir, &["group", "select", "databse", "mysql"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `databse` is not a group in hsm.yaml or the registry
        hint: did you mean `database`?
        hint: to start a new ad-hoc group choosing among registry components, pass `--new`
        ");
    // The hint's `--new` works.
    ok(&hsm(
        &s,
        &dir,
        &["group", "select", "caches", "redis", "--new"],
    ));
}

#[test]
fn mixed_options() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["group", "select", "--new", "mix", "redis", "gunicorn"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: the options of the new group `mix` are not all packages or all containers in the registry
        hint: an ad-hoc group chooses among packages or among containers, not both
        ");
}

#[test]
fn mixed_options_unknown_name() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["group", "select", "--new", "caches", "nope"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `nope` is not in the registry
        hint: see `hsm registry list`
        ");
    assert!(t.stderr.contains("not in the registry"), "{}", t.render());
}

#[test]
fn not_selected() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(&s, &dir, &["group", "unselect", "database", "mysql"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `mysql` is not selected in group `database`
        ");
}

// ---------------------------------------------------------------- edits

#[test]
fn edit_invalid() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = read(&dir.join("hsm.yaml"));
    let t = hsm(&s, &dir, &["group", "select", "graph-services", "redis"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: the edit would make hsm.yaml invalid; nothing was written
          - container `redis` has no deployment profile `managed-dev` (at `services.container_groups.graph-services.profile`)
        hint: container `redis` defines no `deployment_profiles`
        ");
    assert_eq!(before, read(&dir.join("hsm.yaml")), "nothing was written");
    assert!(!t.stderr.contains("-->"), "no position in unwritten text");
}

#[test]
fn edit() {
    let s = Scratch::examples();
    let dir = project(
        &s,
        "p",
        "registry: ../../registry\npackages: !!seq [neo4j-client]\n",
    );
    ok(&hsm(&s, &dir, &["list"]));
    let t = hsm(&s, &dir, &["package", "add", "qdrant-client"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 0
        --- stderr
        ✓ Package `qdrant-client` is in hsm.yaml. Run `hsm sync` to apply
          implied: added container `graph-builder-service` (by hsm.yaml `packages[0]` → package `neo4j-client` → implies `container:graph-builder-service`)
          implied: added container `qdrant` (by hsm.yaml `packages[1]` → package `qdrant-client` → implies `container:qdrant`)
        ");
    assert_eq!(
        read(&dir.join("hsm.yaml")),
        "registry: ../../registry\npackages: !!seq [neo4j-client, qdrant-client]\n",
        "the tagged list is edited in place"
    );
    assert!(!t.stderr.contains("must be a list"), "{}", t.render());
}

#[test]
fn edit_group_file() {
    let s = Scratch::examples();
    s.write(
        "registry/container_groups/database.yaml",
        "name: database\ntype: container_group\noptions: [postgres]\n",
    );
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["registry", "group", "add-option", "database", "mysql"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: expected a mapping (key: value pairs), found `postgres`
          --> ../../registry/container_groups/database.yaml:3:11 (at `options[0]`)
        ");
    assert!(!t.stderr.contains("group.yaml:"), "{}", t.render());
}

#[test]
fn usage_of_an_operation() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["package", "add", "neo4j-client", "--profile", "x"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: `--profile` applies to containers only
        ");
    let t = run(s
        .hsm(&dir)
        .args(["registry", "package", "remove", "gunicorn"])
        .stdin(Vec::new()));
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: removing `gunicorn` needs confirmation: pass `--yes`
        ");
    let t = run(s
        .hsm(&dir)
        .args(["registry", "package", "add", "--pypi", ">=1"])
        .stdin(Vec::new()));
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: give the package name (there is no terminal to ask on)
        ");
}

// ---------------------------------------------------------------- registry authoring

#[test]
fn already_exists() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let args = [
        "registry",
        "container",
        "add",
        "redis",
        "--image",
        "redis:8",
    ];
    let t = hsm(&s, &dir, &args);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container `redis` already exists at `../../registry/containers/redis.yaml`
        hint: pass `--force` to overwrite it
        ");
    // The hint's `--force` works.
    ok(&hsm(&s, &dir, &[&args[..], &["--force"]].concat()));
}

#[test]
fn still_referenced() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["registry", "container", "remove", "postgres", "--yes"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: container `postgres` is still referenced by: `../../registry/packages/auth-service.yaml`, `../../registry/packages/billing-service.yaml`, `../../registry/container_groups/database.yaml`, this project's `hsm.yaml`
        hint: remove those references first
        ");
}

#[test]
fn group_option() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let t = hsm(
        &s,
        &dir,
        &["registry", "group", "add-option", "vector-db", "qdrant"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 0
        --- stderr
        ✓ Nothing to change: `qdrant` is an option of group `vector-db` already
        ");
    let t = hsm(
        &s,
        &dir,
        &["registry", "group", "remove-option", "vector-db", "redis"],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `redis` is not an option of group `vector-db`
        ");
}

// ---------------------------------------------------------------- the synced project

#[test]
fn no_env_file() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    let t = hsm(&s, &dir, &["env"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: `.hsm/env` does not exist
        hint: run `hsm sync` first
        ");
    // The hint: after `hsm sync` it works.
    synced(&s, &dir);
    ok(&hsm(&s, &dir, &["env"]));
}

#[test]
fn env_file() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    synced(&s, &dir);
    std::fs::write(dir.join(".hsm/env"), "not a line\n").unwrap();
    let t = hsm(&s, &dir, &["env"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: `.hsm/env` cannot be read
          Caused by: invalid .env file `[TMP]/projects/shared-db/.hsm/env` at line 1: expected `KEY=value`, with a name of ASCII letters, digits, `_` and `.` that does not start with a digit
        hint: run `hsm sync` to write it again
        ");
    // The hint: `hsm sync` writes it again.
    synced(&s, &dir);
    ok(&hsm(&s, &dir, &["env"]));
}

#[test]
fn no_compose_file() {
    let s = Scratch::examples();
    let t = hsm(&s, &s.project("db-switch"), &["up"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: `docker-compose.hsm.yml` does not exist
        hint: run `hsm sync` first (or the stack has no managed containers)
        ");
}

#[test]
fn no_compose() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    synced(&s, &dir);
    let empty = s.kit.child("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let t = run(s.hsm(&dir).arg("up").env("PATH", &empty));
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: Docker Compose is not installed
        hint: install `docker compose` or `docker-compose`, or name the command with `compose.command` in hsm.yaml, `--compose-command` or `HSM_COMPOSE`
        ");
}

#[test]
fn compose_command() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    synced(&s, &dir);
    let t = run(s.hsm(&dir).arg("up").env("HSM_COMPOSE", "'unterminated"));
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: `HSM_COMPOSE` is not a valid command line
          Caused by: unterminated `'` quote (opened at byte 0)
        hint: quote words with spaces: `'/opt/my tools/compose' --verbose`
        ");
    std::fs::write(
        dir.join("hsm.yaml"),
        format!(
            "{}compose:\n  command: \"docker 'compose\"\n",
            read(&dir.join("hsm.yaml"))
        ),
    )
    .unwrap();
    let t = hsm(&s, &dir, &["up"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: `compose.command` is not a valid command line: unterminated `'` quote (opened at byte 7)
          --> hsm.yaml:9:3 (at `compose.command`)
          hint: quote words with spaces: `'/opt/my tools/compose' --verbose`
        ");
    assert!(!t.stderr.contains("``"), "{}", t.render());
}

#[test]
fn program_not_found() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    synced(&s, &dir);
    let t = hsm(&s, &dir, &["up", "--compose-command", "no-such-compose"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        $ no-such-compose -f docker-compose.yml -f docker-compose.hsm.yml --env-file .hsm/env --profile postgres up
        error: `no-such-compose` was not found on PATH
        hint: install `no-such-compose` or put it on PATH
        ");
    assert!(
        t.stderr
            .contains("install `no-such-compose` or put it on PATH"),
        "{}",
        t.render()
    );
}

#[test]
fn drift() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    synced(&s, &dir);
    let compose = dir.join("docker-compose.hsm.yml");
    std::fs::write(&compose, format!("{}# edited\n", read(&compose))).unwrap();
    std::fs::remove_file(dir.join(".hsm/env")).unwrap();
    let t = hsm(&s, &dir, &["status"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: 2 differences from hsm.yaml
          - docker-compose.hsm.yml differs from what hsm.yaml asks for
          - .hsm/env is missing
        hint: run `hsm sync` (and `hsm up` for containers)
        ");
    // The hint: `hsm sync` fixes it.
    synced(&s, &dir);
    ok(&hsm(&s, &dir, &["status"]));
}

// ---------------------------------------------------------------- tools

#[test]
fn step_failed() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = snapshot_tree(&dir);
    let t = hsm(&s, &dir, &["sync", "--uv", "false"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: `false sync` failed; every file hsm touched was restored
          Caused by: `false sync` failed with exit status 1
        ");
    let t = hsm(&s, &dir, &["sync", "--uv", "no-such-uv"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 1
        --- stderr
        error: `no-such-uv sync` failed; every file hsm touched was restored
          Caused by: `no-such-uv` was not found on PATH
        hint: install uv (`pip install uv`), point `--uv`/`HSM_UV` at it, or set `package_manager: pip` in hsm.yaml
        ");
    unchanged(&before, &dir);
}

#[test]
fn step_failed_quiet() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = unresolvable_project(&s);
    let t = hsm(&s, &dir, &["sync", "-q"]);
    insta::assert_snapshot!(without_tool_lines(&t), @"
        exit: 1
        --- stderr
        error: `uv sync` failed; every file hsm touched was restored
          Caused by: `uv sync` failed with exit status 1
          `uv sync` printed (last lines):
        ");
    assert!(t.stderr.contains("No solution found"), "{}", t.render());
}

#[test]
fn unresolvable() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::examples();
    let dir = unresolvable_project(&s);
    let t = hsm(&s, &dir, &["check"]);
    insta::assert_snapshot!(without_tool_lines(&t), @"
        exit: 3
        --- stderr
        Resolving the packages with uv…
        error: the packages do not resolve with uv
          Caused by: `uv lock --quiet` failed with exit status 1
          `uv lock --quiet` printed (last lines):
        ");
    assert!(t.stderr.contains("No solution found"), "{}", t.render());
}

#[test]
fn compose_rejects() {
    need!("uv", "HSM_TEST_UV");
    need!("docker-compose", "HSM_TEST_COMPOSE");
    let s = Scratch::examples();
    s.write(
        "registry/containers/badvol.yaml",
        "name: badvol\nimage: busybox:1\nvolumes:\n  - \"a:b:c:d\"\n",
    );
    let dir = project(
        &s,
        "p",
        "registry: ../../registry\nservices:\n  containers: [badvol]\n",
    );
    let t = run(s
        .hsm(&dir)
        .arg("check")
        .env("HSM_COMPOSE", "docker-compose"));
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        Resolving the packages with uv…
        error: Docker Compose rejects the generated docker-compose.hsm.yml
          Caused by: `docker-compose --project-directory [TMP]/projects/p -f docker-compose.hsm.yml --env-file .hsm/env config -q` failed with exit status 1
          `docker-compose --project-directory [TMP]/projects/p -f docker-compose.hsm.yml --env-file .hsm/env config -q` printed (last lines):
            │ Volume a:b:c:d has incorrect format, should be external:internal[:mode]
        hint: a registry value Compose does not accept (or a bug in hsm); `hsm plan` shows the file
        ");
    // The hint: `hsm plan` shows the file.
    assert!(ok(&hsm(&s, &dir, &["plan"])).contains("a:b:c:d"));
}

#[test]
fn usage() {
    let s = Scratch::empty();
    let t = hsm(&s, &s.path(), &["frobnicate"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: unrecognized subcommand 'frobnicate'

        Usage: hsm [OPTIONS] <COMMAND>

        For more information, try '--help'.
        ");
    let t = hsm(&s, &s.path(), &["mode", "x", "staging"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: invalid value 'staging' for '[MODE]'
          [possible values: dev, prod]

        For more information, try '--help'.
        ");
    let t = hsm(&s, &s.path(), &["sync", "--containers"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: the following required arguments were not provided:
          --verify

        Usage: hsm sync --verify --containers

        For more information, try '--help'.
        ");
}

#[test]
fn registry_flags_refused() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let before = snapshot_tree(s.path());
    let t = hsm(
        &s,
        &dir,
        &["registry", "container", "add", "c", "--image", ""],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: `--image` is empty: give an image reference (e.g. `redis:7`, `ghcr.io/org/app:1.2`)
        ");
    let t = hsm(
        &s,
        &dir,
        &[
            "registry",
            "container",
            "add",
            "c",
            "--image",
            "redis:7",
            "--external",
            "x=10.0.0.1:6379",
            "--managed",
            "x",
        ],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: deployment profile `x` is given twice (`--external`, `--managed` and `--uv-profile` each define one)
        ");
    let t = hsm(
        &s,
        &dir,
        &[
            "registry",
            "group",
            "add",
            "g",
            "--kind",
            "container",
            "--option",
            "redis",
            "--alias",
            "bad alias",
        ],
    );
    insta::assert_snapshot!(t.render(), @"
        exit: 2
        --- stderr
        error: `--alias bad alias` is not a network alias: use letters, digits, `-`, `_` and `.`, starting with a letter or digit
        ");
    unchanged(&before, &s.path());
}

#[test]
fn project_named_like_its_package() {
    let s = Scratch::examples();
    let dir = unresolvable_project(&s);
    std::fs::write(
        dir.join("hsm.yaml"),
        "project: {name: Py4}\nregistry: ../../registry\npackages: [py4]\n",
    )
    .unwrap();
    let before = snapshot_tree(&dir);
    let t = hsm(&s, &dir, &["sync", "--uv", "true"]);
    insta::assert_snapshot!(t.render(), @"
        exit: 3
        --- stderr
        error: the project is named `Py4`, like the package `py4` it installs
          --> hsm.yaml:1:11 (at `project.name`)
          hint: rename the project (`project: {name: …}` in hsm.yaml, or `[project] name` in pyproject.toml)
        ");
    unchanged(&before, &dir);
}
