//! Remotes on a real clone: added, corrected, kept; a dry run changes nothing; a push to a
//! bare mirror carries the branches.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use hyperforge_git::{RemoteChange, ensure_remotes, push_all};
use infra_process::Interrupt;

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn remotes_are_made_right_and_pushes_reach_the_mirror() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let mirror = dir.path().join("mirror.git");
    std::fs::create_dir(&work).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    git(
        &work,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@x",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "first",
        ],
    );
    git(
        dir.path(),
        &["init", "-q", "--bare", mirror.to_str().unwrap()],
    );
    git(
        &work,
        &["remote", "add", "gitea", "https://wrong.example/x.git"],
    );
    git(
        &work,
        &["remote", "add", "mine", "https://keep.example/x.git"],
    );
    let wanted = vec![
        ("github".to_string(), mirror.display().to_string()),
        (
            "gitea".to_string(),
            "https://gitea.example/acme/x.git".to_string(),
        ),
    ];
    let none = Interrupt::none();
    let dry = ensure_remotes(&work, &wanted, true, &none).unwrap();
    assert!(
        matches!(dry[0], RemoteChange::Added(..)) && matches!(dry[1], RemoteChange::Corrected(..))
    );
    assert!(
        git(&work, &["remote"]).lines().all(|r| r != "github"),
        "a dry run adds nothing"
    );
    ensure_remotes(&work, &wanted, false, &none).unwrap();
    assert_eq!(
        git(&work, &["remote", "get-url", "gitea"]),
        "https://gitea.example/acme/x.git"
    );
    assert_eq!(
        git(&work, &["remote", "get-url", "mine"]),
        "https://keep.example/x.git",
        "others untouched"
    );
    let again = ensure_remotes(&work, &wanted, false, &none).unwrap();
    assert!(
        again.iter().all(|c| matches!(c, RemoteChange::Kept(_))),
        "idempotent: {again:?}"
    );
    assert!(
        push_all(&work, "github", None, &none).unwrap(),
        "the first push changes refs"
    );
    assert!(
        !push_all(&work, "github", None, &none).unwrap(),
        "the second is up to date"
    );
    assert_eq!(
        git(&mirror, &["rev-parse", "main"]),
        git(&work, &["rev-parse", "main"])
    );
}
