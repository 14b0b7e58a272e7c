//! Running the binary under test in a clean, predictable environment.
//!
//! A test that inherits the developer's environment passes or fails depending on their shell
//! profile: a configured registry, a `VIRTUAL_ENV`, colours, a locale, a config file in
//! `~/.config`. [`TestCommand`] starts from an empty environment and sets only what a program
//! needs to behave like a user ran it: the inherited `PATH`, a fresh `HOME`, the XDG
//! directories and `TMPDIR` under a directory the test owns, `LANG=C.UTF-8` and
//! `NO_COLOR=1`. Anything else the test must name explicitly ([`TestCommand::env`],
//! [`TestCommand::pass_env`]), so every input is visible in the test.
//!
//! [`TestCommand::output`] never panics on a non-zero exit — the exit code is part of the
//! [`Transcript`] that the test asserts on — but it does panic when the program cannot be
//! started or outlives its [`timeout`](TestCommand::timeout).

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::{Filters, Transcript};

/// The directories [`TestCommand::new`] creates under its `env_root`, with the variable that
/// points at each and the label the default filters give it.
const ENV_DIRS: [(&str, &str, &str); 6] = [
    ("HOME", "home", "[HOME]"),
    ("XDG_CONFIG_HOME", "xdg/config", "[XDG_CONFIG_HOME]"),
    ("XDG_DATA_HOME", "xdg/data", "[XDG_DATA_HOME]"),
    ("XDG_STATE_HOME", "xdg/state", "[XDG_STATE_HOME]"),
    ("XDG_CACHE_HOME", "xdg/cache", "[XDG_CACHE_HOME]"),
    ("TMPDIR", "tmp", "[TMPDIR]"),
];

/// The program under test with a clean environment (see [`TestCommand::new`]); a builder
/// like [`std::process::Command`] whose [`output`](Self::output) is a [`Transcript`].
#[derive(Debug)]
pub struct TestCommand {
    cmd: Command,
    env_root: PathBuf,
    stdin: Option<Vec<u8>>,
    timeout: Option<Duration>,
    own_group: bool,
    filters: Filters,
}

impl TestCommand {
    /// `program` with an empty environment except `PATH` (inherited), `LANG=C.UTF-8`,
    /// `NO_COLOR=1`, and `HOME=<env_root>/home`, `XDG_CONFIG_HOME=<env_root>/xdg/config`,
    /// `XDG_DATA_HOME=<env_root>/xdg/data`, `XDG_STATE_HOME=<env_root>/xdg/state`,
    /// `XDG_CACHE_HOME=<env_root>/xdg/cache`, `TMPDIR=<env_root>/tmp` — all created.
    ///
    /// The default filters show those directories as `[HOME]`, `[XDG_CONFIG_HOME]`, …,
    /// `[TMPDIR]`. Give a directory the test does not snapshot (e.g. `scratch.child("env")`
    /// beside the project copy), so the created directories do not show up in tree snapshots.
    #[track_caller]
    pub fn new(program: impl AsRef<OsStr>, env_root: impl AsRef<Path>) -> Self {
        let env_root = env_root.as_ref().to_path_buf();
        let mut cmd = Command::new(program);
        cmd.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd.env("LANG", "C.UTF-8").env("NO_COLOR", "1");
        let mut filters = Filters::new();
        for (var, rel, label) in ENV_DIRS {
            let dir = env_root.join(rel);
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
            cmd.env(var, &dir);
            filters = filters.path(&dir, label);
        }
        Self {
            cmd,
            env_root,
            stdin: None,
            timeout: None,
            own_group: false,
            filters,
        }
    }

    /// The directory holding `HOME`, the XDG directories and `TMPDIR`.
    pub fn env_root(&self) -> &Path {
        &self.env_root
    }

    /// The `HOME` the program sees.
    pub fn home(&self) -> PathBuf {
        self.env_root.join("home")
    }

