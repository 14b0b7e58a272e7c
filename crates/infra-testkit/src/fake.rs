//! A scriptable fake external program, for tests of how a product handles its tools.
//!
//! The products drive external tools (uv, git, docker compose, …). How a product reacts
//! when a tool fails, hangs, scribbles over a file, or gets interrupted cannot be tested
//! with the real tool, and one-off `#!/bin/sh` fakes per test are hard to read and to keep
//! portable. The fake tool is one small binary that plays any such part from a *script*:
//!
//! ```text
//! # a uv that rewrites the lock, reports a conflict and fails
//! args-to uv-args.txt
//! write uv.lock version = 999
//! stderr error: no solution found
//! exit 1
//! ```
//!
//! # Script
//!
//! One action per line, run in order; blank lines and lines starting with `#` are ignored.
//! `TEXT` is the rest of the line (leading spaces after the first one kept) with the escapes
//! `\n`, `\t` and `\\`; relative paths are relative to the current directory.
//!
//! | action | effect |
//! |---|---|
//! | `stdout TEXT` | prints `TEXT` and a newline to stdout |
//! | `stderr TEXT` | prints `TEXT` and a newline to stderr |
//! | `write PATH TEXT` | writes `TEXT` and a newline to `PATH` (no `TEXT`: an empty file) |
//! | `append PATH TEXT` | appends `TEXT` and a newline to `PATH` (no `TEXT`: creates it) |
//! | `sleep SECONDS` | sleeps (`0.2` is fine) |
//! | `spawn-sleeper PIDFILE SECONDS` | starts a child of the fake (same process group, stdio on `/dev/null`) that writes its pid to `PIDFILE` and sleeps `SECONDS`; waits until the pid is written |
//! | `args-to PATH` | writes the arguments (without argv\[0\]), one per line |
//! | `env-to PATH NAME...` | writes `NAME=value` per variable, `NAME (unset)` when unset |
//! | `stdin-to PATH` | copies stdin to `PATH` |
//! | `exit CODE` | exits with `CODE` (0–255) at once; a script that ends exits 0 |
//!
//! A script that cannot be found or has a bad line makes the fake exit 99 with a message on
//! stderr, before any action runs.
//!
//! # Where the script comes from
//!
//! 1. the file named by `FAKE_TOOL_SCRIPT` ([`SCRIPT_VAR`]), when that variable is set;
//! 2. else `<argv0>.script`: the fake was started as `dir/uv` (or as `uv` found on `PATH` in
//!    `dir`), so `dir/uv.script` — what [`FakeTool::install`] sets up;
//! 3. else `<own executable>.script`.
//!
//! Several fakes in one test (a `uv` and a `docker`) therefore each read their own script.
//! A product that canonicalises a tool's path before running it sees the real binary behind
//! a symlinked fake: set `FAKE_TOOL_SCRIPT` for it instead.
//!
//! # Wiring it into a product
//!
//! Integration tests of one crate cannot see another crate's binaries, so a product builds
//! its own copy of the fake — a one-line `[[bin]]` behind a feature, so it is never
//! installed with the product:
//!
//! ```toml
//! [features]
//! test-fakes = ["dep:infra-testkit"]
//!
//! [dependencies]
//! infra-testkit = { workspace = true, optional = true }
//!
//! [dev-dependencies]
//! infra-testkit.workspace = true
//!
//! [[bin]]
//! name = "<product>-fake-tool"
//! path = "tests/fake_tool.rs"   # fn main() -> std::process::ExitCode { infra_testkit::fake::main() }
//! required-features = ["test-fakes"]
//! ```
//!
//! The tests that use it get the binary's path from
//! `env!("CARGO_BIN_EXE_<product>-fake-tool")`, which only exists when the feature is on:
//! declare them `#[cfg(feature = "test-fakes")] mod faults;` in the test's `main.rs` (or give
//! the `[[test]]` `required-features = ["test-fakes"]`) and run
//! `cargo test -p <product> --features test-fakes`.
//!
//! ```no_run
//! # use infra_testkit::{FakeTool, Scratch};
//! # let s = Scratch::new();
//! let fake = FakeTool::new("/path/to/target/debug/mytool-fake-tool"); // env!("CARGO_BIN_EXE_…")
//! let uv = fake.install(s.child("bin"), "uv", "stderr error: no solution found\nexit 1\n");
//! // run the product with its tool path set to `uv`, or with `s.child("bin")` first on PATH
//! ```

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the script file (overrides the file beside the fake).
pub const SCRIPT_VAR: &str = "FAKE_TOOL_SCRIPT";

