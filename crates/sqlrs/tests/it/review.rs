//! Regression tests for the hostile review of sqlrs (issue 7): each names its finding.

use std::os::unix::fs::PermissionsExt as _;

use crate::common::{Env, pg};

/// Finding 4: psql's `-h` after the command was taken for `--help` (exit 0, no DSN).
#[test]
fn dash_h_after_a_command_is_psqls_host_and_refused() {
    let env = Env::new();
    let t = env.run(&["prepare:psql", "-h", "elsewhere", "-c", "select 1"]);
    assert!(
        t.failure(3).contains("`-h` is not accepted"),
        "{}",
        t.render()
    );
    let t = env.run(&["prepare:psql", "--help"]);
    assert!(
        t.success().contains("Usage: sqlrs prepare:psql"),
        "{}",
        t.render()
    );
}

/// Finding 2: `-f /dev/zero` grew the engine until the OOM killer came; a FIFO hung.
#[test]
fn devices_fifos_and_directories_are_refused_as_scripts() {
    if !pg() {
        return;
    }
    let env = Env::new();
    let fifo = env.work.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (arg, says) in [
        ("/dev/zero", "not a regular file"),
        ("fifo", "not a regular file"),
        ("/tmp", "a directory"),
    ] {
        let t = env.run(&["plan:psql", "-f", arg]);
        assert!(t.failure(3).contains(says), "{arg}:\n{}", t.render());
    }
    assert!(
        env.run(&["--json", "status"]).json()["ok"]
            .as_bool()
            .unwrap(),
        "the engine is fine"
    );
}

/// Finding 3: a store the server's user cannot reach failed in initdb with no reason.
#[test]
fn a_store_the_server_user_cannot_reach_is_named_before_anything_runs() {
    let root =
        std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if !pg() || !root.unwrap_or(false) {
        return;
    }
    let env = Env::new();
    let closed = env.scratch.path().join("closed");
    std::fs::create_dir(&closed).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
    let store = closed.join("store");
    let t = env.run(&["--store", store.to_str().unwrap(), "status"]);
    let err = t.failure(1);
    assert!(
        err.contains("not reachable by the user PostgreSQL runs as") && err.contains("chmod o+x"),
        "{}",
        t.render()
    );
}

/// Finding 5: Ctrl-C of a prepare left the job running and an instance behind.
#[test]
fn ctrl_c_of_a_prepare_cancels_its_job_and_leaves_no_instance() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("slow.sql", "select pg_sleep(20);\n");
    env.run(&["status"]).success();
    let mut c = env.cmd();
    c.args(["prepare:psql", "-f", "slow.sql"]);
    let child = c.spawn();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let jobs = env.run(&["--json", "ls", "-j"]).json();
        if jobs["jobs"][0]["status"] == "running" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the job never ran");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cancelled job"), "{err}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let jobs = env.run(&["--json", "ls", "-j", "-i"]).json();
        if jobs["jobs"][0]["status"] == "failed" {
            assert!(jobs["instances"].as_array().unwrap().is_empty(), "{jobs}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the job was not cancelled: {jobs}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Finding 12: `-v` values (passwords, say) were listed by `ls`.
#[test]
fn variable_values_are_not_listed() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.run(&[
        "prepare:psql",
        "--",
        "-v",
        "pw=hunter2",
        "-c",
        "select :'pw'",
    ])
    .success();
    let ls = env.run(&["ls", "-s", "-t"]);
    assert!(
        !ls.success().contains("hunter2") && ls.stdout.contains("pw=…"),
        "{}",
        ls.render()
    );
}
