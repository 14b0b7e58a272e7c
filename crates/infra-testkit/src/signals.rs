//! Sending signals to a program under test and watching its processes go away.
//!
//! The products promise that Ctrl-C or a `kill` stops them cleanly: the tools they started
//! are stopped too, and half-done work is rolled back. Proving that needs a real signal sent
//! to a real process or process group (see [`TestCommand::new_process_group`]), and a way to
//! tell whether a process the program started — e.g. a fake tool's sleeper, whose pid it
//! wrote to a file — is still running. A zombie counts as gone: it has stopped running and
//! only waits for a parent (possibly a container's init that never reaps) to collect it.
//!
//! [`TestCommand::new_process_group`]: crate::TestCommand::new_process_group

use std::path::Path;

pub use rustix::process::Signal;
use rustix::process::{Pid, kill_process, kill_process_group, test_kill_process};

#[track_caller]
fn pid_of(pid: u32) -> Pid {
    i32::try_from(pid)
        .ok()
        .and_then(Pid::from_raw)
        .unwrap_or_else(|| panic!("{pid} is not a process id"))
}

/// Sends `signal` to the process `pid`; panics if that fails (e.g. it no longer exists).
#[track_caller]
pub fn signal_process(pid: u32, signal: Signal) {
    kill_process(pid_of(pid), signal)
        .unwrap_or_else(|e| panic!("send {signal:?} to process {pid}: {e}"));
}

/// Sends `signal` to every process of the group `pgid` — what a terminal does on Ctrl-C;
/// panics if that fails.
#[track_caller]
pub fn signal_group(pgid: u32, signal: Signal) {
    try_signal_group(pgid, signal)
        .unwrap_or_else(|e| panic!("send {signal:?} to process group {pgid}: {e}"));
}

pub(crate) fn try_signal_group(pgid: u32, signal: Signal) -> std::io::Result<()> {
    let pid = i32::try_from(pgid)
        .ok()
        .and_then(Pid::from_raw)
        .ok_or_else(|| std::io::Error::other(format!("{pgid} is not a process group id")))?;
    Ok(kill_process_group(pid, signal)?)
}

/// Whether the process `pid` exists and is not a zombie.
pub fn process_is_running(pid: u32) -> bool {
    if test_kill_process(pid_of(pid)).is_err() {
        // ESRCH: gone. EPERM would mean it exists under another user: not one of ours.
        return false;
    }
    // `/proc/<pid>/stat` is `pid (comm) S ...`; comm may contain spaces and parentheses.
    match std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_none_or(|state| state != "Z" && state != "X"),
        Err(_) => true, // no procfs: trust kill(0)
    }
}

/// Reads a pid written by a program (e.g. by the fake tool's `spawn-sleeper`).
#[track_caller]
pub fn read_pid_file(path: impl AsRef<Path>) -> u32 {
    let path = path.as_ref();
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{} holds {text:?}, not a pid: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Duration;

    #[test]
    fn a_signalled_process_stops_running() {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        assert!(process_is_running(pid));
        signal_process(pid, Signal::TERM);
        child.wait().unwrap();
        assert!(!process_is_running(pid));
    }

    #[test]
    fn a_zombie_is_not_running() {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        crate::wait_for("`true` to exit", Duration::from_secs(10), || {
            !process_is_running(pid)
        });
        child.wait().unwrap();
    }

    #[test]
    fn a_group_signal_reaches_every_member() {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let mut leader = Command::new("/bin/sh")
            .arg("-c")
            .arg(format!("sleep 30 & echo $! > {}; wait", pidfile.display()))
            .process_group(0)
            .spawn()
            .unwrap();
        crate::wait_for("the pid file", Duration::from_secs(10), || {
            std::fs::read_to_string(&pidfile).is_ok_and(|s| s.ends_with('\n'))
        });
        let member = read_pid_file(&pidfile);
        signal_group(leader.id(), Signal::TERM);
        leader.wait().unwrap();
        crate::wait_for("the group member to stop", Duration::from_secs(10), || {
            !process_is_running(member)
        });
    }

    #[test]
    #[should_panic(expected = "holds \"x\\n\", not a pid")]
    fn a_bad_pid_file_says_what_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p"), "x\n").unwrap();
        read_pid_file(dir.path().join("p"));
    }
}
