//! The workspace's GitLab client (`hyperforge_forge::GitLabForge`) against the real
//! `forge-emulator --kind gitlab`: identity and scopes, every page of a group's and a user's
//! listing, create with a conflict on duplicates, rename, visibility, archive, delete, a
//! wrong token failing at once, 429 and 5xx retried, and a push and clone of a project over
//! git smart HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hyperforge_forge::{Forge as _, ForgeError, GitLabForge, NewRepo, RepoPatch, RetryPolicy};

struct Emu(Child, String);

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        for _ in 0..250 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start() -> Emu {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forge-emulator"))
        .args([
            "--kind",
            "gitlab",
            "--listen",
            "127.0.0.1:0",
            "--user",
            "alice:t-alice",
            "--user",
            "bob:t-bob:read_api,read_user",
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

fn forge(emu: &Emu, token: &str) -> GitLabForge {
    let retry = RetryPolicy {
        attempts: 4,
        base: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    };
    GitLabForge::new(
        &format!("{}/api/v4", emu.1),
        token,
        Duration::from_secs(10),
        retry,
    )
    .unwrap()
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

fn new_repo(name: &str, private: bool) -> NewRepo {
    NewRepo {
        name: name.to_string(),
        description: Some("d".into()),
        private,
    }
}

#[test]
fn identity_scopes_and_tokens() {
    let emu = start();
    let me = forge(&emu, "t-alice").identity().unwrap();
    assert_eq!(me.login, "alice");
    assert_eq!(me.scopes, Some(vec!["api".to_string()]));
    assert_eq!(me.expires_at, None);
    let reader = forge(&emu, "t-bob");
    let bob = reader.identity().unwrap();
    assert_eq!(
        bob.scopes,
        Some(vec!["read_api".to_string(), "read_user".to_string()])
    );
    let refused = reader.create_repo("bob", &new_repo("x", false));
    assert!(
        matches!(refused, Err(ForgeError::Auth { status: 403, .. })),
        "{refused:?}"
    );
    fault(
        &emu,
        r#"{"status": 404, "count": 1, "path_prefix": "/api/v4/personal_access_tokens"}"#,
    );
    let no_pat = forge(&emu, "t-alice").identity().unwrap();
    assert_eq!((no_pat.login.as_str(), no_pat.scopes), ("alice", None));
    let wrong = forge(&emu, "t-wrong");
    let err = wrong.identity().unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(wrong.requests(), 1, "a wrong token is not retried");
}

#[test]
fn lifecycle_through_every_page() {
    let emu = start();
    let forge = forge(&emu, "t-alice");
    for i in 0..130 {
        let made = forge
            .create_repo("acme", &new_repo(&format!("r{i:03}"), i % 3 == 0))
            .unwrap();
        assert_eq!((made.owner.as_str(), made.private), ("acme", i % 3 == 0));
    }
    let dup = forge.create_repo("acme", &new_repo("r000", false));
    assert!(matches!(dup, Err(ForgeError::Conflict { .. })), "{dup:?}");
    let before = forge.requests();
    let listed = forge.list_repos("acme").unwrap();
    assert_eq!(listed.len(), 130);
    assert_eq!(forge.requests() - before, 2, "two pages of 100");
    let r005 = listed.iter().find(|r| r.name == "r005").unwrap();
    assert_eq!(r005.clone_url, format!("{}/acme/r005.git", emu.1));
    assert_eq!(r005.html_url, format!("{}/acme/r005", emu.1));
    assert!(r005.id.parse::<u64>().is_ok(), "{}", r005.id);
    assert_eq!(r005.description.as_deref(), Some("d"));
    let own = forge.create_repo("alice", &new_repo("mine", true)).unwrap();
    assert_eq!(own.owner, "alice");
    let mine = forge.list_repos("alice").unwrap();
    assert_eq!(
        mine.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["mine"]
    );
    let missing = forge.list_repos("nobody");
    assert!(
        matches!(missing, Err(ForgeError::NotFound { .. })),
        "{missing:?}"
    );

    let patch = RepoPatch {
        name: Some("renamed".into()),
        private: Some(true),
        archived: Some(true),
        ..RepoPatch::default()
    };
    let renamed = forge.update_repo("acme", "r001", &patch).unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.private, renamed.archived),
        ("renamed", true, true)
    );
    let unarchive = RepoPatch {
        archived: Some(false),
        description: Some("back".into()),
        private: Some(false),
        ..RepoPatch::default()
    };
    let back = forge.update_repo("acme", "renamed", &unarchive).unwrap();
    assert_eq!((back.archived, back.private), (false, false));
    assert_eq!(back.description.as_deref(), Some("back"));
    let taken = forge.update_repo(
        "acme",
        "renamed",
        &RepoPatch {
            name: Some("r002".into()),
            ..RepoPatch::default()
        },
    );
    assert!(
        matches!(taken, Err(ForgeError::Conflict { .. })),
        "{taken:?}"
    );
    forge.delete_repo("acme", "r002").unwrap();
    let gone = forge.delete_repo("acme", "r002");
    assert!(matches!(gone, Err(ForgeError::NotFound { .. })), "{gone:?}");
    let after = forge.list_repos("acme").unwrap();
    assert_eq!(after.len(), 129);
    assert!(after.iter().any(|r| r.name == "renamed") && !after.iter().any(|r| r.name == "r001"));
}

#[test]
fn rate_limits_and_server_errors_are_retried() {
    let emu = start();
    let forge = forge(&emu, "t-alice");
    forge.identity().unwrap();
    forge.create_repo("acme", &new_repo("code", false)).unwrap();
    fault(&emu, r#"{"status": 503, "count": 2}"#);
    fault(
        &emu,
        r#"{"rate_limit": true, "count": 1, "retry_after": 1}"#,
    );
    let before = forge.requests();
    let listed = forge.list_repos("acme").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(forge.requests() - before, 4, "503, 503, 429, then the page");
    fault(&emu, r#"{"status": 500}"#);
    let down = forge.list_repos("acme");
    assert!(matches!(down, Err(ForgeError::Network { .. })), "{down:?}");
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap()
}

#[test]
fn push_and_clone_a_project_over_smart_http() {
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let emu = start();
    let forge = forge(&emu, "t-alice");
    let made = forge.create_repo("acme", &new_repo("code", true)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    assert!(git(&work, &["init", "-q", "-b", "main"]).status.success());
    std::fs::write(work.join("README"), "hello\n").unwrap();
    git(&work, &["add", "README"]);
    assert!(git(&work, &["commit", "-qm", "first"]).status.success());
    let with = |token: &str| {
        made.clone_url
            .replace("http://", &format!("http://oauth2:{token}@"))
    };
    let denied = git(&work, &["push", "-q", &with("t-bob"), "main"]);
    assert!(!denied.status.success(), "bob does not own acme");
    let pushed = git(&work, &["push", "-q", &with("t-alice"), "main"]);
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let anonymous = git(dir.path(), &["clone", "-q", &made.clone_url, "anon"]);
    assert!(
        !anonymous.status.success(),
        "a private project needs a token"
    );
    let clone = git(dir.path(), &["clone", "-q", &with("t-alice"), "back"]);
    assert!(
        clone.status.success(),
        "{}",
        String::from_utf8_lossy(&clone.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("back/README")).unwrap(),
        "hello\n"
    );
}
