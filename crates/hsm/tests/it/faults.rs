//! Fault injection: each execution step of sync fails in turn and every file hsm touched
//! must be byte-identical afterwards (pyproject.toml, uv.lock, the compose file, .hsm/*).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// A fake `uv` that scribbles over uv.lock (as a real one would) and then fails or hangs.
fn fake_uv(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("fake-uv");
    std::fs::write(&p, format!("#!/bin/sh\necho 'fake uv: resolving' >&2\necho 'version = 999 # scribbled' > uv.lock\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A project with a synced state (so every artifact exists) and then a change pending.
fn synced_project_with_change(s: &Scratch) -> PathBuf {
    let dir = s.project("hybrid-stack");
    // Pre-existing state written by hand so no real uv is needed here.
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\"requests\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("uv.lock"), "version = 1\n# the user's lock\n").unwrap();
    std::fs::write(
        dir.join("docker-compose.hsm.yml"),
        "# an older generated file\nservices: {}\n",
    )
    .unwrap();
    dir
}

#[track_caller]
fn assert_identical(before: &std::collections::BTreeMap<PathBuf, (Vec<u8>, u32)>, dir: &Path) {
    let after = snapshot_tree(dir);
    for (k, v) in before {
        match after.get(k) {
            None => panic!("{} disappeared", k.display()),
            Some(a) if a != v => panic!(
                "{} changed:\n--- before\n{}\n--- after\n{}",
                k.display(),
                String::from_utf8_lossy(&v.0),
                String::from_utf8_lossy(&a.0)
            ),
            _ => {}
        }
    }
    let extra: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(extra.is_empty(), "left behind: {extra:?}");
}

#[test]
fn failing_uv_restores_every_file() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let uv = fake_uv(s.path(), "echo 'error: no solution found' >&2\nexit 1");
    let before = snapshot_tree(&dir);
    let out = run(hsm(&dir).arg("sync").env("HSM_UV", &uv));
    let err = fails_with(&out, 1);
    assert!(
        err.contains("`uv sync` failed; every file hsm touched was restored"),
        "{err}"
    );
    assert!(
        err.contains("no solution found"),
        "the tool's output is shown:\n{err}"
    );
    assert_identical(&before, &dir);
}

#[test]
fn failing_uv_on_a_fresh_project_removes_what_it_created() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let uv = fake_uv(s.path(), "exit 2");
    let before = snapshot_tree(&dir);
    fails_with(&run(hsm(&dir).args(["sync", "-q"]).env("HSM_UV", &uv)), 1);
    assert_identical(&before, &dir);
    assert!(
        !dir.join(".hsm").exists()
            && !dir.join("pyproject.toml").exists()
            && !dir.join("uv.lock").exists()
    );
}

#[test]
fn unwritable_target_restores_every_file() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    // `.hsm` is a regular file, so writing `.hsm/env` fails after pyproject.toml and the
    // compose file were already replaced.
    std::fs::write(dir.join(".hsm"), "not a directory").unwrap();
    let uv = fake_uv(s.path(), "exit 0");
    let before = snapshot_tree(&dir);
    let out = run(hsm(&dir).arg("sync").env("HSM_UV", &uv));
    let err = fails_with(&out, 1);
    assert!(err.contains("write .hsm/"), "names the failed step:\n{err}");
    assert_identical(&before, &dir);
}

#[test]
fn failing_clone_on_demand_removes_the_partial_clone() {
    let s = Scratch::examples();
    s.write("registry/packages/cloned.yaml", "name: cloned\nsources:\n  dev:\n    type: local\n    path: ../../packages/cloned\n    git: {url: \"file:///nonexistent/repo.git\"}\n");
    let dir = s.path().join("projects/clone");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages:\n  - cloned: dev\n",
    )
    .unwrap();
    let before = snapshot_tree(s.path());
    let err = fails_with(&run(hsm(&dir).arg("sync")), 1);
    assert!(
        err.contains("git clone into ../../packages/cloned failed"),
        "{err}"
    );
    assert_identical(&before, s.path());
}