/// The hidden first argument with which the fake re-executes itself as a sleeper.
const SLEEPER_ARG: &str = "--infra-testkit-fake-sleeper";

/// The exit code for a missing or malformed script.
const SCRIPT_ERROR: u8 = 99;

/// The fake tool's whole program: call it from a product's `<product>-fake-tool` bin.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == SLEEPER_ARG) {
        return sleeper(&args[2..]);
    }
    let result = load_script(&args).and_then(|actions| {
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        execute(&actions, &args, &mut stdout.lock(), &mut stderr.lock())
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("fake tool: {msg}");
            ExitCode::from(SCRIPT_ERROR)
        }
    }
}

/// Installs fake tools: copies of one fake binary with a script beside each.
#[derive(Debug, Clone)]
pub struct FakeTool {
    binary: PathBuf,
}

impl FakeTool {
    /// The fake binary, e.g. `env!("CARGO_BIN_EXE_<product>-fake-tool")`.
    pub fn new(binary: impl Into<PathBuf>) -> Self {
        Self {
            binary: binary.into(),
        }
    }

    /// Puts the fake at `dir/name` (a hard link, else a symlink, else a copy; `dir` is
    /// created) with `script` in `dir/name.script`; returns `dir/name`.
    #[track_caller]
    pub fn install(&self, dir: impl AsRef<Path>, name: &str, script: &str) -> PathBuf {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        let target = dir.join(name);
        if std::fs::symlink_metadata(&target).is_ok() {
            std::fs::remove_file(&target)
                .unwrap_or_else(|e| panic!("replace {}: {e}", target.display()));
        }
        let placed = std::fs::hard_link(&self.binary, &target)
            .or_else(|_| std::os::unix::fs::symlink(&self.binary, &target))
            .or_else(|_| std::fs::copy(&self.binary, &target).map(|_| ()));
        placed.unwrap_or_else(|e| {
            panic!(
                "install the fake tool {} as {}: {e}",
                self.binary.display(),
                target.display()
            )
        });
        Self::set_script(&target, script);
        target
    }

    /// Replaces the script of an installed fake.
    #[track_caller]
    pub fn set_script(installed: impl AsRef<Path>, script: &str) {
        let path = script_beside(installed.as_ref());
        std::fs::write(&path, script).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// `<installed>.script`.
    pub fn script_path(installed: impl AsRef<Path>) -> PathBuf {
        script_beside(installed.as_ref())
    }
}

fn script_beside(program: &Path) -> PathBuf {
    let mut s = program.as_os_str().to_os_string();
    s.push(".script");
    PathBuf::from(s)
}

/// One line of a script.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Stdout(String),
    Stderr(String),
    Write(PathBuf, Option<String>),
    Append(PathBuf, Option<String>),
    Sleep(Duration),
    SpawnSleeper(PathBuf, Duration),
    ArgsTo(PathBuf),
    EnvTo(PathBuf, Vec<String>),
    StdinTo(PathBuf),
    Exit(u8),
}

