//! A psql prepare end to end on real PostgreSQL (native runtime): build, reuse from the
//! cache, rebuild only the changed tail, and a failing script named by file and line.
//! Needs PostgreSQL's binaries (`SQLRS_TEST_PG=1`; required under `CI=true`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use infra_process::{Cmd, Interrupt, Output};
use sqlrs_prepare::{PrepareError, Preparer};
use sqlrs_runtime::{NativeRuntime, RunAs};
use sqlrs_statefs::{CopyBackend, Layout, ReflinkMode};
use sqlrs_store::{SqliteStore, Store};

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

fn query(dsn: &str, sql: &str) -> String {
    let cmd = Cmd::new("psql")
        .args(["-X", "-tA", dsn, "-c", sql])
        .stdin_null();
    infra_process::run(&cmd, Output::Capture, &Interrupt::none())
        .unwrap()
        .stdout
        .trim()
        .to_string()
}

#[test]
fn prepare_builds_reuses_and_rebuilds_only_what_changed() {
    if infra_testkit::require_tool_with_hint(
        "psql",
        "SQLRS_TEST_PG",
        "run ./scripts/setup (installs PostgreSQL)",
    )
    .is_none()
    {
        return;
    }
    let none = Interrupt::none();
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let work = write_inputs(dir.path());

    let layout = Layout::new(dir.path().join("store"));
    std::fs::create_dir_all(layout.root()).unwrap();
    let store = SqliteStore::open(&layout.state_db()).unwrap();
    let backend = CopyBackend::new(ReflinkMode::Auto);
    let runtime = NativeRuntime::detect(RunAs::for_current_process("sqlrs").unwrap()).unwrap();
    let p = Preparer {
        store: &store,
        layout: &layout,
        backend: &backend,
        runtime: &runtime,
        interrupt: &none,
        observer: &sqlrs_prepare::Silent,
        lock: &std::sync::Mutex::new(()),
    };
    let mut instances = Vec::new();

    let plan = p
        .plan_psql(&args(&["-f", "a.sql", "-f", "c.sql"]), None, &work)
        .unwrap();
    assert_eq!(plan.first_missing(), 0);
    let first = p.execute(&plan, "2026-11-28T10:00:00Z").unwrap();
    assert_eq!(first.built, 2);
    assert_eq!(
        query(
            &first.dsn,
            "select string_agg(x::text, ',' order by x) from t"
        ),
        "1,2"
    );
    instances.push(first.instance_id.clone());

    // The same inputs: every step cached, the same final state, a new instance.
    let again = p
        .plan_psql(&args(&["-f", "a.sql", "-f", "c.sql"]), None, &work)
        .unwrap();
    assert!(again.steps.iter().all(|s| s.cached));
    let second = p.execute(&again, "2026-11-28T10:01:00Z").unwrap();
    assert_eq!((second.built, &second.state_id), (0, &first.state_id));
    assert_ne!(second.instance_id, first.instance_id);
    instances.push(second.instance_id.clone());

    // An edit of the second script: the first state is reused, only the tail is built.
    std::fs::write(work.join("c.sql"), "insert into t values (3);\n").unwrap();
    let edited = p
        .plan_psql(&args(&["-f", "a.sql", "-f", "c.sql"]), None, &work)
        .unwrap();
    assert_eq!(edited.steps[0].state_id, plan.steps[0].state_id);
    assert_eq!(edited.first_missing(), 1);
    let third = p.execute(&edited, "2026-11-28T10:02:00Z").unwrap();
    assert_eq!(third.built, 1);
    assert_eq!(
        query(
            &third.dsn,
            "select string_agg(x::text, ',' order by x) from t"
        ),
        "1,3"
    );
    instances.push(third.instance_id.clone());

    failing_step_names_file_and_line(&p, &work, &store);

    stop_and_check_no_scratch(&runtime, &layout, &instances);
}

/// The scripts: `a.sql` includes `sub/b.sql`; `c.sql` is the second step.
fn write_inputs(dir: &Path) -> std::path::PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(work.join("sub")).unwrap();
    for (name, text) in [
        ("a.sql", "create table t(x int);\n\\ir sub/b.sql\n"),
        ("sub/b.sql", "insert into t values (1);\n"),
        ("c.sql", "insert into t values (2);\n"),
    ] {
        std::fs::write(work.join(name), text).unwrap();
    }
    work
}

/// Stops the instances; no job scratch directory may be left.
fn stop_and_check_no_scratch(
    runtime: &NativeRuntime,
    layout: &Layout,
    instances: &[sqlrs_schema::InstanceId],
) {
    for id in instances {
        runtime
            .stop(&layout.instance_data(id.as_str()), &Interrupt::none())
            .unwrap();
    }
    assert!(
        !Path::new(&layout.root().join("jobs"))
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );
}

/// A failing statement in an included file: named by file and line, no state for it.
fn failing_step_names_file_and_line(p: &Preparer<'_>, work: &Path, store: &SqliteStore) {
    let write = |name: &str, text: &str| std::fs::write(work.join(name), text).unwrap();
    write("sub/bad.sql", "insert into t values (4);\nselect nosuch;\n");
    write("d.sql", "\\ir sub/bad.sql\n");
    let bad = p
        .plan_psql(&args(&["-f", "a.sql", "-f", "d.sql"]), None, work)
        .unwrap();
    let err = p.execute(&bad, "2026-11-28T10:03:00Z").unwrap_err();
    match &err {
        PrepareError::StepFailed { step, at, message } => {
            assert_eq!(*step, 2);
            let (file, line) = at.clone().unwrap();
            assert!(file.ends_with("sub/bad.sql"), "{file:?}");
            assert_eq!(line, 2);
            assert!(message.contains("nosuch"), "{message}");
        }
        other => panic!("{other}"),
    }
    let failed_state = sqlrs_schema::StateId::parse(&bad.steps[1].state_id.to_hex()).unwrap();
    assert!(store.state(&failed_state).unwrap().is_none());
    assert_eq!(store.states().unwrap().len(), 3);
}
