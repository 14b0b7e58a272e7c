//! Spawning a child, collecting its output and waiting for it without missing an interrupt.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustix::process::Pid;

use crate::cmd::Cmd;
use crate::error::ProcessError;
use crate::interrupt::Interrupt;
use crate::output::Output;
#[cfg(test)]
use crate::stop::TERM_GRACE;
use crate::stop::{StatusRx, Target, terminate};

/// How many lines of output are kept for error messages.
const TAIL_LINES: usize = 40;
/// How often the interrupt flag is checked while waiting.
const POLL: Duration = Duration::from_millis(25);

/// A child that exited with status 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// Everything the child wrote to stdout (empty for [`Output::Inherit`]).
    pub stdout: String,
    /// Everything the child wrote to stderr for [`Output::Capture`], the last lines of
    /// its output for [`Output::Forward`], empty for [`Output::Inherit`].
    pub stderr: String,
    /// The exit code (always 0).
    pub code: i32,
}

/// Runs `cmd` to completion, handling its output as `output` says.
///
/// Returns [`Finished`] only when the child exits with status 0. If `interrupt` is set
/// before the child starts, nothing is spawned.
///
/// With [`Output::Capture`] and [`Output::Forward`] the child is started in a process group
/// of its own. If `interrupt` is set while it runs (or while its output is still being
/// drained), the whole group receives SIGTERM, then SIGKILL for whatever is still alive
/// after 3 seconds, so helpers the child started stop too; `run` waits for the child and
/// returns [`ProcessError::Interrupted`]. Because such a child is not in the terminal's
/// foreground group, a terminal's Ctrl-C does not reach it directly (only us), and it is
/// stopped by SIGTTIN if it tries to read the terminal: give it
/// [`Cmd::stdin_null`] and disable interactive prompts (for example
/// `GIT_TERMINAL_PROMPT=0`).
///
/// With [`Output::Inherit`] the child stays in our process group, as an interactive
/// program must: a terminal's Ctrl-C reaches it directly. On interrupt only the child
/// itself receives SIGTERM (then SIGKILL).
pub fn run(cmd: &Cmd, output: Output, interrupt: &Interrupt) -> Result<Finished, ProcessError> {
    // The child is stopped (and waited for) before we report a signal and exit.
    let _deferred = interrupt.defer();
    let command = cmd.display();
    let interrupted = |signal| ProcessError::Interrupted {
        command: command.clone(),
        signal,
    };
    if let Some(signal) = interrupt.signal() {
        return Err(interrupted(signal));
    }

    let mut std_command = cmd.to_command();
    let own_group = output != Output::Inherit;
    if own_group {
        std_command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
    }
    let mut child = std_command
        .spawn()
        .map_err(|err| spawn_error(cmd, &command, err))?;
    if let (Some(bytes), Some(mut stdin)) = (cmd.get_stdin_bytes(), child.stdin.take()) {
        // A child that exits without reading it all closes the pipe: not our error.
        thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut stdin, &bytes);
        });
    }
    let readers = Readers::start(&mut child, &output, cmd.secrets());
    let pid = Pid::from_child(&child);
    let target = if own_group {
        Target::Group(pid)
    } else {
        Target::Process(pid)
    };

    let (status_tx, status_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = status_tx.send(child.wait());
    });

    let status = match wait_for_exit(&status_rx, target, interrupt) {
        Ok(Ok(status)) => status,
        Ok(Err(source)) => return Err(ProcessError::Wait { command, source }),
        Err(signal) => return Err(interrupted(signal)),
    };
    // Output pipes can outlive the child (a grandchild may hold them), so keep honouring
    // the interrupt while draining them, and stop those grandchildren when it comes.
    let mut collected = readers.finish(interrupt).map_err(|signal| {
        terminate(target, None);
        interrupted(signal)
    })?;
    // What is shown of the output never holds a value marked secret; stdout is data the
    // caller parses, and is returned as the child wrote it.
    collected.tail = crate::redact::redact(&collected.tail, cmd.secrets()).into_owned();
    collected.stderr = crate::redact::redact(&collected.stderr, cmd.secrets()).into_owned();

    if status.success() {
        return Ok(Finished {
            stdout: collected.stdout,
            stderr: collected.stderr,
            code: 0,
        });
    }
    if let Some(signal) = interrupt.signal() {
        return Err(interrupted(signal));
    }
    Err(ProcessError::Failed {
        command,
        code: status.code(),
        signal: std::os::unix::process::ExitStatusExt::signal(&status),
        output_tail: collected.tail,
    })
}