/// `chattr +i` makes a file immutable even for root: writing (renaming over) it fails.
struct Immutable(PathBuf);

impl Immutable {
    fn new(path: PathBuf) -> Self {
        let ok = std::process::Command::new(require("chattr"))
            .arg("+i")
            .arg(&path)
            .status()
            .unwrap();
        assert!(ok.success(), "chattr +i {}", path.display());
        Self(path)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn each_write_step_failing_restores_every_file() {
    for target in ["pyproject.toml", "docker-compose.hsm.yml", ".hsm/env"] {
        let s = Scratch::examples();
        let dir = synced_project_with_change(&s);
        std::fs::create_dir_all(dir.join(".hsm")).unwrap();
        std::fs::write(dir.join(".hsm/env"), "OLD=1\n").unwrap();
        let uv = fake_uv(s.path(), "exit 0");
        let before = snapshot_tree(&dir);
        let err = {
            let _guard = Immutable::new(dir.join(target));
            fails_with(&run(hsm(&dir).arg("sync").env("HSM_UV", &uv)), 1)
        };
        assert!(
            err.contains(&format!(
                "write {target} failed; every file hsm touched was restored"
            )),
            "{target}:\n{err}"
        );
        assert_identical(&before, &dir);
    }
}

/// Sends `signal` to hsm while (fake) uv runs: hsm exits 128+signal, stops the tool, and
/// every file is byte-identical afterwards.
fn interrupted_mid_sync(signal: &str, code: i32) {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let marker = s.path().join("uv-started");
    let finished = s.path().join("uv-finished");
    let uv = fake_uv(
        s.path(),
        &format!(
            "touch {}\nsleep 30\ntouch {}",
            marker.display(),
            finished.display()
        ),
    );
    let before = snapshot_tree(&dir);
    let mut child = hsm(&dir)
        .args(["sync", "-q"])
        .env("HSM_UV", &uv)
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "fake uv never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let k = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(k.success());
    assert_eq!(
        child.wait().unwrap().code(),
        Some(code),
        "exit 128+SIG{signal}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "hsm stopped promptly"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(!finished.exists(), "the tool was stopped too");
    assert_identical(&before, &dir);
}

#[test]
fn sigterm_mid_sync_restores_every_file_and_stops_the_tool() {
    interrupted_mid_sync("TERM", 143);
}

#[test]
fn sigint_mid_sync_restores_every_file() {
    interrupted_mid_sync("INT", 130);
}

#[test]
fn a_second_sync_in_the_same_project_is_refused_while_one_runs() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    // The lock holder is `sleep` itself (exec), so killing it releases the lock.
    require("flock");
    let mut holder = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec 9<'{}'; flock 9 && exec sleep 30",
            dir.join("hsm.yaml").display()
        ))
        .spawn()
        .unwrap();
    // Wait until the lock is really held (`flock -n` fails then).
    let start = Instant::now();
    while std::process::Command::new("flock")
        .args(["-n"])
        .arg(dir.join("hsm.yaml"))
        .arg("true")
        .status()
        .unwrap()
        .success()
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the holder never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(hsm(&dir).arg("sync").env("HSM_UV", "true")), 1);
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(
        err.contains("another hsm process is changing this project"),
        "{err}"
    );
    assert_identical(&before, &dir);
    ok(&run(hsm(&dir).args(["sync", "-q"]).env("HSM_UV", "true")));
}

#[test]
fn missing_uv_is_explained_and_nothing_changes() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let before = snapshot_tree(&dir);
    let err = fails_with(
        &run(hsm(&dir).arg("sync").env("HSM_UV", "/nonexistent/uv")),
        1,
    );
    assert!(err.contains("`/nonexistent/uv` was not found"), "{err}");
    assert!(err.contains("pip install uv"), "{err}");
    assert_identical(&before, &dir);
}
