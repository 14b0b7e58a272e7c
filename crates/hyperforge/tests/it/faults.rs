//! Faults injected into the emulated forges: every one is retried or reported, and no
//! local state is lost or corrupted; an interrupted apply resumes from its step log.

use infra_testkit::TreeSnapshot;
use serde_json::json;

use crate::common::{World, events, last};

#[test]
fn transient_faults_are_retried_and_the_sync_succeeds() {
    let w = World::with_org();
    w.ok(&["repos", "create", "hm", "new-repo"]);
    w.arm("github", &json!({"status": 502, "count": 2}));
    w.arm(
        "github",
        &json!({"rate_limit": true, "retry_after": 1, "count": 1}),
    );
    w.arm("codeberg", &json!({"reset": true, "count": 1}));
    w.arm("codeberg", &json!({"status": 503, "count": 1}));
    w.arm(
        "github",
        &json!({"secondary_rate_limit": true, "retry_after": 1, "count": 1}),
    );
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(w.remote_repo("github", "new-repo").is_some());
    assert!(w.remote_repo("codeberg", "new-repo").is_some());
    assert!(w.staged_yaml().is_empty());
}

#[test]
fn a_forge_that_keeps_failing_is_reported_and_nothing_local_changes() {
    let w = World::with_org();
    w.create_on("github", "api", None, false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "create", "hm", "new-repo"]);
    // The org's sync lock file is not state (it appears with the first apply).
    let no_lock = |p: &std::path::Path| p.ends_with(".sync.lock");
    let before = TreeSnapshot::capture_skipping(w.config_dir(), &no_lock);
    w.arm("codeberg", &json!({"status": 500}));
    for args in [
        &["repos", "sync", "hm", "--yes"][..],
        &["repos", "refresh", "hm"],
        &["repos", "converge", "hm", "--yes"],
    ] {
        let t = w.run(args);
        assert_eq!(t.code, Some(1), "{}", t.render());
        assert!(
            t.stderr.contains("cannot reach") && t.stderr.contains("nothing was lost"),
            "{}",
            t.render()
        );
    }
    let t = w.run(&["--json", "repos", "sync", "hm", "--yes"]);
    let e = last(&t, "error");
    assert_eq!(e["error"]["code"], 1, "{e}");
    infra_testkit::assert_unchanged(
        &before,
        &TreeSnapshot::capture_skipping(w.config_dir(), &no_lock),
    );
    assert!(
        w.remote_repo("github", "new-repo").is_none(),
        "nothing applied while a forge was down"
    );
    w.disarm("codeberg");
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(w.remote_repo("codeberg", "new-repo").is_some());
}

#[test]
fn an_interrupted_apply_resumes_from_its_step_log() {
    let w = World::with_org();
    for name in ["a", "b"] {
        w.create_on("github", name, None, false);
        w.create_on("codeberg", name, None, false);
    }
    w.ok(&["org", "import", "hm"]);
    for name in ["a", "b"] {
        w.ok(&["repos", "update", "hm", name, "--description", "edited"]);
    }
    let plan = w.scratch.path().join("plan.json");
    w.ok(&["repos", "plan", "hm", "--out", plan.to_str().unwrap()]);
    // The last step (b on github) keeps failing: the three before it are done and logged.
    w.arm(
        "github",
        &json!({"status": 500, "path_prefix": "/api/v3/repos/acme/b"}),
    );
    let t = w.run(&[
        "--json",
        "repos",
        "apply",
        plan.to_str().unwrap(),
        "--yes",
        "--allow-large",
    ]);
    assert_eq!(t.code, Some(1), "{}", t.render());
    let done: Vec<_> = events(&t)
        .into_iter()
        .filter(|e| e["type"] == "step")
        .collect();
    assert_eq!(done.len(), 3, "{}", t.render());
    let e = last(&t, "error");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("step 3 (update github/acme/b) failed"),
        "{e}"
    );
    assert!(
        w.staged_yaml().contains("b:"),
        "the staged change is kept: {}",
        w.staged_yaml()
    );
    assert!(w.config_dir().join("logs/hm.apply.log").exists());
    w.disarm("github");
    // The same plan again: the forges changed (by this plan's own steps), so only the log
    // lets it continue — three steps resumed, one done now.
    let t = w.ok(&[
        "--json",
        "repos",
        "apply",
        plan.to_str().unwrap(),
        "--yes",
        "--allow-large",
    ]);
    let steps: Vec<_> = events(&t)
        .into_iter()
        .filter(|e| e["type"] == "step")
        .collect();
    assert_eq!(
        steps.iter().filter(|s| s["resumed"] == true).count(),
        3,
        "{}",
        t.render()
    );
    assert_eq!(
        steps.iter().filter(|s| s["resumed"] == false).count(),
        1,
        "{}",
        t.render()
    );
    assert_eq!(
        w.remote_repo("github", "b").unwrap().description.as_deref(),
        Some("edited")
    );
    assert!(w.staged_yaml().is_empty());
    assert!(
        !w.config_dir().join("logs/hm.apply.log").exists(),
        "the log is removed once done"
    );
}

#[test]
fn forge_auth_tells_a_refused_token_from_an_unreachable_forge() {
    let w = World::with_org();
    let t = w.ok(&["forge", "auth"]);
    assert!(
        t.stdout.contains("github    ok      alice"),
        "{}",
        t.render()
    );
    let t = w
        .cmd()
        .args(["--json", "forge", "auth"])
        .env("GH_TOKEN", "wrong")
        .output();
    assert_eq!(t.code, Some(1), "{}", t.render());
    let rows = last(&t, "auth")["forges"].clone();
    assert_eq!(rows[1]["forge"], "github");
    assert_eq!(rows[1]["status"], "refused", "{rows}");
    assert_eq!(rows[0]["status"], "ok", "{rows}");
    let t = w
        .cmd()
        .args(["--json", "forge", "auth"])
        .env_remove("CB_TOKEN")
        .output();
    assert_eq!(
        last(&t, "auth")["forges"][0]["status"],
        "no_token",
        "{}",
        t.render()
    );
    let down = w.gh.url.clone();
    std::process::Command::new("kill")
        .arg(w.gh.id().to_string())
        .status()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let t = w
        .cmd()
        .args(["--json", "--timeout", "2", "forge", "auth", "github"])
        .output();
    let row = last(&t, "auth")["forges"][0].clone();
    assert_eq!(row["status"], "unreachable", "{row} ({down})");
}
