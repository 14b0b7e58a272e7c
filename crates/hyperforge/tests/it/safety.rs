//! The safety rules through the binary: protected repositories, the blast radius, a sync
//! of one repository, and a dry run that changes nothing anywhere.

use hyperforge_forge::RepoPatch;
use infra_testkit::TreeSnapshot;

use crate::common::{World, git, repo_with_commit};

#[test]
fn a_protected_repository_is_not_removed_or_made_private_without_force() {
    let w = World::with_org();
    w.create_on("github", "keep", None, false);
    w.create_on("codeberg", "keep", None, false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "update", "hm", "keep", "--protected", "true"]);
    w.ok(&["repos", "sync", "hm", "--yes"]);

    let t = w.run(&["repos", "remove", "hm", "keep"]);
    assert_eq!(t.code, Some(4), "{}", t.render());
    assert!(
        t.stderr.contains("repository `keep` is protected") && t.stderr.contains("--force"),
        "{}",
        t.render()
    );
    assert!(w.staged_yaml().is_empty(), "nothing staged");

    w.ok(&["repos", "update", "hm", "keep", "--visibility", "private"]);
    let t = w.run(&["repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(4), "{}", t.render());
    assert!(
        t.stderr.contains("is protected: it would be made private"),
        "{}",
        t.render()
    );
    assert!(
        !w.remote_repo("github", "keep").unwrap().private,
        "still public"
    );
    assert!(
        w.staged_yaml().contains("keep"),
        "the staged change is kept"
    );

    w.ok(&["repos", "sync", "hm", "--yes", "--force"]);
    assert!(w.remote_repo("github", "keep").unwrap().private);
    assert!(w.remote_repo("codeberg", "keep").unwrap().private);

    w.ok(&["repos", "remove", "hm", "keep", "--force"]);
    let t = w.run(&["repos", "sync", "hm", "--yes"]);
    assert_eq!(
        t.code,
        Some(4),
        "a staged removal does not lift the protection: {}",
        t.render()
    );
    assert!(w.remote_repo("github", "keep").is_some());
    // The removal is two-phase: retired (archived, private) first, deleted after the grace
    // period or with --purge.
    w.ok(&["repos", "sync", "hm", "--yes", "--force"]);
    let kept = w.remote_repo("github", "keep").unwrap();
    assert!(kept.archived && kept.private, "{kept:?}");
    assert!(w.repos_yaml().contains("retired_at:"), "{}", w.repos_yaml());
    assert!(
        w.staged_yaml().is_empty(),
        "the removal is recorded as the retirement"
    );
    let t = w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(
        t.stdout.contains("0 to create, 0 to update, 0 to delete"),
        "retired stays retired: {}",
        t.render()
    );
    let t = w.ok(&["repos", "diff", "hm", "--purge"]);
    assert!(
        t.stdout
            .contains("- keep on github (protected: needs --force)"),
        "{}",
        t.render()
    );
    let t = w.run(&["repos", "sync", "hm", "--yes", "--purge"]);
    assert_eq!(t.code, Some(4), "{}", t.render());
    w.ok(&["repos", "sync", "hm", "--yes", "--force", "--purge"]);
    assert!(
        w.remote_repo("github", "keep").is_none() && w.remote_repo("codeberg", "keep").is_none()
    );
    assert!(!w.repos_yaml().contains("keep:"), "{}", w.repos_yaml());
}

#[test]
fn a_removed_repository_is_deleted_once_its_grace_period_is_over() {
    let w = World::with_org();
    w.create_on("github", "old", None, false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "remove", "hm", "old"]);
    let t = w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(
        t.stdout
            .contains("~ old on github: private false → true; archived false → true"),
        "{}",
        t.render()
    );
    assert!(w.remote_repo("github", "old").unwrap().archived);
    // Retired long ago: the next sync deletes it.
    let config = w.config_dir().join("orgs/hm/repos.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let at = text
        .lines()
        .find(|l| l.contains("retired_at:"))
        .unwrap()
        .to_string();
    std::fs::write(
        &config,
        text.replace(&at, "    retired_at: \"2020-01-01T00:00:00.000000000Z\""),
    )
    .unwrap();
    let t = w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(t.stdout.contains("- old on github"), "{}", t.render());
    assert!(w.remote_repo("github", "old").is_none());
    assert!(!w.repos_yaml().contains("old:"));
    // With a grace of 0 days a removal deletes at the first sync.
    let cfg = w.config_dir().join("config.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace(
            "    origin: github\n",
            "    origin: github\n    defaults:\n      delete_grace_days: 0\n",
        ),
    )
    .unwrap();
    w.create_on("github", "tmp", None, false);
    w.ok(&["repos", "converge", "hm", "--yes", "--auto-import"]);
    w.ok(&["repos", "remove", "hm", "tmp"]);
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(w.remote_repo("github", "tmp").is_none());
}

