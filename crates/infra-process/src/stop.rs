//! Stopping an interrupted child together with everything it started.
//!
//! A tool like `uv sync` runs helpers of its own (a build backend, a compiler). Signalling
//! only the tool would leave them running after we gave up on it, still writing into the
//! project the caller is about to roll back. Children whose output we read are therefore
//! started in a process group of their own (see [`run`](crate::run)), and an interrupt is
//! delivered to the whole group: SIGTERM first, SIGKILL to whatever is still alive after a
//! grace period. Children sharing our terminal ([`Output::Inherit`](crate::Output::Inherit))
//! stay in our group, so a terminal's Ctrl-C reaches them directly, and only the child
//! itself is signalled.

use std::io;
use std::process::ExitStatus;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process, kill_process_group, test_kill_process_group};

/// How often the child and its group are checked while they shut down.
const POLL: Duration = Duration::from_millis(25);
/// How long a child (and its group) gets to exit after SIGTERM before it is killed.
pub(crate) const TERM_GRACE: Duration = Duration::from_secs(3);

/// Who receives the termination signals.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// The child alone; it shares our process group.
    Process(Pid),
    /// Every process in the group the child leads (the group id is the child's pid).
    Group(Pid),
}

impl Target {
    fn send(self, signal: Signal) {
        // ESRCH (nothing left) and EPERM (a member changed its user) leave nothing to do.
        let _ = match self {
            Target::Process(pid) => kill_process(pid, signal),
            Target::Group(pgid) => kill_process_group(pgid, signal),
        };
    }

    /// Whether anything besides the child itself still has to exit.
    fn others_alive(self) -> bool {
        match self {
            Target::Process(_) => false,
            Target::Group(pgid) => group_has_live_members(pgid),
        }
    }
}

/// The channel on which the waiter thread delivers the child's exit status.
pub(crate) type StatusRx = Receiver<io::Result<ExitStatus>>;

/// Sends SIGTERM to `target`, waits up to [`TERM_GRACE`] for the child (when `status_rx`
/// is given, i.e. it has not been reaped yet) and for the rest of a group to exit, then
/// sends SIGKILL to whatever is left and waits until it is gone.
///
/// Returns as soon as nothing is left. The wait after SIGKILL is bounded by another
/// [`TERM_GRACE`], so a process stuck in the kernel cannot hang us.
///
/// After the child has been reaped only a group is signalled: the group id stays reserved
/// while any member lives, whereas the child's own pid may already belong to someone else.
pub(crate) fn terminate(target: Target, status_rx: Option<&StatusRx>) {
    if status_rx.is_none() && matches!(target, Target::Process(_)) {
        return;
    }
    target.send(Signal::TERM);
    // A stopped process (for example one that read the terminal from a background group)
    // only acts on SIGTERM once it is continued.
    target.send(Signal::CONT);

    let deadline = Instant::now() + TERM_GRACE;
    loop {
        // Once the status has been received the sender is gone, so later calls return
        // `Disconnected` at once: "gone" stays true.
        let child_gone = status_rx
            .is_none_or(|rx| !matches!(rx.recv_timeout(POLL), Err(RecvTimeoutError::Timeout)));
        if child_gone && !target.others_alive() {
            return;
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        if child_gone {
            thread::sleep(POLL.min(deadline - now));
        }
    }
    target.send(Signal::KILL);
    // SIGKILL takes effect asynchronously; wait until it has, so that nothing is still
    // writing when the caller starts rolling back.
    let deadline = Instant::now() + TERM_GRACE;
    if let Some(rx) = status_rx {
        let _ = rx.recv_timeout(TERM_GRACE);
    }
    while target.others_alive() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
}

/// Whether process group `pgid` still has a member that is not a zombie.
///
/// `kill(-pgid, 0)` alone also counts zombies, and an init process that never reaps
/// orphans (common in bare containers) keeps those around forever, which would turn every
/// interrupt into a full grace period. Where `/proc` is available it tells us the truth.
fn group_has_live_members(pgid: Pid) -> bool {
    if test_kill_process_group(pgid) == Err(rustix::io::Errno::SRCH) {
        return false;
    }
    live_members_in_proc(pgid).unwrap_or(true)
}

/// Scans `/proc` for a process in group `pgid` that is not a zombie; `None` when `/proc`
/// cannot be read.
#[cfg(target_os = "linux")]
fn live_members_in_proc(pgid: Pid) -> Option<bool> {
    let wanted = pgid.as_raw_pid();
    let entries = std::fs::read_dir("/proc").ok()?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.as_encoded_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        // A process that vanished since the listing is simply not a member any more.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some((state, group)) = parse_stat(&stat)
            && group == wanted
            && !matches!(state, 'Z' | 'X' | 'x')
        {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(not(target_os = "linux"))]
fn live_members_in_proc(_pgid: Pid) -> Option<bool> {
    None
}

/// The state letter and process group id from the text of `/proc/<pid>/stat`.
///
/// The command name in parentheses may itself contain spaces and parentheses, so the
/// fields are read after the last `)`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_stat(stat: &str) -> Option<(char, i32)> {
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_ascii_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_stat_reads_state_and_group() {
        assert_eq!(
            parse_stat("4711 (sleep) S 4700 4700 13993 0 -1 4194560"),
            Some(('S', 4700))
        );
        assert_eq!(
            parse_stat("12 (a (b) c) Z 1 9 9 0"),
            Some(('Z', 9)),
            "a command name with spaces and parentheses"
        );
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn an_empty_group_has_no_live_members() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = Pid::from_child(&child);
        child.wait().unwrap();
        // `true` ran in our group, so no group is led by its (now free) pid.
        assert!(!group_has_live_members(pid));
        assert!(group_has_live_members(rustix::process::getpgrp()));
    }
}
