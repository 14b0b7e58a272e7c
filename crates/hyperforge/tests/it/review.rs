//! Regressions from the hostile review (docs/hyperforge/review.md): each test is one
//! finding, reproduced through the binary, now refused or handled.

use crate::common::{World, last};

/// Finding 1: a name differing only in case never takes over another repository.
#[test]
fn a_name_differing_only_in_case_is_refused() {
    let w = World::with_org();
    w.create_on("github", "existing", Some("theirs"), false);
    w.ok(&["org", "import", "hm"]);
    let t = w.run(&["repos", "create", "hm", "Existing"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr
            .contains("differs from the declared `existing` only in case"),
        "{}",
        t.render()
    );
    // Undeclared on the forge: refused when planning, before anything is changed.
    w.create_on("github", "Other", Some("theirs"), false);
    w.ok(&[
        "repos",
        "create",
        "hm",
        "other",
        "--forges",
        "github",
        "--visibility",
        "private",
    ]);
    let t = w.run(&["repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr
            .contains("`other` differs from `Other` on github only in case"),
        "{}",
        t.render()
    );
    let other = w.remote_repo("github", "Other").unwrap();
    assert!(!other.private && other.description.as_deref() == Some("theirs"));
}

/// Finding 2: values written into ~/.ssh/config cannot carry options of their own.
#[test]
fn ssh_settings_cannot_inject_ssh_options() {
    let w = World::with_org();
    let t = w.run(&[
        "forge",
        "add",
        "g",
        "--kind",
        "github",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "env:GH_TOKEN",
        "--ssh-host",
        "h\nProxyCommand touch /tmp/pwned",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let cfg = w.config_dir().join("config.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let evil = text.replace(
        "  github:\n    kind: github\n",
        "  github:\n    kind: github\n    ssh_host: \"h\\nProxyCommand touch /tmp/pwned\"\n",
    );
    assert_ne!(evil, text);
    std::fs::write(&cfg, &evil).unwrap();
    let t = w.run(&["repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("forges.github.ssh_host"),
        "{}",
        t.render()
    );
    assert!(!w.scratch.path().join("env/home/.ssh/config").exists());
}

/// Finding 3: a saved plan is applied only while it is what the desired state asks.
#[test]
fn a_saved_plan_that_no_longer_matches_the_desired_state_is_refused() {
    let w = World::with_org();
    w.create_on("github", "api", None, false);
    w.create_on("codeberg", "api", None, false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "create", "hm", "a"]);
    let plan = w.scratch.path().join("a.json");
    w.ok(&["repos", "plan", "hm", "--out", plan.to_str().unwrap()]);
    // The desired state changes after the plan was made.
    w.ok(&["repos", "remove", "hm", "a"]);
    w.ok(&["repos", "update", "hm", "api", "--description", "x"]);
    let t = w.run(&["repos", "apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("not what the desired state asks now"),
        "{}",
        t.render()
    );
    assert!(w.remote_repo("github", "a").is_none(), "nothing applied");
    // A hand-edited step is refused the same way.
    w.ok(&["repos", "plan", "hm", "--out", plan.to_str().unwrap()]);
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replace("\"to\": \"x\"", "\"to\": \"hand-edited\""),
    )
    .unwrap();
    let t = w.run(&["repos", "apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert_eq!(w.remote_repo("github", "api").unwrap().description, None);
}

/// Finding 4: a rename onto a name a forge already holds is refused, not merged.
#[test]
fn a_rename_onto_an_existing_repository_is_refused() {
    let w = World::with_org();
    w.create_on("github", "foo", None, false);
    w.ok(&["org", "import", "hm"]);
    w.create_on("github", "victim", Some("theirs"), false);
    w.ok(&["repos", "update", "hm", "foo", "--rename", "victim"]);
    let t = w.run(&["--json", "repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let e = last(&t, "error");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a repository named `victim` exists there"),
        "{e}"
    );
    assert_eq!(
        w.remote_repo("github", "victim")
            .unwrap()
            .description
            .as_deref(),
        Some("theirs")
    );
    assert!(w.remote_repo("github", "foo").is_some());
}

/// Finding 5: git gets a forge's token for that forge's host only — a remote rewritten to
/// another host (or a redirect) gets nothing.
#[test]
fn tokens_go_only_to_their_forge() {
    use std::io::{Read as _, Write as _};
    let w = World::with_org();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(8) {
            let Ok(mut c) = conn else { continue };
            let mut buf = [0u8; 8192];
            let n = c.read(&mut buf).unwrap_or(0);
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).to_lowercase());
            let _ = c.write_all(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    w.ok(&["repos", "create", "hm", "new-repo"]);
    w.ok(&["workspace", "bind", w.ws.to_str().unwrap(), "hm"]);
    let clone = w.ws.join("new-repo");
    crate::common::repo_with_commit(&clone, "f", "x\n");
    crate::common::git(
        &clone,
        &[
            "config",
            &format!("url.http://127.0.0.1:{port}/.insteadOf"),
            &format!("{}/", w.cb.url),
        ],
    );
    let t = w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(
        t.stderr.contains("pushing new-repo to codeberg failed"),
        "{}",
        t.render()
    );
    let requests = seen.lock().unwrap().clone();
    assert!(!requests.is_empty(), "git went to the rewritten host");
    assert!(
        requests.iter().all(|r| !r.contains("authorization:")),
        "{requests:?}"
    );
}

/// Findings 8, 11, 13, 16: damaged or odd inputs are refused up front, located, quickly.
#[test]
fn odd_files_and_values_are_refused_up_front() {
    let w = World::with_org();
    w.create_on("github", "k1", None, false);
    w.ok(&["org", "import", "hm"]);
    let repos = w.config_dir().join("orgs/hm/repos.yaml");
    let text = std::fs::read_to_string(&repos).unwrap();
    std::fs::write(&repos, "version: 1\nrepos:\n  k1:\n    forges: [gitlabz]\n").unwrap();
    let t = w.run(&["--json", "repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let e = last(&t, "error");
    assert_eq!(
        e["error"]["diagnostics"][0]["key"], "repos.k1.forges",
        "{e}"
    );
    assert!(
        !t.stdout.contains("\"type\":\"refreshed\""),
        "no forge asked before the files are checked"
    );
    std::fs::write(&repos, &text).unwrap();
    for (args, code) in [
        (&["repos", "create", "hm", "x.git"][..], 3),
        (&["repos", "create", "hm", "x", "--forges", ""], 3),
        (&["repos", "diff", "hm", "--repo", "nope"], 3),
        (&["--color", "sometimes", "org", "list"], 2),
        (&["--config-dir", "/dev/null", "org", "list"], 3),
        (
            &[
                "org",
                "create",
                "o2",
                "--owner",
                "github=a,github=b",
                "--forges",
                "github",
            ],
            3,
        ),
    ] {
        let t = w.run(args);
        assert_eq!(t.code, Some(code), "{args:?}: {}", t.render());
    }
    let t = w.run(&["repos", "create", "hm", "--", "-x"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let long = "a".repeat(5000);
    let t = w.run(&["repos", "create", "hm", &long]);
    assert_eq!(t.code, Some(3));
    assert!(
        t.stderr.len() < 600,
        "the name is not echoed in full: {}",
        t.stderr.len()
    );
    // A state file that is not a regular file is refused at once (no hang, no OOM).
    std::fs::remove_file(&repos).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &repos).unwrap();
    let t = w.run(&["repos", "list", "hm"]);
    assert_eq!(t.code, Some(1), "{}", t.render());
    assert!(t.stderr.contains("repos.yaml"), "{}", t.render());
}

/// Findings 11 and 12: a copy left on a forge the repository no longer lists is reported;
/// unarchiving a retired repository takes its removal back.
#[test]
fn orphaned_copies_are_listed_and_a_retirement_can_be_undone() {
    let w = World::with_org();
    w.create_on("github", "r", None, false);
    w.create_on("codeberg", "r", None, false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "update", "hm", "r", "--forges", "github"]);
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    assert_eq!(
        d["untracked_remote"],
        serde_json::json!(["codeberg/r"]),
        "{d}"
    );
    w.ok(&["repos", "sync", "hm", "--yes"]);
    w.ok(&["repos", "remove", "hm", "r"]);
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(w.remote_repo("github", "r").unwrap().archived);
    w.ok(&["repos", "update", "hm", "r", "--archived", "false"]);
    let t = w.ok(&["repos", "sync", "hm", "--yes", "--purge"]);
    assert!(
        !t.stdout.contains("- r on github"),
        "not deleted: {}",
        t.render()
    );
    let r = w.remote_repo("github", "r").unwrap();
    assert!(!r.archived, "{r:?}");
    assert!(!w.repos_yaml().contains("retired_at"));
}

/// Findings 14 and 15: token and workspace edge cases.
#[test]
fn token_and_workspace_edge_cases() {
    let w = World::with_org();
    let file = w.scratch.path().join("tok");
    std::fs::write(&file, format!("{}\r\nx\n", crate::common::CB_TOKEN)).unwrap();
    w.ok(&[
        "forge",
        "add",
        "codeberg",
        "--kind",
        "gitea",
        "--api-url",
        &w.cb.api,
        "--token-ref",
        &format!("file:{}", file.display()),
        "--replace",
    ]);
    let t = w.run(&["repos", "diff", "hm"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(t.stderr.contains("control characters"), "{}", t.render());
    let t = w
        .cmd()
        .args(["secrets", "set", "k"])
        .stdin(b"a\nb\n".to_vec())
        .output();
    assert_eq!(t.code, Some(3), "{}", t.render());
    let secrets = w.config_dir().join("secrets.yaml");
    let elsewhere = w.scratch.path().join("elsewhere.yaml");
    std::fs::write(&elsewhere, "x: y\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, &secrets).unwrap();
    let t = w
        .cmd()
        .args(["secrets", "set", "k"])
        .stdin(b"v".to_vec())
        .output();
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "x: y\n");

    let clone = w.ws.join("c");
    crate::common::repo_with_commit(&clone, "f", "x\n");
    let t = w.run(&["workspace", "bind", clone.to_str().unwrap(), "hm"]);
    assert_eq!(
        t.code,
        Some(3),
        "a clone is not a workspace: {}",
        t.render()
    );
    let t = w.run(&[
        "workspace",
        "bind",
        w.scratch.path().join("missing").to_str().unwrap(),
        "hm",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    w.ok(&[
        "org", "create", "o2", "--owner", "alice", "--forges", "github",
    ]);
    w.ok(&["workspace", "bind", w.ws.to_str().unwrap(), "hm"]);
    let t = w.run(&["workspace", "bind", w.ws.to_str().unwrap(), "o2"]);
    assert_eq!(
        t.code,
        Some(3),
        "a binding does not move silently: {}",
        t.render()
    );
    w.ok(&["org", "remove", "hm", "--force"]);
    let t = w.run(&["repos", "sync", "--yes"]);
    assert_eq!(
        t.code,
        Some(2),
        "no org silently becomes the default: {}",
        t.render()
    );
}

/// Finding 7: a mirror whose content did not arrive (a push failed, or the apply was killed
/// after the create) is retried at the next sync, not called in sync.
#[test]
fn a_mirror_set_up_that_failed_is_retried() {
    let w = World::with_org();
    w.create_on("github", "content", None, false);
    let src = w.scratch.path().join("src");
    crate::common::repo_with_commit(&src, "f", "x\n");
    let url = format!("{}/acme/content.git", w.gh.url);
    let push = std::process::Command::new("git")
        .current_dir(&src)
        .args(["-c", "credential.helper=", "-c"])
        .arg(format!(
            "credential.helper=!f() {{ echo username=a; echo password={}; }}; f",
            crate::common::GH_TOKEN
        ))
        .args(["push", "--quiet", &url, "main"])
        .output()
        .unwrap();
    assert!(push.status.success());
    w.ok(&["org", "import", "hm"]);
    w.ok(&[
        "repos",
        "update",
        "hm",
        "content",
        "--forges",
        "github,codeberg",
    ]);
    // The mirror's git endpoint fails: the create succeeds, the content does not arrive.
    w.arm(
        "codeberg",
        &serde_json::json!({"status": 500, "path_prefix": "/acme-mirror/content.git"}),
    );
    let t = w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(
        t.stderr.contains("retried at the next sync"),
        "{}",
        t.render()
    );
    assert!(w.config_dir().join("orgs/hm/pending-mirrors.json").exists());
    w.disarm("codeberg");
    let t = w.ok(&["--json", "repos", "sync", "hm", "--yes"]);
    assert_eq!(last(&t, "pushed")["forge"], "codeberg", "{}", t.render());
    assert!(!w.config_dir().join("orgs/hm/pending-mirrors.json").exists());
    let head = crate::common::git(
        &src,
        &[
            "ls-remote",
            &format!("{}/acme-mirror/content.git", w.cb.url),
            "refs/heads/main",
        ],
    );
    assert!(!head.is_empty(), "the mirror has the content");
}
