//! Waiting for a condition instead of sleeping a fixed time.
//!
//! A test that sleeps "long enough" is slow on a fast machine and flaky on a loaded one.
//! [`wait_for`] polls a condition every few milliseconds and fails the test with what it was
//! waiting for once the deadline passes — so the deadline can be generous without costing
//! anything when things work.

use std::time::{Duration, Instant};

/// Polls `condition` until it holds; panics with "timed out after … waiting for {what}".
#[track_caller]
pub fn wait_for(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        if start.elapsed() >= timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_once_the_condition_holds() {
        let mut n = 0;
        wait_for("three polls", Duration::from_secs(5), || {
            n += 1;
            n == 3
        });
        assert_eq!(n, 3);
    }

    #[test]
    #[should_panic(expected = "waiting for godot")]
    fn names_what_never_happened() {
        wait_for("godot", Duration::from_millis(30), || false);
    }
}