    /// Adds an argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Sets the working directory.
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Sets an environment variable.
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env(key, value);
        self
    }

    /// Removes an environment variable (including one of the defaults).
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env_remove(key);
        self
    }

    /// Copies `name` from the test process's environment when it is set there (e.g.
    /// `UV_CACHE_DIR`, so real-tool tests share a warm cache); does nothing otherwise.
    pub fn pass_env(&mut self, name: impl AsRef<OsStr>) -> &mut Self {
        let name = name.as_ref();
        if let Some(v) = std::env::var_os(name) {
            self.cmd.env(name, v);
        }
        self
    }

    /// Puts `dir` in front of `PATH` — where a test installs fake tools.
    pub fn prepend_path(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        let current = self
            .cmd
            .get_envs()
            .find(|(k, _)| *k == "PATH")
            .and_then(|(_, v)| v.map(OsStr::to_os_string));
        let mut dirs = vec![dir.as_ref().to_path_buf()];
        if let Some(current) = current {
            dirs.extend(std::env::split_paths(&current));
        }
        let joined = std::env::join_paths(dirs)
            .unwrap_or_else(|e| panic!("PATH entry {}: {e}", dir.as_ref().display()));
        self.cmd.env("PATH", joined);
        self
    }

    /// Bytes for the program's stdin (without this, stdin is `/dev/null`).
    pub fn stdin(&mut self, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// Kills the program (its whole process group after [`new_process_group`]) and fails the
    /// test if it has not finished after `timeout`. Without one, [`output`] waits forever.
    ///
    /// [`new_process_group`]: Self::new_process_group
    /// [`output`]: Self::output
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = Some(timeout);
        self
    }

    /// Starts the program as the leader of a new process group (group id = its pid), as a
    /// shell does for a foreground job: a signal sent to the group reaches it and every
    /// child it started, like Ctrl-C in a terminal. See [`crate::signal_group`].
    pub fn new_process_group(&mut self) -> &mut Self {
        self.cmd.process_group(0);
        self.own_group = true;
        self
    }

    /// Adds filters for the [`Transcript`] (after the defaults).
    pub fn filters(&mut self, filters: &Filters) -> &mut Self {
        self.filters = std::mem::take(&mut self.filters).extend(filters);
        self
    }

    /// Shorthand for `filters(&Filters::new().path(path, label))`.
    pub fn filter_path(&mut self, path: impl AsRef<Path>, label: &str) -> &mut Self {
        self.filters = std::mem::take(&mut self.filters).path(path, label);
        self
    }

    /// The filters the transcript will carry.
    pub fn current_filters(&self) -> &Filters {
        &self.filters
    }

    /// The underlying command, for what this builder does not cover.
    pub fn command_mut(&mut self) -> &mut Command {
        &mut self.cmd
    }

    /// Runs the program to completion and returns what it did. Panics only when it cannot
    /// be started or exceeds the [timeout](Self::timeout).
    #[track_caller]
    pub fn output(&mut self) -> Transcript {
        let mut child = self.spawn();
        let pid = child.id();
        let out = collect(child.stdout.take());
        let err = collect(child.stderr.take());
        let status = match self.timeout {
            None => child
                .wait()
                .unwrap_or_else(|e| panic!("wait for {}: {e}", self.describe())),
            Some(limit) => {
                let deadline = Instant::now() + limit;
                loop {
                    match child.try_wait() {
                        Ok(Some(status)) => break status,
                        Ok(None) if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Ok(None) => {
                            self.kill(&mut child, pid);
                            let partial = Transcript {
                                code: None,
                                signal: None,
                                stdout: lossy(&out.0),
                                stderr: lossy(&err.0),
                                filters: Filters::new(),
                            };
                            panic!(
                                "{} did not finish within {limit:?}; killed it. Output so far:\n{}",
                                self.describe(),
                                partial.render_raw()
                            );
                        }
                        Err(e) => panic!("wait for {}: {e}", self.describe()),
                    }
                }
            }
        };
        let stdout = out.finish();
        let stderr = err.finish();
        Transcript::new(status, &stdout, &stderr, self.filters.clone())
    }

    /// Starts the program without waiting (for signal tests): stdout and stderr are piped
    /// (read them, or the program blocks once a pipe buffer fills), stdin gets the
    /// [`stdin`](Self::stdin) bytes or `/dev/null`. Finish with `Child::wait_with_output`
    /// and [`Transcript::from_output`] with [`current_filters`](Self::current_filters).
    #[track_caller]
    pub fn spawn(&mut self) -> Child {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut attempts = 0;
        let mut child = loop {
            match self.cmd.spawn() {
                Ok(child) => break child,
                // A fake tool written by a concurrent test can still be open for writing in
                // a child forked meanwhile (until that child execs); it passes quickly.
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && attempts < 100 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("start {}: {e}", self.describe()),
            }
        };
        if let (Some(bytes), Some(mut pipe)) = (self.stdin.clone(), child.stdin.take()) {
            std::thread::spawn(move || {
                // The program may exit without reading everything; that is its business.
                let _ = pipe.write_all(&bytes);
            });
        }
        child
    }

    fn kill(&self, child: &mut Child, pid: u32) {
        if self.own_group {
            // The group may be gone already; the kill below covers the leader regardless.
            let _ = crate::signals::try_signal_group(pid, crate::Signal::KILL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    fn describe(&self) -> String {
        format!("`{}`", self.cmd.get_program().to_string_lossy())
    }
}

/// Reads a pipe on a thread into a buffer that can be looked at before EOF.
struct Collector(Arc<Mutex<Vec<u8>>>, Option<std::thread::JoinHandle<()>>);

fn collect(pipe: Option<impl Read + Send + 'static>) -> Collector {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let handle = pipe.map(|mut pipe| {
        let buf = Arc::clone(&buf);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(&chunk[..n]);
            }
        })
    });
    Collector(buf, handle)
}

