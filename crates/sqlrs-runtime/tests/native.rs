//! The native runtime on the host's real PostgreSQL: a base, a step, a published state, an
//! instance cloned from it that sees the step's data, and a failing step that fails;
//! connections counted from `pg_stat_activity`, pgbench and psql run as user tools.
//! Needs PostgreSQL's binaries (`SQLRS_TEST_PG=1`; required under `CI=true`); as root it
//! runs the server as the `sqlrs` user, which `scripts/setup` creates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use infra_process::Interrupt;
use sqlrs_runtime::{NativeRuntime, Owner, RunAs, Runtime};
use sqlrs_statefs::{Backend, CopyBackend, ReflinkMode, publish};

fn options() -> Vec<String> {
    ["-X", "-v", "ON_ERROR_STOP=1", "-q"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn a_step_becomes_a_state_and_an_instance_of_it_has_its_data() {
    if infra_testkit::require_tool_with_hint(
        "initdb",
        "SQLRS_TEST_PG",
        "run ./scripts/setup (installs PostgreSQL)",
    )
    .is_none()
    {
        return;
    }
    let none = Interrupt::none();
    let rt = NativeRuntime::detect(RunAs::for_current_process("sqlrs").unwrap()).unwrap();
    assert!(rt.server_version(&none).unwrap().contains("PostgreSQL"));
    let dir = tempfile::tempdir().unwrap();
    // The server's user must reach its directories.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let backend = CopyBackend::new(ReflinkMode::Auto);

    let base = dir.path().join("base");
    rt.init_base(&base, &none).unwrap();
    let run1 = dir.path().join("run1");
    backend.clone_tree(&base, &run1).unwrap();
    let port = NativeRuntime::free_port().unwrap();
    rt.start(&run1, port, &none).unwrap();
    rt.psql(
        port,
        &options(),
        b"create table t(x int); insert into t values (1), (2);",
        &none,
    )
    .unwrap();
    let failed = rt.psql(
        port,
        &options(),
        b"insert into t values (3);\nselect nosuch;\ninsert into t values (4);",
        &none,
    );
    assert!(failed.is_err(), "ON_ERROR_STOP makes a failing script fail");
    rt.stop(&run1, &none).unwrap();
    let states = dir.path().join("states");
    assert!(publish(&backend, &run1, &states, "s1").unwrap());
    backend.remove(&run1).unwrap();

    let run2 = dir.path().join("run2");
    backend.clone_tree(&states.join("s1"), &run2).unwrap();
    let port = NativeRuntime::free_port().unwrap();
    rt.start(&run2, port, &none).unwrap();
    let out = rt
        .psql(
            port,
            &["-X".into(), "-tA".into()],
            b"select string_agg(x::text, ',' order by x) from t;",
            &none,
        )
        .unwrap();
    rt.stop(&run2, &none).unwrap();
    // The failing script stopped at its error: 3 is there (no transaction), 4 is not.
    assert_eq!(out.stdout.trim(), "1,2,3");
}

#[test]
fn connections_are_counted_and_client_tools_run() {
    if infra_testkit::require_tool_with_hint(
        "initdb",
        "SQLRS_TEST_PG",
        "run ./scripts/setup (installs PostgreSQL)",
    )
    .is_none()
    {
        return;
    }
    let none = Interrupt::none();
    let native = NativeRuntime::detect(RunAs::for_current_process("sqlrs").unwrap()).unwrap();
    // Through the trait, as the engine holds it.
    let rt: &dyn Runtime = &native;
    assert_eq!(rt.name(), "native");
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = dir.path().join("data");
    rt.init_base(&data, &none).unwrap();
    let port = NativeRuntime::free_port().unwrap();
    rt.start(&data, port, &Owner::Instance("i1".into()), &none)
        .unwrap();
    assert!(rt.ready(port));
    common::a_sleeping_client_is_counted(rt, port);
    common::client_tools_run(rt, port);
    rt.stop(&data, &none).unwrap();
    assert!(!rt.ready(port));
}

#[test]
fn every_test_file_is_part_of_a_test_target() {
    infra_testkit::assert_test_targets_are_declared(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/Cargo.toml"
    ));
}
