//! Regressions for defects found in review that need a scripted fake tool (a slow or
//! interrupted uv, a Compose that records its arguments); numbered as in the review.

use std::path::{Path, PathBuf};
use std::time::Duration;

use infra_testkit::{FakeTool, wait_for};

use crate::common::*;

/// The fake tool installed as `dir/name` with `script`.
fn fake(dir: &Path, name: &str, script: &str) -> PathBuf {
    FakeTool::new(env!("CARGO_BIN_EXE_hsm-fake-tool")).install(dir, name, script)
}

/// hybrid-stack, synced once (every artifact exists).
fn synced(s: &Scratch) -> PathBuf {
    let dir = s.project("hybrid-stack");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    dir
}

/// Runs `hsm package add gunicorn` while a sync runs a fake uv that signals it started,
/// sleeps and exits with `code`; returns the edit's transcript and the sync's exit code.
fn add_during_sync(s: &Scratch, dir: &Path, code: i32) -> (Transcript, Option<i32>) {
    let tools = s.kit.child("tools");
    let started = tools.join("started");
    let uv = fake(
        &tools,
        "uv",
        &format!(
            "write {} 1\nsleep 3\nstderr fake uv done\nexit {code}",
            started.display()
        ),
    );
    let mut sync = s.hsm(dir).arg("sync").arg("--uv").arg(&uv).spawn();
    wait_for("the sync to run uv", Duration::from_secs(20), || {
        started.exists()
    });
    let edit = run(s.hsm(dir).args(["package", "add", "gunicorn"]));
    let status = sync.wait().unwrap();
    (edit, status.code())
}

// 1 ────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d01_a_package_add_waits_for_a_failing_sync_and_survives_its_rollback() {
    let s = Scratch::examples();
    let dir = synced(&s);
    let pyproject = read(&dir.join("pyproject.toml"));
    let (edit, sync) = add_during_sync(&s, &dir, 1);
    assert_eq!(sync, Some(1), "the sync failed and rolled back");
    ok(&edit);
    assert!(
        edit.stderr
            .contains("another hsm process is changing this project; waiting"),
        "{}",
        edit.render()
    );
    assert!(read(&dir.join("hsm.yaml")).contains("  - gunicorn\n"));
    assert_eq!(pyproject, read(&dir.join("pyproject.toml")), "rolled back");
    let plan = ok(&run(s.hsm(&dir).arg("plan")));
    assert!(
        plan.contains("+dependencies = [\"gunicorn>=22\", "),
        "{plan}"
    );
}

#[test]
fn d01_a_package_add_waits_for_a_successful_sync_and_lands_after_it() {
    let s = Scratch::examples();
    let dir = synced(&s);
    let (edit, sync) = add_during_sync(&s, &dir, 0);
    assert_eq!(sync, Some(0));
    ok(&edit);
    assert!(
        edit.stderr
            .contains("another hsm process is changing this project; waiting"),
        "{}",
        edit.render()
    );
    assert!(read(&dir.join("hsm.yaml")).contains("  - gunicorn\n"));
    assert!(!read(&dir.join("pyproject.toml")).contains("gunicorn"));
    std::fs::write(dir.join("uv.lock"), "").unwrap();
    let t = run(s.hsm(&dir).args(["status", "--uv", "true"]));
    let err = fails_with(&t, 1);
    assert!(
        err.contains("pyproject.toml differs from what hsm.yaml asks for"),
        "{err}"
    );
}

// 17 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d17_a_compose_command_is_split_with_shell_quoting() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let tools = s.path().join("dir with space");
    let argv = s.kit.child("argv");
    let compose = fake(&tools, "compose", &format!("args-to {}", argv.display()));
    let quoted = format!("'{}' -p 'my proj'", compose.display());
    let t = run(s
        .hsm(&dir)
        .args(["ps", "--compose-command", &quoted, "--", "--all"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 0
    --- stderr
    $ '[TMP]/dir with space/compose' -p 'my proj' -f docker-compose.yml -f docker-compose.hsm.yml --env-file .hsm/env --profile postgres ps --all
    ");
    insta::assert_snapshot!(read(&argv), @r"
    -p
    my proj
    -f
    docker-compose.yml
    -f
    docker-compose.hsm.yml
    --env-file
    .hsm/env
    --profile
    postgres
    ps
    --all
    ");
    let manifest = format!(
        "{}compose:\n  command: \"\\\"{}\\\" -p x\"\n",
        read(&dir.join("hsm.yaml")),
        compose.display()
    );
    std::fs::write(dir.join("hsm.yaml"), manifest).unwrap();
    ok(&run(s.hsm(&dir).arg("ps")));
    assert!(read(&argv).starts_with("-p\nx\n-f\n"), "{}", read(&argv));
}

// 19 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d19_an_install_after_an_interrupted_sync_says_it_synced() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let tools = s.kit.child("tools");
    let (started, finished) = (tools.join("started"), tools.join("finished"));
    let uv = fake(
        &tools,
        "uv",
        &format!(
            "write {} 1\nsleep 2\nwrite {} 1\nexit 1",
            started.display(),
            finished.display()
        ),
    );
    let mut first = s.hsm(&dir).arg("sync").arg("--uv").arg(&uv).spawn();
    wait_for("the sync to run uv", Duration::from_secs(20), || {
        started.exists()
    });
    // Killed outright: no rollback, the files are written, nothing was installed.
    first.kill().unwrap();
    first.wait().unwrap();
    wait_for(
        "the orphaned fake uv to end",
        Duration::from_secs(20),
        || finished.exists(),
    );
    FakeTool::set_script(
        &uv,
        "stderr Resolved 3 packages in 1ms\nstderr Installed 1 package in 2ms",
    );
    let t = run(s.hsm(&dir).arg("sync").arg("--uv").arg(&uv));
    insta::assert_snapshot!(t.render(), @r"
    exit: 0
    --- stderr
      uv │ Resolved 3 packages in 1ms
      uv │ Installed 1 package in 2ms
    ✓ Synced 3 packages, 2 containers (uv updated the environment)
    ");
}