fn load_script(args: &[OsString]) -> Result<Vec<Action>, String> {
    let candidates = script_candidates(
        std::env::var_os(SCRIPT_VAR),
        args.first().map(OsString::as_os_str),
        std::env::var_os("PATH").as_deref(),
        std::env::current_exe().ok(),
    );
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no script found (tried: {})", tried.join(", ")));
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where the script may be, in order (see the module docs). With `FAKE_TOOL_SCRIPT` set,
/// only that file.
fn script_candidates(
    var: Option<OsString>,
    argv0: Option<&OsStr>,
    path_var: Option<&OsStr>,
    current_exe: Option<PathBuf>,
) -> Vec<PathBuf> {
    if let Some(v) = var {
        return vec![PathBuf::from(v)];
    }
    let mut out = Vec::new();
    if let Some(argv0) = argv0.filter(|a| !a.is_empty()) {
        if argv0.as_bytes().contains(&b'/') {
            out.push(script_beside(Path::new(argv0)));
        } else if let Some(path_var) = path_var {
            let found = std::env::split_paths(path_var)
                .map(|d| d.join(argv0))
                .find(|p| p.is_file());
            if let Some(found) = found {
                out.push(script_beside(&found));
            }
        }
    }
    if let Some(exe) = current_exe {
        let beside = script_beside(&exe);
        if !out.contains(&beside) {
            out.push(beside);
        }
    }
    out
}

fn parse(text: &str) -> Result<Vec<Action>, String> {
    let mut actions = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let action = parse_line(line).map_err(|e| format!("line {}: {e}: {raw}", i + 1))?;
        actions.push(action);
    }
    Ok(actions)
}

fn parse_line(line: &str) -> Result<Action, String> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest_trimmed = rest.trim();
    let path_and_text = || -> Result<(PathBuf, Option<String>), String> {
        let rest = rest.trim_start();
        if rest.is_empty() {
            return Err("missing PATH".into());
        }
        Ok(match rest.split_once(' ') {
            Some((p, text)) => (PathBuf::from(p), Some(unescape(text))),
            None => (PathBuf::from(rest), None),
        })
    };
    let one_path = || -> Result<PathBuf, String> {
        match rest_trimmed {
            "" => Err("missing PATH".into()),
            p => Ok(PathBuf::from(p)),
        }
    };
    Ok(match word {
        "stdout" => Action::Stdout(unescape(rest)),
        "stderr" => Action::Stderr(unescape(rest)),
        "write" => {
            let (p, t) = path_and_text()?;
            Action::Write(p, t)
        }
        "append" => {
            let (p, t) = path_and_text()?;
            Action::Append(p, t)
        }
        "sleep" => Action::Sleep(seconds(rest_trimmed)?),
        "spawn-sleeper" => {
            let (p, s) = rest_trimmed
                .split_once(char::is_whitespace)
                .ok_or("expected PIDFILE SECONDS")?;
            Action::SpawnSleeper(PathBuf::from(p), seconds(s.trim())?)
        }
        "args-to" => Action::ArgsTo(one_path()?),
        "stdin-to" => Action::StdinTo(one_path()?),
        "env-to" => {
            let mut words = rest_trimmed.split_whitespace();
            let p = words.next().ok_or("missing PATH")?;
            Action::EnvTo(PathBuf::from(p), words.map(str::to_string).collect())
        }
        "exit" => Action::Exit(
            rest_trimmed
                .parse()
                .map_err(|_| format!("exit code must be 0-255, not {rest_trimmed:?}"))?,
        ),
        _ => return Err(format!("unknown action `{word}`")),
    })
}

fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(|f| Duration::try_from_secs_f64(f).ok())
        .ok_or_else(|| format!("expected seconds, not {s:?}"))
}

