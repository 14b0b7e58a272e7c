//! The workspace's own forge client (`hyperforge-forge`), pointed at the emulator as at a
//! GitHub Enterprise Server (`…/api/v3`) or a Gitea (`…/api/v1`), works unchanged: identity,
//! every page of a listing, create with a conflict on duplicates, rename, delete, and retries
//! through injected faults.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hyperforge_forge::{
    Dialect, Forge as _, ForgeError, NewRepo, RepoPatch, RestForge, RetryPolicy,
};

struct Emu(Child, String);

impl Drop for Emu {
    fn drop(&mut self) {
        terminate(&mut self.0);
    }
}

fn start(kind: &str) -> Emu {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forge-emulator"))
        .args([
            "--kind",
            kind,
            "--listen",
            "127.0.0.1:0",
            "--user",
            "alice:t-alice",
            "--org",
            "acme",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    Emu(child, base)
}

fn fault(emu: &Emu, body: &str) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/_emulator/faults", emu.1))
        .header("authorization", "Bearer t-alice")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
}

fn exercise(kind: &str, dialect: Dialect, prefix: &str) {
    let emu = start(kind);
    let retry = RetryPolicy {
        attempts: 4,
        base: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    };
    let forge = RestForge::new(
        dialect,
        &format!("{}{prefix}", emu.1),
        "t-alice",
        Duration::from_secs(10),
        retry,
    )
    .unwrap();
    let me = forge.identity().unwrap();
    assert_eq!(me.login, "alice");
    for i in 0..130 {
        let repo = NewRepo {
            name: format!("r{i:03}"),
            description: Some("d".into()),
            private: i % 3 == 0,
        };
        forge.create_repo("acme", &repo).unwrap();
    }
    let dup = NewRepo {
        name: "r000".into(),
        description: None,
        private: false,
    };
    assert!(matches!(
        forge.create_repo("acme", &dup),
        Err(ForgeError::Conflict { .. })
    ));
    let listed = forge.list_repos("acme").unwrap();
    assert_eq!(listed.len(), 130);
    assert!(
        listed
            .iter()
            .all(|r| r.owner == "acme" && r.clone_url.starts_with(&emu.1))
    );
    fault(&emu, r#"{"status": 503, "count": 2}"#);
    fault(
        &emu,
        r#"{"rate_limit": true, "count": 1, "retry_after": 1}"#,
    );
    let patch = RepoPatch {
        name: Some("renamed".into()),
        archived: Some(true),
        ..RepoPatch::default()
    };
    let renamed = forge.update_repo("acme", "r001", &patch).unwrap();
    assert_eq!((renamed.name.as_str(), renamed.archived), ("renamed", true));
    forge.delete_repo("acme", "r002").unwrap();
    assert_eq!(forge.list_repos("acme").unwrap().len(), 129);
}

#[test]
fn github_client_against_the_emulator() {
    exercise("github", Dialect::GitHub, "/api/v3");
}

#[test]
fn gitea_client_against_the_emulator() {
    exercise("gitea", Dialect::Gitea, "/api/v1");
}

/// SIGTERM (so the emulator removes its temporary state), then SIGKILL if it lingers.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    for _ in 0..250 {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
