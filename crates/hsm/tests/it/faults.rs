//! Fault injection: each execution step of sync fails in turn (a scripted fake uv, immutable
//! files, signals) and every file hsm touched must be byte-identical afterwards; two writers
//! never interleave.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use infra_testkit::{
    FakeTool, Signal, process_is_running, read_pid_file, signal_process, wait_for,
};

use crate::common::*;

/// A fake `uv` in `dir` that scribbles over uv.lock (as a real one would), then runs `body`
/// (fake-tool script lines).
fn fake_uv(dir: &Path, body: &str) -> PathBuf {
    let script =
        format!("stderr fake uv: resolving\nwrite uv.lock version = 999 # scribbled\n{body}\n");
    FakeTool::new(env!("CARGO_BIN_EXE_hsm-fake-tool")).install(dir, "uv", &script)
}

/// A project with a synced state (so every artifact exists) and then a change pending.
fn synced_project_with_change(s: &Scratch) -> PathBuf {
    let dir = s.project("hybrid-stack");
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

fn tools_dir(s: &Scratch) -> PathBuf {
    let d = s.kit.child("tools");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn failing_uv_restores_every_file_and_shows_its_output() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let uv = fake_uv(&tools_dir(&s), "stderr error: no solution found\nexit 1");
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(s.hsm(&dir).arg("sync").arg("--uv").arg(&uv)), 1);
    assert!(
        err.contains("sync` failed; every file hsm touched was restored"),
        "{err}"
    );
    assert!(
        err.contains("│ error: no solution found"),
        "the tool's output is shown:\n{err}"
    );
    unchanged(&before, &dir);
}

#[test]
fn failing_uv_on_a_fresh_project_removes_what_it_created() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let uv = fake_uv(&tools_dir(&s), "exit 2");
    let before = snapshot_tree(&dir);
    fails_with(
        &run(s.hsm(&dir).args(["sync", "-q"]).arg("--uv").arg(&uv)),
        1,
    );
    unchanged(&before, &dir);
}

#[test]
fn an_hsm_dir_that_is_not_a_directory_is_refused_before_anything_is_written() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    std::fs::write(dir.join(".hsm"), "not a directory").unwrap();
    let uv = fake_uv(&tools_dir(&s), "exit 0");
    let before = snapshot_tree(&dir);
    let err = fails_with(&run(s.hsm(&dir).arg("sync").arg("--uv").arg(&uv)), 3);
    assert!(err.contains("`.hsm` is not a directory"), "{err}");
    unchanged(&before, &dir);
}

#[test]
fn a_symlinked_hsm_dir_is_refused_and_its_target_untouched() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let elsewhere = s.path().join("monorepo-root");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join(".hsm")).unwrap();
    let uv = fake_uv(&tools_dir(&s), "exit 0");
    let before = snapshot_tree(s.path());
    let err = fails_with(&run(s.hsm(&dir).arg("sync").arg("--uv").arg(&uv)), 3);
    assert!(err.contains("`.hsm` is a symbolic link"), "{err}");
    unchanged(&before, &s.path());
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn failing_clone_on_demand_removes_the_partial_clone() {
    let s = Scratch::examples();
    s.write(
        "registry/packages/cloned.yaml",
        "name: cloned\nsources:\n  dev:\n    type: local\n    path: ../../packages/cloned\n    git: {url: \"file:///nonexistent/repo.git\"}\n",
    );
    let dir = s.path().join("projects/clone");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages:\n  - cloned: dev\n",
    )
    .unwrap();
    let before = snapshot_tree(s.path());
    let err = fails_with(&run(s.hsm(&dir).arg("sync")), 1);
    assert!(
        err.contains("git clone into ../../packages/cloned failed"),
        "{err}"
    );
    unchanged(&before, &s.path());
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
        let uv = fake_uv(&tools_dir(&s), "exit 0");
        let before = snapshot_tree(&dir);
        let err = {
            let _guard = Immutable::new(dir.join(target));
            fails_with(&run(s.hsm(&dir).arg("sync").arg("--uv").arg(&uv)), 1)
        };
        assert!(
            err.contains(&format!(
                "write {target} failed; every file hsm touched was restored"
            )),
            "{target}:\n{err}"
        );
        unchanged(&before, &dir);
    }
}