#[test]
fn a_change_to_more_than_the_limit_needs_allow_large() {
    let w = World::with_org();
    for i in 0..8 {
        w.create_on("github", &format!("r{i}"), None, false);
        w.create_on("codeberg", &format!("r{i}"), None, false);
    }
    w.ok(&["org", "import", "hm"]);
    for i in 0..3 {
        w.ok(&[
            "repos",
            "update",
            "hm",
            &format!("r{i}"),
            "--description",
            "bulk edit",
        ]);
    }
    let t = w.run(&["repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(4), "3 of 8 is more than 25 %: {}", t.render());
    assert!(
        t.stderr.contains("changes 3 of 8 repositories") && t.stderr.contains("--allow-large"),
        "{}",
        t.render()
    );
    assert!(
        w.remote("github").iter().all(|r| r.description.is_none()),
        "nothing applied"
    );
    w.ok(&["repos", "sync", "hm", "--yes", "--allow-large"]);
    assert_eq!(
        w.remote("github")
            .iter()
            .filter(|r| r.description.is_some())
            .count(),
        3
    );
}

#[test]
fn a_sync_of_one_repository_leaves_the_others_staged() {
    let w = World::with_org();
    w.ok(&["repos", "create", "hm", "one"]);
    w.ok(&["repos", "create", "hm", "two", "--visibility", "private"]);
    let t = w.ok(&["repos", "sync", "hm", "one", "--yes"]);
    assert!(
        t.stdout.contains("+ one on github") && !t.stdout.contains("two"),
        "{}",
        t.render()
    );
    assert!(w.remote_repo("github", "one").is_some() && w.remote_repo("codeberg", "one").is_some());
    assert!(w.remote_repo("github", "two").is_none());
    let staged = w.staged_yaml();
    assert!(
        staged.contains("two:") && !staged.contains("one:"),
        "{staged}"
    );
    assert!(w.repos_yaml().contains("one:"));
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(w.remote_repo("codeberg", "two").unwrap().private);
}

#[test]
fn a_dry_run_writes_nothing_anywhere() {
    let w = World::with_org();
    w.create_on("github", "api", Some("the API"), false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "create", "hm", "new-repo"]);
    w.ok(&["repos", "update", "hm", "api", "--description", "changed"]);
    w.ok(&["workspace", "bind", w.ws.to_str().unwrap(), "hm"]);
    repo_with_commit(&w.ws.join("api"), "a.txt", "a\n");
    let remotes_before = git(&w.ws.join("api"), &["remote", "-v"]);
    let config_before = TreeSnapshot::capture(w.config_dir());
    let ws_before = TreeSnapshot::capture(&w.ws);
    let forges_before = (w.remote("github"), w.remote("codeberg"));

    for args in [
        &["repos", "sync", "hm", "--dry-run"][..],
        &["repos", "sync", "hm", "--dry-run", "--yes"],
        &["repos", "converge", "hm", "--dry-run"],
        &["--json", "repos", "sync", "--all", "--dry-run"],
    ] {
        let t = w.ok(args);
        assert!(t.stdout.contains("new-repo"), "{}", t.render());
    }
    let t = w.ok(&["repos", "sync", "hm", "--dry-run"]);
    assert!(
        t.stderr.contains("remote github of api: to add"),
        "would-be remotes are shown: {}",
        t.render()
    );

    assert_eq!(git(&w.ws.join("api"), &["remote", "-v"]), remotes_before);
    infra_testkit::assert_unchanged(&config_before, &TreeSnapshot::capture(w.config_dir()));
    infra_testkit::assert_unchanged(&ws_before, &TreeSnapshot::capture(&w.ws));
    assert_eq!((w.remote("github"), w.remote("codeberg")), forges_before);
    assert!(!w.config_dir().join("logs").exists(), "no step log");
    // And the drift detector agrees with the dry run's plan.
    w.patch_on(
        "github",
        "api",
        &RepoPatch {
            archived: Some(true),
            ..RepoPatch::default()
        },
    );
    let t = w.ok(&["repos", "diff", "hm"]);
    assert!(
        t.stdout.contains(
            "~ api on github: description \"the API\" → \"changed\"; archived true → false"
        ),
        "{}",
        t.render()
    );
}

#[test]
fn a_sync_waits_for_another_apply_of_the_same_org() {
    let w = World::with_org();
    w.ok(&["repos", "create", "hm", "c0"]);
    // Another hyperforge (the hub, `watch`, a second terminal) is applying to the org.
    let lock_path = w.config_dir().join("orgs/hm/.sync.lock");
    let held = infra_fs::FileLock::try_exclusive_create(&lock_path)
        .unwrap()
        .unwrap();
    let mut child = w
        .cmd()
        .args(["--json", "repos", "sync", "hm", "--yes"])
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the sync waits for the other apply"
    );
    assert!(
        w.remote_repo("github", "c0").is_none(),
        "and has changed nothing yet"
    );
    // Staging still works meanwhile: only applies are serialised.
    w.ok(&["repos", "create", "hm", "c1"]);
    drop(held);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(w.remote_repo("github", "c0").is_some() && w.remote_repo("github", "c1").is_some());
    // A dry run neither waits nor leaves a lock file behind.
    let held = infra_fs::FileLock::try_exclusive_create(&lock_path)
        .unwrap()
        .unwrap();
    w.ok(&["repos", "sync", "hm", "--dry-run"]);
    drop(held);
}
