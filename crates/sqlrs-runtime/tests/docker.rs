//! The container runtime on a real Docker engine and the image `scripts/sqlrs/pg-image`
//! builds from the host's PostgreSQL: a base, a psql step, a failing step, a clean stop, a
//! published state whose clone started again has the data, a host client through the
//! published port, connection counting, pgbench, orphan reaping.
//!
//! Gate: `SQLRS_TEST_DOCKER=1` (required under `CI=true`, where a missing docker fails).
//! The daemon is the caller's: `DOCKER_HOST` names it (`scripts/test` starts a private
//! one with `scripts/docker-up` and exports it; by hand:
//! `export DOCKER_HOST=$(scripts/docker-up)` … `scripts/docker-down`). The tests build the
//! image themselves (idempotent, about 7 s the first time), and remove every container of
//! their scope when they end, passed or failed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{strings, timed};
use infra_process::{Interrupt, ProcessError};
use sqlrs_runtime::{DockerConfig, DockerRuntime, Engine, Owner, RunAs, Runtime, RuntimeError};
use sqlrs_statefs::{Backend, CopyBackend, ReflinkMode, publish};

/// The docker client: Debian's (it matches the daemon), else the one on PATH.
fn docker_binary() -> PathBuf {
    let debian = Path::new("/usr/bin/docker");
    if debian.is_file() {
        return debian.to_path_buf();
    }
    infra_testkit::which("docker").expect("docker is on PATH")
}

/// The daemon named by the caller's `DOCKER_HOST` (tests read their environment; the
/// library takes it as configuration).
#[allow(clippy::disallowed_methods)]
fn docker_host() -> Option<String> {
    std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty())
}

/// The image, built once per test run by `scripts/sqlrs/pg-image`.
fn image() -> &'static str {
    static IMAGE: OnceLock<String> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/sqlrs/pg-image");
        let started = Instant::now();
        let out = Command::new(&script)
            .output()
            .expect("run scripts/sqlrs/pg-image");
        assert!(
            out.status.success(),
            "scripts/sqlrs/pg-image failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("pg-image: {:?}", started.elapsed());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

/// A runtime of its own scope (so tests running at once never reap each other's
/// containers), or `None` when the gate is off.
fn runtime(test: &str) -> Option<DockerRuntime> {
    infra_testkit::require_tool_with_hint(
        "docker",
        "SQLRS_TEST_DOCKER",
        "run ./scripts/setup (installs docker.io), then export DOCKER_HOST=$(scripts/docker-up)",
    )?;
    let mut config = DockerConfig::new(
        Engine::Docker,
        image(),
        format!("test-{}-{test}", std::process::id()),
    );
    config.binary = docker_binary();
    config.host = docker_host();
    config.run_as = RunAs::for_current_process("sqlrs").unwrap();
    let rt = DockerRuntime::new(config);
    if let Err(e) = rt.check(&Interrupt::none()) {
        panic!(
            "the docker engine is not usable: {e} ({e:?}); start one: export DOCKER_HOST=$(scripts/docker-up)"
        );
    }
    Some(rt)
}

/// Removes every container of the runtime's scope when the test ends, however it ends.
struct Cleanup<'a>(&'a DockerRuntime);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = self.0.reap_orphans(&|_| false, &Interrupt::none());
    }
}