/// Runs `cmd` in the foreground: it shares our terminal and process group, so a Ctrl-C
/// typed there reaches it directly and a REPL or a server handles it as it would without
/// us. A signal sent to us alone (`kill`, a supervisor, a CI timeout) is passed on to it:
/// SIGTERM, SIGHUP and SIGQUIT always, SIGINT when we are not the terminal's foreground
/// group (otherwise the child had it already, and a second one would make Compose force
/// its shutdown). The child's own status decides the result.
pub fn run_foreground(cmd: &Cmd, interrupt: &Interrupt) -> Result<Finished, ProcessError> {
    let _deferred = interrupt.defer();
    let command = cmd.display();
    let mut child = cmd
        .to_command()
        .spawn()
        .map_err(|err| spawn_error(cmd, &command, err))?;
    let pid = Pid::from_child(&child);
    let (status_tx, status_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = status_tx.send(child.wait());
    });
    let status = loop {
        match status_rx.recv_timeout(POLL) {
            Ok(Ok(status)) => break status,
            Ok(Err(source)) => return Err(ProcessError::Wait { command, source }),
            Err(RecvTimeoutError::Disconnected) => {
                let source = io::Error::other("the waiter thread ended without a status");
                return Err(ProcessError::Wait { command, source });
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Some(signal) = interrupt.take()
                    && (signal != SIGINT_RAW || !in_terminal_foreground())
                    && let Some(signal) = rustix::process::Signal::from_named_raw(signal)
                {
                    let _ = rustix::process::kill_process(pid, signal);
                }
            }
        }
    };
    if status.success() {
        return Ok(Finished {
            stdout: String::new(),
            stderr: String::new(),
            code: 0,
        });
    }
    Err(ProcessError::Failed {
        command,
        code: status.code(),
        signal: std::os::unix::process::ExitStatusExt::signal(&status),
        output_tail: String::new(),
    })
}

/// SIGINT's number.
const SIGINT_RAW: i32 = 2;

/// Whether our process group is the foreground group of the terminal on stdin (so a
/// Ctrl-C typed there went to the whole group).
fn in_terminal_foreground() -> bool {
    rustix::termios::tcgetpgrp(std::io::stdin())
        .is_ok_and(|group| group == rustix::process::getpgrp())
}

fn spawn_error(cmd: &Cmd, command: &str, source: io::Error) -> ProcessError {
    // A missing working directory also surfaces as NotFound; don't blame the program.
    let cwd_ok = cmd.get_current_dir().is_none_or(|dir| dir.is_dir());
    if source.kind() == io::ErrorKind::NotFound && cwd_ok {
        ProcessError::NotFound {
            program: cmd.program().to_string_lossy().into_owned(),
        }
    } else {
        ProcessError::Spawn {
            command: command.to_owned(),
            source,
        }
    }
}

/// Waits for the status from the waiter thread, polling `interrupt`. On interrupt
/// `target` is terminated and the signal is returned as the error.
fn wait_for_exit(
    status_rx: &StatusRx,
    target: Target,
    interrupt: &Interrupt,
) -> Result<io::Result<ExitStatus>, i32> {
    loop {
        match status_rx.recv_timeout(POLL) {
            Ok(result) => return Ok(result),
            Err(RecvTimeoutError::Disconnected) => {
                return Ok(Err(io::Error::other(
                    "the waiter thread ended without a status",
                )));
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Some(signal) = interrupt.signal() {
                    terminate(target, Some(status_rx));
                    return Err(signal);
                }
            }
        }
    }
}