/// Sends `signal` to hsm alone (not its process group) while the fake uv runs with a
/// grandchild (a build backend): hsm exits 128+signal, the tool *and its grandchild* stop,
/// and every file is byte-identical afterwards.
fn interrupted_mid_sync(signal: Signal, code: i32) {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let tools = tools_dir(&s);
    let backend = tools.join("backend.pid");
    let finished = tools.join("uv-finished");
    let uv = fake_uv(
        &tools,
        &format!(
            "spawn-sleeper {} 30\nsleep 30\nwrite {} done",
            backend.display(),
            finished.display()
        ),
    );
    let before = snapshot_tree(&dir);
    let mut child = s
        .hsm(&dir)
        .args(["sync", "-q"])
        .arg("--uv")
        .arg(&uv)
        .spawn();
    wait_for("the fake build backend", Duration::from_secs(20), || {
        backend.exists()
    });
    let grandchild = read_pid_file(&backend);
    let start = Instant::now();
    signal_process(child.id(), signal);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code), "exit 128+signal");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "hsm stopped promptly"
    );
    wait_for("the build backend to stop", Duration::from_secs(10), || {
        !process_is_running(grandchild)
    });
    assert!(!finished.exists(), "the tool was stopped too");
    unchanged(&before, &dir);
}

#[test]
fn sigterm_mid_sync_stops_the_tool_and_its_children_and_restores_every_file() {
    interrupted_mid_sync(Signal::TERM, 143);
}

#[test]
fn sigint_mid_sync_restores_every_file() {
    interrupted_mid_sync(Signal::INT, 130);
}

#[test]
fn a_closed_terminal_mid_sync_restores_every_file() {
    interrupted_mid_sync(Signal::HUP, 129);
}

#[test]
fn ctrl_backslash_mid_sync_restores_every_file() {
    interrupted_mid_sync(Signal::QUIT, 131);
}

#[test]
fn an_edit_waits_for_a_running_sync_and_its_rollback_cannot_undo_the_edit() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let tools = tools_dir(&s);
    let started = tools.join("started");
    let uv = fake_uv(
        &tools,
        &format!(
            "write {} 1\nsleep 3\nstderr failing on purpose\nexit 1",
            started.display()
        ),
    );
    let mut sync = s.hsm(&dir).arg("sync").arg("--uv").arg(&uv).spawn();
    wait_for("the sync to run uv", Duration::from_secs(20), || {
        started.exists()
    });
    let edit = run(s.hsm(&dir).args(["mode", "--all", "dev"]));
    let sync_status = sync.wait().unwrap();
    assert_eq!(
        sync_status.code(),
        Some(1),
        "the sync failed and rolled back"
    );
    let err = edit.stderr.clone();
    ok(&edit);
    assert!(
        err.contains("another hsm process is changing this project; waiting"),
        "{err}"
    );
    let manifest = read(&dir.join("hsm.yaml"));
    assert!(
        manifest.contains("mode: dev"),
        "the edit survived the rollback:\n{manifest}"
    );
}

#[test]
fn a_sync_waits_for_the_lock_and_then_runs() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    require("flock");
    let mut holder = std::process::Command::new("flock")
        .arg(&dir)
        .args(["sleep", "2"])
        .spawn()
        .unwrap();
    wait_for(
        "the holder to take the lock",
        Duration::from_secs(20),
        || {
            !std::process::Command::new("flock")
                .args(["-n"])
                .arg(&dir)
                .arg("true")
                .status()
                .unwrap()
                .success()
        },
    );
    let out = run(s.hsm(&dir).args(["sync"]).arg("--uv").arg("true"));
    let _ = holder.wait();
    ok(&out);
    assert!(
        out.stderr.contains("waiting for it to finish"),
        "{}",
        out.render()
    );
}

#[test]
fn missing_uv_is_explained_and_nothing_changes() {
    let s = Scratch::examples();
    let dir = synced_project_with_change(&s);
    let before = snapshot_tree(&dir);
    let err = fails_with(
        &run(s.hsm(&dir).args(["sync", "--uv", "/nonexistent/uv"])),
        1,
    );
    assert!(err.contains("`/nonexistent/uv` was not found"), "{err}");
    assert!(err.contains("pip install uv"), "{err}");
    unchanged(&before, &dir);
}