fn options() -> Vec<String> {
    ["-X", "-v", "ON_ERROR_STOP=1", "-q"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The names of the containers (running or not) of the runtime's scope.
fn containers(rt: &DockerRuntime) -> Vec<String> {
    let c = rt.config();
    let mut cmd = Command::new(&c.binary);
    if let Some(host) = &c.host {
        cmd.env("DOCKER_HOST", host);
    }
    let out = cmd
        .args(["ps", "-a", "--format", "{{.Names}}", "--filter"])
        .arg(format!("label=sqlrs.scope={}", c.scope))
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_step_becomes_a_state_and_a_clone_of_it_started_again_has_its_data() {
    let Some(rt) = runtime("state") else { return };
    let _cleanup = Cleanup(&rt);
    let none = Interrupt::none();
    let version = timed("server_version", || rt.server_version(&none).unwrap());
    assert!(
        version.contains("PostgreSQL") && version.contains("(image sha256:"),
        "{version}"
    );
    let again = timed("server_version again", || rt.server_version(&none).unwrap());
    assert_eq!(again, version);
    let dir = scratch();
    let backend = CopyBackend::new(ReflinkMode::Auto);

    let base = dir.path().join("base");
    timed("init_base", || rt.init_base(&base, &none).unwrap());
    let pg_version = base.join("pgdata/PG_VERSION");
    if let Some(u) = rt.config().run_as {
        assert_eq!(std::fs::metadata(&pg_version).unwrap().uid(), u.uid);
    }
    let run1 = dir.path().join("run1");
    backend.clone_tree(&base, &run1).unwrap();
    let port = sqlrs_runtime::NativeRuntime::free_port().unwrap();
    let job = Owner::Job("j1".into());
    timed("start", || rt.start(&run1, port, &job, &none).unwrap());
    assert!(rt.ready(port));
    // Exact bytes on stdin: no trailing newline, a comment, a multi-line statement.
    timed("psql step", || {
        rt.psql(
            port,
            &options(),
            b"create table t(x int); -- c\ninsert into t\n values (1), (2);",
            &none,
        )
        .unwrap()
    });
    let failed = rt.psql(
        port,
        &options(),
        b"insert into t values (3);\nselect nosuch;\ninsert into t values (4);",
        &none,
    );
    match failed {
        Err(RuntimeError::Tool {
            source: ProcessError::Failed { output_tail, .. },
            ..
        }) => assert!(
            output_tail.contains("psql:<stdin>:2: ERROR:") && output_tail.contains("nosuch"),
            "{output_tail}"
        ),
        other => panic!("a failing script fails the step with psql's words: {other:?}"),
    }
    timed("stop", || rt.stop(&run1, &none).unwrap());
    assert!(!run1.join("pgdata/postmaster.pid").exists());
    assert!(containers(&rt).is_empty(), "stop removes the container");
    let states = dir.path().join("states");
    assert!(publish(&backend, &run1, &states, "s1").unwrap());
    backend.remove(&run1).unwrap();

    let run2 = dir.path().join("run2");
    backend.clone_tree(&states.join("s1"), &run2).unwrap();
    let port = sqlrs_runtime::NativeRuntime::free_port().unwrap();
    rt.start(&run2, port, &Owner::Instance("i1".into()), &none)
        .unwrap();
    let out = rt
        .psql(
            port,
            &strings(&["-X", "-tA"]),
            b"select string_agg(x::text, ',' order by x) from t;",
            &none,
        )
        .unwrap();
    // The failing script stopped at its error: 3 is there (no transaction), 4 is not.
    assert_eq!(out.stdout.trim(), "1,2,3");
    host_client_reaches(port);
    rt.stop(&run2, &none).unwrap();
    // The host can still delete what the container's user wrote.
    backend.remove(&run2).unwrap();
}

/// A host client connects through the published port as the instance's DSN says (the
/// gateway rule), when the host has a psql to try it with.
fn host_client_reaches(port: u16) {
    let Some(psql) = infra_testkit::which("psql") else {
        eprintln!("no host psql: the DSN is not tried from the host");
        return;
    };
    let dsn = format!("postgres://sqlrs@127.0.0.1:{port}/postgres");
    let out = Command::new(psql)
        .args(["-X", "-tA", "-c", "select count(*) from t", &dsn])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
}

#[test]
fn connections_are_counted_and_tools_run_in_the_container() {
    let Some(rt) = runtime("conn") else { return };
    let _cleanup = Cleanup(&rt);
    let none = Interrupt::none();
    let dir = scratch();
    let data = dir.path().join("data");
    rt.init_base(&data, &none).unwrap();
    let port = sqlrs_runtime::NativeRuntime::free_port().unwrap();
    rt.start(&data, port, &Owner::Instance("i1".into()), &none)
        .unwrap();
    common::a_sleeping_client_is_counted(&rt, port);
    common::client_tools_run(&rt, port);
    other_containers_are_refused(&rt);
    rt.stop(&data, &none).unwrap();
}

/// A client in another container on the same network reaches the server's address but
/// is refused: trust is for the server's own loopback and the host's gateway alone.
fn other_containers_are_refused(rt: &DockerRuntime) {
    let c = rt.config();
    let docker = |args: &[&str]| {
        let mut cmd = Command::new(&c.binary);
        if let Some(host) = &c.host {
            cmd.env("DOCKER_HOST", host);
        }
        cmd.args(args).output().unwrap()
    };
    let name = containers(rt).pop().expect("the server's container");
    let ip = docker(&[
        "inspect",
        "--format",
        "{{.NetworkSettings.IPAddress}}",
        &name,
    ]);
    let ip = String::from_utf8(ip.stdout).unwrap().trim().to_string();
    assert!(!ip.is_empty());
    let out = docker(&[
        "run",
        "--rm",
        "--pull",
        "never",
        "--label",
        &format!("sqlrs.scope={}", c.scope),
        "--entrypoint",
        "psql",
        &c.image,
        "-X",
        "-h",
        &ip,
        "-U",
        "sqlrs",
        "-d",
        "postgres",
        "-c",
        "select 1",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "another container got in");
    assert!(stderr.contains("no pg_hba.conf entry"), "{stderr}");
}

#[test]
fn orphans_are_reaped_and_live_owners_kept() {
    let Some(rt) = runtime("reap") else { return };
    let _cleanup = Cleanup(&rt);
    let none = Interrupt::none();
    let dir = scratch();
    let backend = CopyBackend::new(ReflinkMode::Auto);
    let base = dir.path().join("base");
    rt.init_base(&base, &none).unwrap();
    let (dead, live) = (dir.path().join("dead"), dir.path().join("live"));
    backend.clone_tree(&base, &dead).unwrap();
    backend.clone_tree(&base, &live).unwrap();
    let dead_port = sqlrs_runtime::NativeRuntime::free_port().unwrap();
    rt.start(&dead, dead_port, &Owner::Job("gone".into()), &none)
        .unwrap();
    let live_port = sqlrs_runtime::NativeRuntime::free_port().unwrap();
    let alive = Owner::Instance("here".into());
    rt.start(&live, live_port, &alive, &none).unwrap();
    assert_eq!(containers(&rt).len(), 2);

    // Another store's engine on the same daemon sees none of them.
    let mut other = rt.config().clone();
    other.scope = format!("{}-other", other.scope);
    let other = DockerRuntime::new(other);
    assert!(other.reap_orphans(&|_| false, &none).unwrap().is_empty());

    let reaped = rt.reap_orphans(&|o| *o == alive, &none).unwrap();
    assert_eq!(reaped.len(), 1, "{reaped:?}");
    assert_eq!(containers(&rt).len(), 1);
    assert!(!rt.ready(dead_port));
    assert!(rt.ready(live_port));
    assert!(matches!(
        rt.connections(dead_port, &none),
        Err(RuntimeError::NoServer { .. } | RuntimeError::Tool { .. })
    ));
    rt.stop(&live, &none).unwrap();
    assert!(containers(&rt).is_empty());
}

#[test]
fn a_server_that_cannot_start_fails_with_its_log_and_leaves_nothing() {
    let Some(rt) = runtime("fail") else { return };
    let _cleanup = Cleanup(&rt);
    let none = Interrupt::none();
    let dir = scratch();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let port = sqlrs_runtime::NativeRuntime::free_port().unwrap();
    let started = Instant::now();
    let err = rt
        .start(&empty, port, &Owner::Job("j".into()), &none)
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    match &err {
        RuntimeError::NotReady { log, .. } => assert!(log.contains("pgdata"), "{log}"),
        other => panic!("expected NotReady, got {other:?}"),
    }
    assert!(containers(&rt).is_empty());
    // Stopping what never ran: no container and no postmaster.pid is a stopped server.
    rt.stop(&empty, &none).unwrap();
}

#[test]
fn a_missing_image_is_named_and_never_pulled() {
    let Some(rt) = runtime("noimage") else { return };
    let mut config = rt.config().clone();
    config.image = "sqlrs/no-such-image:0".into();
    let missing = DockerRuntime::new(config);
    let err = missing.server_version(&Interrupt::none()).unwrap_err();
    assert!(matches!(err, RuntimeError::NoImage { .. }), "{err:?}");
    let dir = scratch();
    let err = missing
        .init_base(&dir.path().join("base"), &Interrupt::none())
        .unwrap_err();
    assert!(matches!(err, RuntimeError::NoImage { .. }), "{err:?}");
}