impl Collector {
    /// Waits for EOF and returns everything read.
    fn finish(mut self) -> Vec<u8> {
        if let Some(h) = self.1.take() {
            let _ = h.join();
        }
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

fn lossy(buf: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&buf.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
}

/// The environment [`TestCommand::new`] sets, for tests that assert on it.
pub fn default_env_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = ENV_DIRS.iter().map(|(var, _, _)| *var).collect();
    names.extend(["LANG", "NO_COLOR", "PATH"]);
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scratch;

    fn sh(s: &Scratch, script: &str) -> TestCommand {
        let mut c = TestCommand::new("/bin/sh", s.child("env"));
        c.args(["-c", script]);
        c
    }

    #[test]
    fn the_environment_is_clean_and_predictable() {
        let s = Scratch::new();
        let t = sh(&s, "env | LC_ALL=C sort").output();
        let names: Vec<&str> = t
            .success()
            .lines()
            .filter_map(|l| l.split_once('=').map(|(k, _)| k))
            // sh itself may export these
            .filter(|k| !matches!(*k, "PWD" | "SHLVL" | "_" | "OLDPWD"))
            .collect();
        assert_eq!(names, default_env_names());
        let t = sh(
            &s,
            "echo $HOME; echo $XDG_CONFIG_HOME; echo $TMPDIR; echo $LANG $NO_COLOR",
        )
        .output();
        assert_eq!(
            t.render(),
            "exit: 0\n--- stdout\n[HOME]\n[XDG_CONFIG_HOME]\n[TMPDIR]\nC.UTF-8 1\n"
        );
        assert!(s.child("env/home").is_dir() && s.child("env/xdg/cache").is_dir());
    }

    #[test]
    fn env_pass_env_and_env_remove() {
        let s = Scratch::new();
        let t = sh(&s, "echo \"$A|$NO_COLOR|$PATH_SET\"")
            .env("A", "1")
            .env_remove("NO_COLOR")
            .pass_env("PATH")
            .pass_env("INFRA_TESTKIT_SURELY_UNSET")
            .output();
        assert_eq!(t.success(), "1||\n");
    }

    #[test]
    fn non_zero_exit_is_a_result_not_a_panic() {
        let s = Scratch::new();
        let t = sh(&s, "echo oops >&2; exit 3").output();
        assert_eq!(t.failure(3), "oops\n");
    }

    #[test]
    fn stdin_current_dir_and_args() {
        let s = Scratch::new();
        s.write("work/f", "");
        let t = sh(&s, "cat; ls; echo \"$0 $1\"")
            .arg("zero")
            .arg("one")
            .current_dir(s.child("work"))
            .stdin("piped\n")
            .output();
        assert_eq!(t.success(), "piped\nf\nzero one\n");
    }

    #[test]
    fn filters_reach_the_transcript() {
        let s = Scratch::new();
        let t = sh(&s, "pwd")
            .current_dir(s.path())
            .filter_path(s.path(), "[TMP]")
            .output();
        assert_eq!(t.render(), "exit: 0\n--- stdout\n[TMP]\n");
    }

    #[test]
    fn prepend_path_puts_a_directory_first() {
        let s = Scratch::new();
        let tool = s.write("bin/mytool", "#!/bin/sh\necho fake\n");
        std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let t = sh(&s, "mytool").prepend_path(s.child("bin")).output();
        assert_eq!(t.success(), "fake\n");
    }

    #[test]
    fn a_signal_death_is_reported() {
        let s = Scratch::new();
        let t = sh(&s, "kill -TERM $$").output();
        assert_eq!(t.render(), "exit: signal 15\n");
    }

    #[test]
    #[should_panic(expected = "did not finish within")]
    fn timeout_kills_and_fails() {
        let s = Scratch::new();
        sh(&s, "echo started; exec sleep 30")
            .timeout(Duration::from_millis(300))
            .output();
    }

    #[test]
    #[should_panic(expected = "start `/nonexistent/program`")]
    fn a_missing_program_fails_the_test() {
        let s = Scratch::new();
        TestCommand::new("/nonexistent/program", s.path()).output();
    }

    #[test]
    fn spawn_returns_a_running_child() {
        let s = Scratch::new();
        let mut c = sh(&s, "read line; echo got $line");
        c.stdin("x\n");
        let child = c.spawn();
        let out = child.wait_with_output().unwrap();
        let t = Transcript::from_output(&out, c.current_filters().clone());
        assert_eq!(t.success(), "got x\n");
    }
}
