//! An advisory lock held for the length of a transaction.
//!
//! Two runs applying plans to the same project at once would interleave writes and each
//! restore the other's files on failure. The lock is taken on a file that already exists
//! (the project's manifest), so taking it creates nothing and leaves no trace on disk.

use std::fs::File;
use std::path::Path;

use rustix::fs::{FlockOperation, flock};

use crate::FsError;

/// An exclusive advisory lock, released on drop.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Takes the lock on `path` without waiting. `Ok(None)` means another process holds it.
    pub fn try_exclusive(path: &Path) -> Result<Option<Self>, FsError> {
        let file = File::open(path).map_err(|e| FsError::new("open", path, e))?;
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(FsError::new("lock", path, e.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
