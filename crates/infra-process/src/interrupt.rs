//! Catching SIGINT, SIGTERM, SIGHUP and SIGQUIT so that we, not the signal, decide how to
//! stop: a closed terminal or Ctrl-\\ in the middle of a transaction must roll it back as
//! Ctrl-C does, not leave files half-applied.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

/// How many [`Deferred`] guards are alive: while one is, a signal is recorded for the
/// code to act on (roll back, stop a child); while none is, it ends the process at once.
static DEFERRING: AtomicUsize = AtomicUsize::new(0);

/// Whether a signal ends the process at once (no [`Deferred`] guard alive). Read by the
/// signal handlers, so it is a flag they can test without locking.
static IMMEDIATE: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(true)));

/// While alive, signals are recorded instead of ending the process (see
/// [`Interrupt::defer`]).
#[derive(Debug)]
pub struct Deferred(());

impl Drop for Deferred {
    fn drop(&mut self) {
        if DEFERRING.fetch_sub(1, Ordering::SeqCst) == 1 {
            IMMEDIATE.store(true, Ordering::SeqCst);
        }
    }
}

/// A cheap, clonable handle that records the last interrupting signal received.
///
/// All clones share the same state. A handle from [`Interrupt::install`] is set by the
/// signal handlers; one from [`Interrupt::none`] is only ever set by
/// [`Interrupt::trigger`].
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    /// The last signal number received, 0 when none has arrived.
    signal: Arc<AtomicUsize>,
}

impl Interrupt {
    /// Registers handlers for SIGINT, SIGTERM, SIGHUP and SIGQUIT. Outside a [`Deferred`]
    /// section a signal ends the process at once with `128 + signal` (a read-only command
    /// stuck on a FIFO or a slow disk stops as any program would); inside one it is only
    /// recorded, and the code holding the guard stops cleanly (rolls back, stops its
    /// child) and reports it.
    pub fn install() -> io::Result<Interrupt> {
        let handle = Interrupt::none();
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            let value = usize::try_from(signal).map_err(io::Error::other)?;
            signal_hook::flag::register_conditional_shutdown(
                signal,
                128 + signal,
                Arc::clone(&IMMEDIATE),
            )?;
            signal_hook::flag::register_usize(signal, Arc::clone(&handle.signal), value)?;
        }
        Ok(handle)
    }

    /// Defers signals until the guard is dropped: for a transaction, or while a child runs
    /// (whose stop and our rollback must happen before we exit).
    pub fn defer(&self) -> Deferred {
        DEFERRING.fetch_add(1, Ordering::SeqCst);
        IMMEDIATE.store(false, Ordering::SeqCst);
        Deferred(())
    }

    /// A handle that no signal handler sets (for tests and library use).
    pub fn none() -> Interrupt {
        Interrupt::default()
    }

    /// Marks the handle as interrupted by `signal`, as if it had been received.
    ///
    /// Signal numbers that are not positive are ignored.
    pub fn trigger(&self, signal: i32) {
        if let Ok(value) = usize::try_from(signal)
            && value > 0
        {
            self.signal.store(value, Ordering::SeqCst);
        }
    }

    /// The signal received since the last call, clearing it (for passing signals on one
    /// by one).
    pub fn take(&self) -> Option<i32> {
        match self.signal.swap(0, Ordering::SeqCst) {
            0 => None,
            value => i32::try_from(value).ok(),
        }
    }

    /// Whether an interrupting signal has arrived.
    pub fn is_set(&self) -> bool {
        self.signal().is_some()
    }

    /// The last interrupting signal received, if any.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            value => i32::try_from(value).ok(),
        }
    }

    /// The conventional exit code for dying from the received signal: `128 + signal`
    /// (130 for SIGINT, 143 for SIGTERM). Falls back to 130 when no signal was received.
    pub fn exit_code(&self) -> i32 {
        128_i32.saturating_add(self.signal().unwrap_or(SIGINT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn none_is_never_set() {
        let interrupt = Interrupt::none();
        assert!(!interrupt.is_set());
        assert_eq!(interrupt.signal(), None);
    }

    #[test]
    fn trigger_is_shared_between_clones() {
        let interrupt = Interrupt::none();
        let clone = interrupt.clone();
        clone.trigger(SIGTERM);
        assert!(interrupt.is_set());
        assert_eq!(interrupt.signal(), Some(SIGTERM));
        assert_eq!(interrupt.exit_code(), 143);
        clone.trigger(SIGINT);
        assert_eq!(interrupt.signal(), Some(SIGINT));
        assert_eq!(interrupt.exit_code(), 130);
    }

    #[test]
    fn non_positive_signals_are_ignored() {
        let interrupt = Interrupt::none();
        interrupt.trigger(0);
        interrupt.trigger(-9);
        assert!(!interrupt.is_set());
    }

    #[test]
    fn installed_handler_records_signal_without_dying() {
        let interrupt = Interrupt::install().unwrap();
        // Outside a deferred section the signal would end the test process.
        let _deferred = interrupt.defer();
        let pid = rustix::process::getpid();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !interrupt.is_set() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        // Still alive, and the signal was recorded.
        assert_eq!(interrupt.signal(), Some(SIGTERM));
    }
}
