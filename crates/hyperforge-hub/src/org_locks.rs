//! One mutating operation per org at a time. hyperforge-state locks an org's files for
//! each read-modify-write, but a sync is refresh → plan → apply → capture: two at once
//! would plan against the same forge state and both try to create the same repository.
//! The lock is taken on the blocking thread that runs the operation and released when it
//! returns, so it is never held across an `.await` and every request takes at most one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// A mutex per org name.
#[derive(Debug, Default)]
pub(crate) struct OrgLocks(Mutex<HashMap<String, Arc<Mutex<()>>>>);

impl OrgLocks {
    /// Runs `f` while no other mutation of `org` runs (blocking until they have ended).
    pub(crate) fn exclusive<T>(&self, org: &str, f: impl FnOnce() -> T) -> T {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(map.entry(org.to_string()).or_default())
        };
        // A panicking operation poisons nothing it could have left half-done in memory:
        // the state is on disk, written atomically.
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn one_org_at_a_time_others_in_parallel() {
        let locks = Arc::new(OrgLocks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (locks, inside, most) = (locks.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    locks.exclusive("acme", || {
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    });
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        // Another org is not blocked by a held one.
        locks.exclusive("acme", || locks.exclusive("other", || ()));
    }
}