/// What was read from the child's pipes.
struct Collected {
    stdout: String,
    stderr: String,
    tail: String,
}

/// A child's stdout or stderr.
type Pipe = Box<dyn Read + Send>;

/// The last lines written by the child, shared by the forwarding threads.
type Tail = Arc<Mutex<VecDeque<String>>>;

/// Threads reading the child's stdout and stderr.
struct Readers {
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    /// Disconnects once every reader thread has finished.
    done: Receiver<()>,
    /// Present in [`Output::Forward`] mode.
    tail: Option<Tail>,
}

impl Readers {
    fn start(child: &mut Child, output: &Output, secrets: &[String]) -> Self {
        let secrets: Arc<Vec<String>> = Arc::new(secrets.to_vec());
        let (done_tx, done) = mpsc::channel();
        let stdout = child.stdout.take().map(|pipe| Box::new(pipe) as Pipe);
        let stderr = child.stderr.take().map(|pipe| Box::new(pipe) as Pipe);
        match output {
            Output::Inherit => Readers {
                stdout: None,
                stderr: None,
                done,
                tail: None,
            },
            Output::Capture => Readers {
                stdout: stdout.map(|pipe| spawn_reader(pipe, done_tx.clone(), read_all)),
                stderr: stderr.map(|pipe| spawn_reader(pipe, done_tx.clone(), read_all)),
                done,
                tail: None,
            },
            Output::Forward { prefix } => {
                let tail: Tail = Arc::default();
                let forwarder = |keep: bool| {
                    let prefix = prefix.clone();
                    let tail = Arc::clone(&tail);
                    let secrets = Arc::clone(&secrets);
                    move |pipe: Pipe| forward_lines(pipe, &prefix, &tail, keep, &secrets)
                };
                Readers {
                    stdout: stdout.map(|pipe| spawn_reader(pipe, done_tx.clone(), forwarder(true))),
                    stderr: stderr
                        .map(|pipe| spawn_reader(pipe, done_tx.clone(), forwarder(false))),
                    done,
                    tail: Some(tail),
                }
            }
        }
    }

    /// Waits until both pipes are closed; returns the signal if interrupted meanwhile.
    fn finish(self, interrupt: &Interrupt) -> Result<Collected, i32> {
        loop {
            match self.done.recv_timeout(POLL) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(signal) = interrupt.signal() {
                        return Err(signal);
                    }
                }
            }
        }
        let join = |handle: Option<JoinHandle<Vec<u8>>>| {
            let bytes = handle.and_then(|h| h.join().ok()).unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let stdout = join(self.stdout);
        let stderr = join(self.stderr);
        Ok(match self.tail {
            Some(tail) => {
                let lines = tail.lock().unwrap_or_else(|poison| poison.into_inner());
                let tail = lines
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join("\n");
                Collected {
                    stdout,
                    stderr: tail.clone(),
                    tail,
                }
            }
            None => {
                let source = if stderr.trim().is_empty() {
                    &stdout
                } else {
                    &stderr
                };
                let tail = last_lines(source, TAIL_LINES);
                Collected {
                    stdout,
                    stderr,
                    tail,
                }
            }
        })
    }
}

fn spawn_reader<F>(pipe: Pipe, done: Sender<()>, read: F) -> JoinHandle<Vec<u8>>
where
    F: FnOnce(Pipe) -> Vec<u8> + Send + 'static,
{
    thread::spawn(move || {
        let bytes = read(pipe);
        drop(done);
        bytes
    })
}

fn read_all(mut pipe: impl Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    bytes
}

