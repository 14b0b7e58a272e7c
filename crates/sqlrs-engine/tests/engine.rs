//! The engine binary over real HTTP on loopback: discovery file, health without a token,
//! 401 without the token, JSON with it, the error envelope, idle and signal shutdown
//! removing `engine.json`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

#[allow(
    clippy::zombie_processes,
    reason = "the child is returned to the test, which waits for it"
)]
fn start(dir: &Path, idle: &str) -> (Child, serde_json::Value) {
    let child = Command::new(env!("CARGO_BIN_EXE_sqlrs-engine"))
        .arg("--state-store")
        .arg(dir.join("store"))
        .arg("--write-engine-json")
        .arg(dir.join("engine.json"))
        .args(["--idle-timeout", idle])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(dir.join("engine.json"))
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        {
            return (child, v);
        }
        assert!(Instant::now() < deadline, "engine.json never appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `(status, body)` of a GET.
fn get(endpoint: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(endpoint).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_engine_announces_itself_guards_its_api_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, announce) = start(dir.path(), "0");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("engine.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let endpoint = announce["endpoint"].as_str().unwrap();
    assert!(endpoint.starts_with("127.0.0.1:"), "{endpoint}");
    let token = announce["authToken"].as_str().unwrap();

    let (status, body) = get(endpoint, "/v1/health", None);
    assert_eq!(status, 200);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["instanceId"], announce["instanceId"]);

    let (status, body) = get(endpoint, "/v1/states", None);
    assert_eq!((status, body.as_str()), (401, ""));
    let (status, _) = get(endpoint, "/v1/states", Some("wrong"));
    assert_eq!(status, 401);
    let (status, body) = get(endpoint, "/v1/states", Some(token));
    assert_eq!((status, body.as_str()), (200, "[]"));
    let (status, body) = get(endpoint, "/v1/states/nothex", Some(token));
    assert_eq!(status, 400);
    let e: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["code"], "invalid_argument");
    assert_eq!(e["details"], "id");
    let (status, body) = get(
        endpoint,
        &format!("/v1/instances/{}", "a".repeat(32)),
        Some(token),
    );
    assert_eq!(status, 404, "{body}");

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(!dir.path().join("engine.json").exists());
}

#[test]
fn a_second_engine_on_the_same_store_is_refused_and_the_first_keeps_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut first, announce) = start(dir.path(), "0");
    let out = Command::new(env!("CARGO_BIN_EXE_sqlrs-engine"))
        .arg("--state-store")
        .arg(dir.path().join("store"))
        .arg("--write-engine-json")
        .arg(dir.path().join("engine.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another sqlrs engine is running"), "{err}");
    let still: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("engine.json")).unwrap())
            .unwrap();
    assert_eq!(still, announce);
    Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(first.wait().unwrap().success());
}

#[test]
fn an_idle_engine_exits_and_removes_its_announcement() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, _) = start(dir.path(), "1");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the idle engine did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!dir.path().join("engine.json").exists());
}
