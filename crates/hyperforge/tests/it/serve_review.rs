//! Regression tests for the hostile review of `serve` (docs/hyperforge/review.md, second
//! table) that need the real binary.

use std::io::BufRead as _;
use std::time::{Duration, Instant};

use crate::common::World;

/// Sends `signal` to `pid`.
fn kill(pid: u32, signal: &str) {
    let ok = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// A `repos sync --json` of five new repositories on slow forges, returned once its first
/// step is done.
fn sync_in_flight(w: &World) -> (std::process::Child, std::thread::JoinHandle<String>) {
    let mut child = w
        .cmd()
        .args(["--json", "repos", "sync", "hm", "--yes", "--allow-large"])
        .spawn();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(
            out.read_line(&mut line).unwrap(),
            0,
            "no step before the end"
        );
        if line.contains("\"type\":\"step\"") {
            break;
        }
    }
    let rest = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut text);
        text
    });
    (child, rest)
}

#[test]
fn a_signal_during_repos_sync_stops_at_a_step_boundary_then_a_second_exits_at_once() {
    let w = World::with_org();
    for name in ["a", "b", "c", "d", "e"] {
        w.ok(&["repos", "create", "hm", name]);
    }
    for forge in ["github", "codeberg"] {
        w.arm(forge, &serde_json::json!({"latency_ms": 300}));
    }
    let (child, rest) = sync_in_flight(&w);
    kill(child.id(), "-TERM");
    let out = child.wait_with_output().unwrap();
    let stdout = rest.join().unwrap();
    assert_eq!(out.status.code(), Some(143), "{stdout}");
    assert!(stdout.contains("\"type\":\"stopping\""), "{stdout}");
    assert!(
        stdout.contains("stopping after the current step (signal again to exit now)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("run the same command again to resume"),
        "{stdout}"
    );
    let made = ["a", "b", "c", "d", "e"]
        .iter()
        .filter(|n| w.remote_repo("github", n).is_some())
        .count();
    assert!(made < 5, "stopped before the end");

    // A second signal does not wait for the step in flight.
    for forge in ["github", "codeberg"] {
        w.arm(forge, &serde_json::json!({"latency_ms": 0}));
    }
    w.ok(&["repos", "create", "hm", "f"]);
    w.ok(&["repos", "create", "hm", "g"]);
    let resumed = w.ok(&["repos", "sync", "hm", "--yes", "--allow-large"]);
    for name in ["a", "b", "c", "d", "e", "f", "g"] {
        assert!(
            w.remote_repo("github", name).is_some(),
            "{}",
            resumed.render()
        );
    }
    for name in ["h", "i", "j"] {
        w.ok(&["repos", "create", "hm", name]);
    }
    for forge in ["github", "codeberg"] {
        w.arm(forge, &serde_json::json!({"latency_ms": 2500}));
    }
    let (child, _) = sync_in_flight(&w);
    kill(child.id(), "-INT");
    std::thread::sleep(Duration::from_millis(200));
    let sent = Instant::now();
    kill(child.id(), "-INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        sent.elapsed() < Duration::from_millis(2000),
        "{:?}",
        sent.elapsed()
    );
}