/// `\n`, `\t`, `\\`; any other backslash is kept as is.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn execute(
    actions: &[Action],
    args: &[OsString],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, String> {
    for action in actions {
        match action {
            Action::Stdout(t) => emit(out, t).map_err(|e| format!("stdout: {e}"))?,
            Action::Stderr(t) => emit(err, t).map_err(|e| format!("stderr: {e}"))?,
            Action::Write(p, t) => write_file(p, t.as_deref(), false)?,
            Action::Append(p, t) => write_file(p, t.as_deref(), true)?,
            Action::Sleep(d) => std::thread::sleep(*d),
            Action::SpawnSleeper(pidfile, d) => spawn_sleeper(pidfile, *d)?,
            Action::ArgsTo(p) => {
                let mut bytes = Vec::new();
                for a in args.iter().skip(1) {
                    bytes.extend_from_slice(a.as_bytes());
                    bytes.push(b'\n');
                }
                std::fs::write(p, bytes).map_err(|e| format!("write {}: {e}", p.display()))?;
            }
            Action::EnvTo(p, names) => {
                let mut bytes = Vec::new();
                for n in names {
                    match std::env::var_os(n) {
                        Some(v) => {
                            bytes.extend_from_slice(format!("{n}=").as_bytes());
                            bytes.extend_from_slice(v.as_bytes());
                        }
                        None => bytes.extend_from_slice(format!("{n} (unset)").as_bytes()),
                    }
                    bytes.push(b'\n');
                }
                std::fs::write(p, bytes).map_err(|e| format!("write {}: {e}", p.display()))?;
            }
            Action::StdinTo(p) => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                    .map_err(|e| format!("read stdin: {e}"))?;
                std::fs::write(p, bytes).map_err(|e| format!("write {}: {e}", p.display()))?;
            }
            Action::Exit(code) => return Ok(*code),
        }
    }
    Ok(0)
}

fn emit(w: &mut dyn Write, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes())?;
    w.write_all(b"\n")?;
    w.flush()
}

fn write_file(p: &Path, text: Option<&str>, append: bool) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(p)
        .map_err(|e| format!("open {}: {e}", p.display()))?;
    if let Some(t) = text {
        f.write_all(t.as_bytes())
            .and_then(|()| f.write_all(b"\n"))
            .map_err(|e| format!("write {}: {e}", p.display()))?;
    }
    Ok(())
}

