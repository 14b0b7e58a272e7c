//! The fake tool as a product's test sees it: a real process started by path or from PATH,
//! reading the script beside it, and a sleeper that signals to the process group reach.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use infra_testkit::{
    FakeTool, Scratch, Signal, TestCommand, fake::SCRIPT_VAR, process_is_running, read_pid_file,
    signal_group, wait_for,
};

fn fake() -> FakeTool {
    FakeTool::new(env!("CARGO_BIN_EXE_infra-fake-tool"))
}

fn run(s: &Scratch, program: impl AsRef<std::ffi::OsStr>) -> TestCommand {
    let mut c = TestCommand::new(program, s.child("env"));
    c.current_dir(s.path())
        .filter_path(s.path(), "[TMP]")
        .timeout(Duration::from_secs(60));
    c
}

#[test]
fn an_installed_fake_plays_its_script() {
    let s = Scratch::new();
    let uv = fake().install(
        s.child("bin"),
        "uv",
        "# a failing uv\nstdout resolving\nwrite uv.lock version = 999\nstderr error: no solution found\nexit 1\nstdout never\n",
    );
    let t = run(&s, &uv).arg("sync").output();
    assert_eq!(
        t.render(),
        "exit: 1\n--- stdout\nresolving\n--- stderr\nerror: no solution found\n"
    );
    assert_eq!(s.read("uv.lock"), "version = 999\n");
}

#[test]
fn a_fake_found_on_path_reads_the_script_beside_it() {
    let s = Scratch::new();
    fake().install(s.child("bin"), "uv", "stdout i am uv\nargs-to uv-args\n");
    fake().install(s.child("bin"), "docker", "stdout i am docker\n");
    let t = run(&s, "uv")
        .prepend_path(s.child("bin"))
        .args(["pip", "install", "two words"])
        .output();
    assert_eq!(t.success(), "i am uv\n");
    assert_eq!(s.read("uv-args"), "pip\ninstall\ntwo words\n");
    let t = run(&s, "/bin/sh")
        .prepend_path(s.child("bin"))
        .args(["-c", "docker; uv"])
        .output();
    assert_eq!(t.success(), "i am docker\ni am uv\n");
}

#[test]
fn the_script_variable_overrides_the_file_beside() {
    let s = Scratch::new();
    let uv = fake().install(s.child("bin"), "uv", "stdout beside\n");
    let script = s.write("other.script", "stdout from the variable\n");
    let t = run(&s, &uv).env(SCRIPT_VAR, &script).output();
    assert_eq!(t.success(), "from the variable\n");
}

#[test]
fn env_and_stdin_reach_the_fake() {
    let s = Scratch::new();
    let tool = fake().install(
        s.child("bin"),
        "tool",
        "env-to env.txt HOME UV_CACHE_DIR VIRTUAL_ENV\nstdin-to in\n",
    );
    run(&s, &tool)
        .env("UV_CACHE_DIR", "/cache")
        .stdin("piped\n")
        .output()
        .success();
    let home = s.child("env/home");
    assert_eq!(
        s.read("env.txt"),
        format!(
            "HOME={}\nUV_CACHE_DIR=/cache\nVIRTUAL_ENV (unset)\n",
            home.display()
        )
    );
    assert_eq!(s.read("in"), "piped\n");
}

#[test]
fn a_bad_script_exits_99_before_doing_anything() {
    let s = Scratch::new();
    let tool = fake().install(s.child("bin"), "tool", "write touched x\nfrobnicate\n");
    let t = run(&s, &tool).output();
    assert_eq!(
        t.render(),
        "exit: 99\n--- stderr\nfake tool: [TMP]/bin/tool.script: line 2: unknown action `frobnicate`: frobnicate\n"
    );
    assert!(!s.child("touched").exists());
}

#[test]
fn a_missing_script_exits_99() {
    let s = Scratch::new();
    let tool = fake().install(s.child("bin"), "tool", "");
    std::fs::remove_file(FakeTool::script_path(&tool)).unwrap();
    let t = run(&s, &tool).output();
    assert_eq!(t.code, Some(99));
    assert!(
        t.filtered_stderr()
            .starts_with("fake tool: no script found (tried: [TMP]/bin/tool.script"),
        "{}",
        t.render()
    );
}

#[test]
fn a_group_signal_stops_the_fake_and_its_sleeper() {
    let s = Scratch::new();
    let tool = fake().install(
        s.child("bin"),
        "tool",
        "spawn-sleeper sleeper.pid 60\nwrite ready\nsleep 60\n",
    );
    let mut cmd = run(&s, &tool);
    let child = cmd.new_process_group().spawn();
    wait_for("the fake to be ready", Duration::from_secs(20), || {
        s.child("ready").exists()
    });
    let sleeper = read_pid_file(s.child("sleeper.pid"));
    assert!(process_is_running(sleeper));
    signal_group(child.id(), Signal::TERM);
    let out = child.wait_with_output().unwrap();
    let t = infra_testkit::Transcript::from_output(&out, cmd.current_filters().clone());
    assert_eq!(t.render(), "exit: signal 15\n");
    wait_for("the sleeper to stop", Duration::from_secs(20), || {
        !process_is_running(sleeper)
    });
}

#[test]
fn a_timeout_kills_the_whole_group() {
    let s = Scratch::new();
    let tool = fake().install(
        s.child("bin"),
        "tool",
        "spawn-sleeper sleeper.pid 60\nstdout waiting\nsleep 60\n",
    );
    let mut cmd = run(&s, &tool);
    cmd.new_process_group().timeout(Duration::from_secs(2));
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cmd.output()))
        .unwrap_err()
        .downcast::<String>()
        .unwrap();
    assert!(
        panic.contains("did not finish within 2s; killed it. Output so far:\nexit: unknown\n--- stdout\nwaiting\n"),
        "{panic}"
    );
    let sleeper = read_pid_file(s.child("sleeper.pid"));
    wait_for("the sleeper to stop", Duration::from_secs(20), || {
        !process_is_running(sleeper)
    });
}
