//! An advisory lock held for the length of a transaction.
//!
//! Two runs applying plans to the same project at once would interleave writes and each
//! restore the other's files on failure. The lock is an `flock` on a file: either one that
//! already exists (the project's manifest, so taking it leaves no trace on disk) or a
//! dedicated lock file that is created on first use and then left in place. Removing a
//! lock file would be wrong: a waiter could then lock the removed file while a newcomer
//! creates and locks a fresh one, and both would go ahead.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::thread;
use std::time::Duration;

use rustix::fs::{FlockOperation, flock};

use crate::FsError;

/// Permission mode for a lock file created by [`FileLock::try_exclusive_create`] (before
/// the umask applies).
const LOCK_FILE_MODE: u32 = 0o644;

/// An exclusive advisory lock, released on drop.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Takes the lock on the existing file `path` without waiting. `Ok(None)` means another
    /// process holds it; a missing file is an error.
    pub fn try_exclusive(path: &Path) -> Result<Option<Self>, FsError> {
        let file = File::open(path).map_err(|e| FsError::new("open", path, e))?;
        try_lock(file, path)
    }

    /// Takes the lock on `path` without waiting, creating the file (empty, mode `0o644`)
    /// when it does not exist. An existing file is never truncated or replaced. `Ok(None)`
    /// means another process holds the lock.
    pub fn try_exclusive_create(path: &Path) -> Result<Option<Self>, FsError> {
        try_lock(open_or_create(path)?, path)
    }

    /// Takes the lock on `path` like [`try_exclusive_create`](Self::try_exclusive_create),
    /// waiting while another process holds it.
    ///
    /// After every failed attempt `should_continue` is asked whether to keep waiting (first
    /// right after the first attempt, so a caller can print "waiting for …" on that call);
    /// then the lock is tried again after `poll`. Returns `Ok(None)` when
    /// `should_continue` says no (for example because the user pressed Ctrl-C).
    pub fn exclusive_wait(
        path: &Path,
        poll: Duration,
        should_continue: &dyn Fn() -> bool,
    ) -> Result<Option<Self>, FsError> {
        let file = open_or_create(path)?;
        loop {
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => return Ok(Some(Self { _file: file })),
                Err(rustix::io::Errno::WOULDBLOCK | rustix::io::Errno::INTR) => {}
                Err(e) => return Err(FsError::new("lock", path, e.into())),
            }
            if !should_continue() {
                return Ok(None);
            }
            thread::sleep(poll);
        }
    }
}

fn try_lock(file: File, path: &Path) -> Result<Option<FileLock>, FsError> {
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Some(FileLock { _file: file })),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
        Err(e) => Err(FsError::new("lock", path, e.into())),
    }
}

/// Opens `path` for locking, creating it when it does not exist.
///
/// An existing file is opened read-only (a lock needs no more, and the user's file may be
/// read-only); only a missing one is created, exclusively, so that two processes racing to
/// create it end up with the same file.
fn open_or_create(path: &Path) -> Result<File, FsError> {
    let open_error = |e| FsError::new("open", path, e);
    match File::open(path) {
        Ok(file) => return Ok(file),
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(open_error(e)),
        Err(_) => {}
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(LOCK_FILE_MODE)
        .open(path)
    {
        Ok(file) => Ok(file),
        // Someone else created it in between: lock that one.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => File::open(path).map_err(open_error),
        Err(e) => Err(FsError::new("create", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Instant;

    #[test]
    fn second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hsm.yaml");
        std::fs::write(&p, "x").unwrap();
        let first = FileLock::try_exclusive(&p).unwrap();
        assert!(first.is_some());
        assert!(FileLock::try_exclusive(&p).unwrap().is_none());
        drop(first);
        assert!(FileLock::try_exclusive(&p).unwrap().is_some());
    }

    #[test]
    fn try_exclusive_needs_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing.lock");
        let err = FileLock::try_exclusive(&p).unwrap_err();
        assert_eq!(err.op, "open");
        assert!(!p.exists());
    }

    #[test]
    fn try_exclusive_create_creates_the_file_and_locks_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hsm.lock");
        let first = FileLock::try_exclusive_create(&p).unwrap();
        assert!(first.is_some());
        assert_eq!(fs::read(&p).unwrap(), b"");
        assert!(FileLock::try_exclusive_create(&p).unwrap().is_none());
        assert!(FileLock::try_exclusive(&p).unwrap().is_none());
        drop(first);
        assert!(FileLock::try_exclusive_create(&p).unwrap().is_some());
        assert!(p.exists(), "the lock file stays");
    }

    #[test]
    fn try_exclusive_create_keeps_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hsm.yaml");
        fs::write(&p, b"content").unwrap();
        let lock = FileLock::try_exclusive_create(&p).unwrap();
        assert!(lock.is_some());
        assert_eq!(fs::read(&p).unwrap(), b"content");
    }

    #[test]
    fn exclusive_wait_waits_until_the_first_lock_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hsm.lock");
        let first = FileLock::try_exclusive_create(&p).unwrap().unwrap();

        let asked = Arc::new(AtomicUsize::new(0));
        let released = Arc::new(AtomicBool::new(false));
        let waiter = {
            let (p, asked, released) = (p.clone(), Arc::clone(&asked), Arc::clone(&released));
            thread::spawn(move || {
                let keep_waiting = || {
                    asked.fetch_add(1, Ordering::SeqCst);
                    true
                };
                let lock = FileLock::exclusive_wait(&p, Duration::from_millis(5), &keep_waiting);
                // Only possible once the first lock is gone.
                assert!(released.load(Ordering::SeqCst));
                lock.unwrap()
            })
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while asked.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the waiter never tried");
            thread::sleep(Duration::from_millis(5));
        }
        released.store(true, Ordering::SeqCst);
        drop(first);
        let second = waiter.join().unwrap();
        assert!(second.is_some());
        assert!(asked.load(Ordering::SeqCst) >= 1);
        assert!(
            FileLock::try_exclusive(&p).unwrap().is_none(),
            "now held by the waiter"
        );
    }

    #[test]
    fn exclusive_wait_stops_when_told_to() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hsm.lock");
        let _first = FileLock::try_exclusive_create(&p).unwrap().unwrap();
        let asked = AtomicUsize::new(0);
        let stop = || asked.fetch_add(1, Ordering::SeqCst) < 2;
        let lock = FileLock::exclusive_wait(&p, Duration::from_millis(1), &stop).unwrap();
        assert!(lock.is_none());
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn exclusive_wait_on_a_free_lock_creates_it_without_asking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub.lock");
        let never = || panic!("should_continue must not be called");
        let lock = FileLock::exclusive_wait(&p, Duration::from_millis(1), &never).unwrap();
        assert!(lock.is_some());
        assert!(p.exists());
    }
}