/// Starts the sleeper and waits until it has written its pid.
fn spawn_sleeper(pidfile: &Path, duration: Duration) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("find own executable: {e}"))?;
    let _ = std::fs::remove_file(pidfile);
    let mut child = Command::new(exe)
        .arg(SLEEPER_ARG)
        .arg(pidfile)
        .arg(duration.as_secs_f64().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start the sleeper: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pidfile.is_file() {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the sleeper exited early ({status})"));
        }
        if Instant::now() > deadline {
            return Err(format!("the sleeper did not write {}", pidfile.display()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Not waited for: it outlives this process unless a signal stops it.
    Ok(())
}

/// The re-executed fake: `SLEEPER_ARG PIDFILE SECONDS`.
fn sleeper(args: &[OsString]) -> ExitCode {
    let [pidfile, secs] = args else {
        return ExitCode::from(SCRIPT_ERROR);
    };
    let Ok(duration) = seconds(&secs.to_string_lossy()) else {
        return ExitCode::from(SCRIPT_ERROR);
    };
    let pidfile = Path::new(pidfile);
    // Written beside and renamed into place, so a reader never sees a partial pid.
    let mut tmp = pidfile.as_os_str().to_os_string();
    tmp.push(".tmp");
    let written = std::fs::write(&tmp, format!("{}\n", std::process::id()))
        .and_then(|()| std::fs::rename(&tmp, pidfile));
    if written.is_err() {
        return ExitCode::from(SCRIPT_ERROR);
    }
    std::thread::sleep(duration);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str, args: &[&str]) -> (Result<u8, String>, String, String) {
        let actions = parse(script).unwrap();
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = execute(&actions, &args, &mut out, &mut err);
        (
            r,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn parses_every_action() {
        let script = "# comment\n\nstdout hello  world\nstderr\nwrite a.txt x\\ny\nappend b.txt\n\
                      sleep 0.5\nspawn-sleeper pid 30\nargs-to args\nenv-to env A B\nstdin-to in\nexit 3\n";
        assert_eq!(
            parse(script).unwrap(),
            [
                Action::Stdout("hello  world".into()),
                Action::Stderr(String::new()),
                Action::Write("a.txt".into(), Some("x\ny".into())),
                Action::Append("b.txt".into(), None),
                Action::Sleep(Duration::from_millis(500)),
                Action::SpawnSleeper("pid".into(), Duration::from_secs(30)),
                Action::ArgsTo("args".into()),
                Action::EnvTo("env".into(), vec!["A".into(), "B".into()]),
                Action::StdinTo("in".into()),
                Action::Exit(3),
            ]
        );
    }

    #[test]
    fn bad_lines_are_rejected_with_their_number() {
        assert_eq!(
            parse("stdout ok\nfrobnicate x\n").unwrap_err(),
            "line 2: unknown action `frobnicate`: frobnicate x"
        );
        assert!(
            parse("exit 300")
                .unwrap_err()
                .contains("exit code must be 0-255")
        );
        assert!(parse("sleep -1").unwrap_err().contains("expected seconds"));
        assert!(parse("write").unwrap_err().contains("missing PATH"));
        assert!(
            parse("spawn-sleeper pid")
                .unwrap_err()
                .contains("PIDFILE SECONDS")
        );
    }

    #[test]
    fn unescape_handles_the_three_escapes_only() {
        assert_eq!(unescape(r"a\nb\tc\\d\qe\"), "a\nb\tc\\d\\qe\\");
    }

    #[test]
    fn streams_and_exit() {
        let (r, out, err) = run("stdout one\nstderr two\nexit 4\nstdout never\n", &["fake"]);
        assert_eq!((r, out.as_str(), err.as_str()), (Ok(4), "one\n", "two\n"));
        assert_eq!(run("stdout x\n", &["fake"]).0, Ok(0));
    }

    #[test]
    fn files_args_and_env() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let script = format!(
            "write {d}/w old\nwrite {d}/w new\nappend {d}/a 1\nappend {d}/a 2\nwrite {d}/empty\n\
             args-to {d}/args\nenv-to {d}/env PATH INFRA_TESTKIT_SURELY_UNSET\n"
        );
        let (r, _, _) = run(&script, &["fake", "sync", "--frozen", "a b"]);
        assert_eq!(r, Ok(0));
        let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
        assert_eq!(read("w"), "new\n");
        assert_eq!(read("a"), "1\n2\n");
        assert_eq!(read("empty"), "");
        assert_eq!(read("args"), "sync\n--frozen\na b\n");
        let env = read("env");
        assert!(
            env.starts_with("PATH=") && env.ends_with("\nINFRA_TESTKIT_SURELY_UNSET (unset)\n"),
            "{env}"
        );
    }

    #[test]
    fn a_failing_action_is_an_error() {
        let (r, _, _) = run("write /nonexistent/dir/f x\n", &["fake"]);
        assert!(r.unwrap_err().starts_with("open /nonexistent/dir/f:"));
    }

    #[test]
    fn the_script_variable_wins() {
        let c = script_candidates(
            Some("/s".into()),
            Some(OsStr::new("/bin/uv")),
            None,
            Some("/exe".into()),
        );
        assert_eq!(c, [PathBuf::from("/s")]);
    }

    #[test]
    fn argv0_then_own_executable() {
        let c = script_candidates(
            None,
            Some(OsStr::new("./bin/uv")),
            None,
            Some("/t/fake".into()),
        );
        assert_eq!(
            c,
            [
                PathBuf::from("./bin/uv.script"),
                PathBuf::from("/t/fake.script")
            ]
        );
    }

    #[test]
    fn a_bare_argv0_is_looked_up_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("uv"), "").unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        let c = script_candidates(None, Some(OsStr::new("uv")), Some(&path), None);
        assert_eq!(c, [b.join("uv.script")]);
    }

    #[test]
    fn install_places_the_binary_and_its_script() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("real-fake");
        std::fs::write(&bin, "binary").unwrap();
        let fake = FakeTool::new(&bin);
        let uv = fake.install(dir.path().join("bin"), "uv", "exit 1\n");
        assert_eq!(uv, dir.path().join("bin/uv"));
        assert_eq!(std::fs::read_to_string(&uv).unwrap(), "binary");
        assert_eq!(
            std::fs::read_to_string(FakeTool::script_path(&uv)).unwrap(),
            "exit 1\n"
        );
        // installing again replaces both
        fake.install(dir.path().join("bin"), "uv", "exit 2\n");
        FakeTool::set_script(&uv, "exit 3\n");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("bin/uv.script")).unwrap(),
            "exit 3\n"
        );
    }
}