/// Writes each line of `pipe` to our stderr after `prefix`, remembers it in `tail`, and
/// returns the raw bytes when `keep` is set.
fn forward_lines(
    pipe: impl Read,
    prefix: &str,
    tail: &Tail,
    keep: bool,
    secrets: &[String],
) -> Vec<u8> {
    let mut reader = BufReader::new(pipe);
    let mut kept = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
        if keep {
            kept.extend_from_slice(&line);
        }
        let text = String::from_utf8_lossy(&line);
        let text = crate::redact::redact(text.trim_end_matches(['\n', '\r']), secrets);
        let text = text.as_ref();
        let _ = writeln!(io::stderr().lock(), "{prefix}{text}");
        let mut lines = tail.lock().unwrap_or_else(|poison| poison.into_inner());
        lines.push_back(text.to_owned());
        while lines.len() > TAIL_LINES {
            lines.pop_front();
        }
    }
    kept
}

/// The last `n` lines of `text`.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;
    use std::time::Instant;

    fn sh(script: &str) -> Cmd {
        Cmd::new("/bin/sh").arg("-c").arg(script).stdin_null()
    }

    #[test]
    fn stdin_bytes_reach_the_child_whole() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let cmd = Cmd::new("/bin/sh")
            .arg("-c")
            .arg("wc -c")
            .stdin_bytes(big.clone());
        let out = run(&cmd, Output::Capture, &Interrupt::none()).unwrap();
        assert_eq!(out.stdout.trim(), "200000");
    }

    #[test]
    fn capture_collects_both_streams() {
        let done = run(
            &sh("echo out; echo err >&2; printf 'no newline'"),
            Output::Capture,
            &Interrupt::none(),
        )
        .unwrap();
        assert_eq!(done.stdout, "out\nno newline");
        assert_eq!(done.stderr, "err\n");
        assert_eq!(done.code, 0);
    }

    #[test]
    fn true_succeeds_with_inherited_output() {
        let done = run(&Cmd::new("true"), Output::Inherit, &Interrupt::none()).unwrap();
        assert_eq!(done.code, 0);
        assert_eq!(done.stdout, "");
    }

    #[test]
    fn false_fails_with_exit_status() {
        let err = run(&Cmd::new("false"), Output::Capture, &Interrupt::none()).unwrap_err();
        assert!(matches!(
            err,
            ProcessError::Failed {
                code: Some(1),
                signal: None,
                ..
            }
        ));
        assert_eq!(err.to_string(), "`false` failed with exit status 1");
    }

    #[test]
    fn failure_carries_last_forty_lines() {
        let script = "i=1; while [ $i -le 50 ]; do echo line$i >&2; i=$((i+1)); done; exit 3";
        let err = run(&sh(script), Output::Capture, &Interrupt::none()).unwrap_err();
        let ProcessError::Failed {
            code, output_tail, ..
        } = err
        else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(code, Some(3));
        let lines: Vec<&str> = output_tail.lines().collect();
        assert_eq!(lines.len(), 40);
        assert_eq!(lines.first(), Some(&"line11"));
        assert_eq!(lines.last(), Some(&"line50"));
    }

    #[test]
    fn failure_tail_falls_back_to_stdout() {
        let err = run(
            &sh("echo only-stdout; exit 2"),
            Output::Capture,
            &Interrupt::none(),
        )
        .unwrap_err();
        assert!(
            matches!(err, ProcessError::Failed { ref output_tail, .. } if output_tail == "only-stdout")
        );
    }

    #[test]
    fn forward_captures_stdout_and_keeps_tail() {
        let output = Output::Forward {
            prefix: "  t │ ".into(),
        };
        let done = run(
            &sh("echo one; echo two >&2; echo three"),
            output.clone(),
            &Interrupt::none(),
        )
        .unwrap();
        assert_eq!(done.stdout, "one\nthree\n");
        let mut tail: Vec<&str> = done.stderr.lines().collect();
        tail.sort_unstable();
        assert_eq!(tail, ["one", "three", "two"]);

        let err = run(&sh("echo why >&2; exit 4"), output, &Interrupt::none()).unwrap_err();
        assert!(matches!(
            err,
            ProcessError::Failed { code: Some(4), ref output_tail, .. } if output_tail == "why"
        ));
    }

    #[test]
    fn killed_child_reports_signal() {
        let err = run(&sh("kill -9 $$"), Output::Capture, &Interrupt::none()).unwrap_err();
        assert!(matches!(
            err,
            ProcessError::Failed {
                code: None,
                signal: Some(9),
                ..
            }
        ));
        assert!(err.to_string().ends_with("was killed by signal 9"));
    }

    #[test]
    fn missing_program_is_not_found() {
        let err = run(
            &Cmd::new("no-such-program-4711"),
            Output::Capture,
            &Interrupt::none(),
        )
        .unwrap_err();
        assert!(
            matches!(err, ProcessError::NotFound { ref program } if program == "no-such-program-4711")
        );
    }

    #[test]
    fn missing_working_directory_is_a_spawn_error() {
        let err = run(
            &Cmd::new("true").current_dir("/definitely/not/here"),
            Output::Capture,
            &Interrupt::none(),
        )
        .unwrap_err();
        assert!(matches!(err, ProcessError::Spawn { ref command, .. } if command == "true"));
    }

    #[test]
    fn environment_and_working_directory_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let cmd = sh("echo \"$HSM_A|${HSM_B-unset}|$(pwd)\"")
            .env("HSM_A", "a value")
            .env("HSM_B", "b")
            .env_remove("HSM_B")
            .current_dir(dir.path());
        let done = run(&cmd, Output::Capture, &Interrupt::none()).unwrap();
        let expected_dir = dir.path().canonicalize().unwrap();
        assert_eq!(
            done.stdout.trim_end(),
            format!("a value|unset|{}", expected_dir.display())
        );
    }

    #[test]
    fn interrupt_from_another_thread_stops_the_child() {
        let interrupt = Interrupt::none();
        let trigger = interrupt.clone();
        let started = Instant::now();
        let handle = thread::spawn(move || {
            thread::sleep(Duration::from_millis(200));
            trigger.trigger(15);
        });
        let err = run(&Cmd::new("sleep").arg("30"), Output::Capture, &interrupt).unwrap_err();
        handle.join().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(
            err,
            ProcessError::Interrupted { ref command, signal: 15 } if command == "sleep 30"
        ));
    }

    #[test]
    fn interrupt_set_before_spawn_runs_nothing() {
        let interrupt = Interrupt::none();
        interrupt.trigger(2);
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("marker");
        let cmd = Cmd::new("touch").arg(&marker);
        let err = run(&cmd, Output::Inherit, &interrupt).unwrap_err();
        assert!(matches!(err, ProcessError::Interrupted { signal: 2, .. }));
        assert!(!marker.exists());
    }

    #[test]
    fn child_ignoring_sigterm_is_killed() {
        let interrupt = Interrupt::none();
        let trigger = interrupt.clone();
        let started = Instant::now();
        let handle = thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            trigger.trigger(2);
        });
        let err = run(&sh("trap '' TERM; sleep 30"), Output::Capture, &interrupt).unwrap_err();
        handle.join().unwrap();
        assert!(matches!(err, ProcessError::Interrupted { signal: 2, .. }));
        let elapsed = started.elapsed();
        assert!(
            elapsed >= TERM_GRACE && elapsed < TERM_GRACE * 2,
            "{elapsed:?}"
        );
    }

    /// Whether process `pid` is gone: reaped, or a zombie nobody reaps (an init that never
    /// waits, as in a bare container, keeps killed orphans as zombies).
    fn is_gone(pid: i32) -> bool {
        match fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => {
                let rest = &stat[stat.rfind(')').unwrap() + 1..];
                rest.trim_start().starts_with(['Z', 'X'])
            }
        }
    }

    /// Reads the pid a script wrote to `file`, waiting until it is there.
    fn read_pid(file: &Path) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(text) = fs::read_to_string(file)
                && text.ends_with('\n')
            {
                return text.trim().parse().unwrap();
            }
            assert!(Instant::now() < deadline, "no pid in {}", file.display());
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Runs `script` (which writes a grandchild's pid to `$1` and a line to the file) with
    /// `output`, interrupts as soon as the pid is there, and returns the error, the
    /// grandchild's pid and the time from the interrupt to `run` returning.
    fn interrupt_with_grandchild(script: &str, output: Output) -> (ProcessError, i32, Duration) {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let interrupt = Interrupt::none();
        let trigger = interrupt.clone();
        let watched = pid_file.clone();
        let handle = thread::spawn(move || {
            let pid = read_pid(&watched);
            trigger.trigger(15);
            (pid, Instant::now())
        });
        let cmd = sh(script).arg("sh").arg(&pid_file);
        let err = run(&cmd, output, &interrupt).unwrap_err();
        let returned = Instant::now();
        let (pid, triggered) = handle.join().unwrap();
        (err, pid, returned.duration_since(triggered))
    }

    #[test]
    fn interrupt_stops_grandchildren_of_a_captured_child() {
        let script = "sleep 30 & echo $! > \"$1\"; wait";
        let (err, grandchild, took) = interrupt_with_grandchild(script, Output::Capture);
        assert!(matches!(err, ProcessError::Interrupted { signal: 15, .. }));
        assert!(is_gone(grandchild), "grandchild {grandchild} still runs");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn interrupt_stops_grandchildren_of_a_forwarded_child() {
        let script = "echo started; sleep 30 & echo $! > \"$1\"; wait";
        let output = Output::Forward {
            prefix: "  t │ ".into(),
        };
        let (err, grandchild, took) = interrupt_with_grandchild(script, output);
        assert!(matches!(err, ProcessError::Interrupted { signal: 15, .. }));
        assert!(is_gone(grandchild), "grandchild {grandchild} still runs");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn interrupt_while_draining_stops_grandchildren_holding_the_pipes() {
        // The child exits at once; the grandchild keeps its stdout open.
        let script = "sleep 30 & echo $! > \"$1\"";
        let (err, grandchild, took) = interrupt_with_grandchild(script, Output::Capture);
        assert!(matches!(err, ProcessError::Interrupted { signal: 15, .. }));
        assert!(is_gone(grandchild), "grandchild {grandchild} still runs");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn grandchildren_ignoring_sigterm_are_killed_after_the_grace_period() {
        // The grandchild reports its own pid, so the interrupt comes after its trap is set.
        let script = "sh -c 'trap \"\" TERM; echo $$ > \"$1\"; exec sleep 30' sh \"$1\" & wait";
        let (err, grandchild, took) = interrupt_with_grandchild(script, Output::Capture);
        assert!(matches!(err, ProcessError::Interrupted { signal: 15, .. }));
        assert!(is_gone(grandchild), "grandchild {grandchild} still runs");
        assert!(took >= TERM_GRACE && took < TERM_GRACE * 2, "{took:?}");
    }

    /// The process group of the child started with `output`, as it reports it itself.
    fn child_group(output: Output) -> (i32, i32) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ids");
        // Field 5 of /proc/<pid>/stat is the process group (the name `sh` has no spaces).
        let script = "echo $$ $(cut -d' ' -f5 /proc/$$/stat) > \"$1\"";
        run(&sh(script).arg("sh").arg(&file), output, &Interrupt::none()).unwrap();
        let text = fs::read_to_string(&file).unwrap();
        let ids: Vec<i32> = text
            .split_whitespace()
            .map(|id| id.parse().unwrap())
            .collect();
        (ids[0], ids[1])
    }

    #[test]
    fn captured_and_forwarded_children_lead_their_own_group() {
        let (pid, group) = child_group(Output::Capture);
        assert_eq!(pid, group);
        let (pid, group) = child_group(Output::Forward {
            prefix: "> ".into(),
        });
        assert_eq!(pid, group);
    }

    #[test]
    fn inherited_children_stay_in_our_group() {
        let (pid, group) = child_group(Output::Inherit);
        assert_ne!(pid, group);
        assert_eq!(group, rustix::process::getpgrp().as_raw_pid());
    }

    #[test]
    fn last_lines_keeps_the_end() {
        assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc");
        assert_eq!(last_lines("a", 5), "a");
        assert_eq!(last_lines("", 5), "");
    }
}
