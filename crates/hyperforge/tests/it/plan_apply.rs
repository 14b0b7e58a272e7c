//! `repos plan --out` and `repos apply`: the plan applied is exactly the plan shown, a plan
//! made stale by a change on a forge is refused, and a damaged plan file is named.

use hyperforge_forge::RepoPatch;

use crate::common::{World, last};

#[test]
fn a_saved_plan_applies_exactly_and_a_stale_one_is_refused() {
    let w = World::with_org();
    w.create_on("github", "api", Some("v1"), false);
    w.create_on("codeberg", "api", Some("v1"), false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "update", "hm", "api", "--description", "v2"]);
    let plan = w.scratch.path().join("plan.json");
    let t = w.ok(&["repos", "plan", "hm", "--out", plan.to_str().unwrap()]);
    assert!(
        t.stdout
            .contains("~ api on codeberg: description \"v1\" → \"v2\""),
        "{}",
        t.render()
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(saved["org"], "hm");
    assert_eq!(saved["steps"].as_array().unwrap().len(), 2);
    assert_eq!(saved["observed_hash"].as_str().unwrap().len(), 64);

    // Someone changes the forge after the plan was made: the plan is refused.
    w.patch_on(
        "github",
        "api",
        &RepoPatch {
            description: Some("v1.5".into()),
            ..RepoPatch::default()
        },
    );
    let t = w.run(&["repos", "apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(t.code, Some(1), "{}", t.render());
    assert!(
        t.stderr
            .contains("the forges changed since this plan was made"),
        "{}",
        t.render()
    );
    assert!(t.stderr.contains("repos plan --out"), "{}", t.render());
    assert_eq!(
        w.remote_repo("codeberg", "api")
            .unwrap()
            .description
            .as_deref(),
        Some("v1"),
        "nothing applied"
    );

    // A fresh plan applies, and what it applied is recorded.
    w.ok(&["repos", "plan", "hm", "--out", plan.to_str().unwrap()]);
    let t = w.ok(&["--json", "repos", "apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(last(&t, "applied")["changes"], 2);
    for forge in ["github", "codeberg"] {
        assert_eq!(
            w.remote_repo(forge, "api").unwrap().description.as_deref(),
            Some("v2")
        );
    }
    assert!(w.staged_yaml().is_empty());
}

#[test]
fn apply_needs_confirmation_and_names_a_damaged_plan() {
    let w = World::with_org();
    w.ok(&["repos", "create", "hm", "x"]);
    let plan = w.scratch.path().join("plan.json");
    w.ok(&["repos", "plan", "hm", "--out", plan.to_str().unwrap()]);
    let t = w.run(&["repos", "apply", plan.to_str().unwrap()]);
    assert_eq!(
        t.code,
        Some(4),
        "no terminal to ask, no --yes: {}",
        t.render()
    );
    assert!(t.stderr.contains("pass --yes"), "{}", t.render());
    assert!(w.remote_repo("github", "x").is_none());
    let t = w.run(&["repos", "sync", "hm"]);
    assert_eq!(t.code, Some(4), "{}", t.render());

    std::fs::write(&plan, "{\n  \"org\": \"hm\",\n  \"steps\": 7\n}\n").unwrap();
    let t = w.run(&["repos", "apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("plan.json") && t.stderr.contains("line 3"),
        "{}",
        t.render()
    );
    let missing = w.scratch.path().join("nope.json");
    let t = w.run(&["repos", "apply", missing.to_str().unwrap(), "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    std::fs::write(
        &plan,
        r#"{"org":"other","observed_hash":"x","steps":[],"in_sync":[],"untracked_remote":[]}"#,
    )
    .unwrap();
    let t = w.run(&["repos", "apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("org `other` is not defined"),
        "{}",
        t.render()
    );
}

#[test]
fn a_rename_follows_the_repository_on_every_forge() {
    let w = World::with_org();
    w.create_on("github", "old", Some("d"), false);
    w.create_on("codeberg", "old", Some("d"), false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["repos", "update", "hm", "old", "--rename", "new"]);
    let t = w.ok(&["repos", "diff", "hm"]);
    assert!(
        t.stdout
            .contains("  > old → new on codeberg\n  > old → new on github\n"),
        "{}",
        t.render()
    );
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    assert_eq!(
        d["to_rename"][0],
        serde_json::json!({"repo": "new", "forge": "codeberg", "from": "old"})
    );
    let t = w.run(&["repos", "update", "hm", "new", "--description", "x"]);
    assert_eq!(
        t.code,
        Some(3),
        "the new name exists only after the sync: {}",
        t.render()
    );
    w.ok(&["repos", "sync", "hm", "--yes"]);
    for forge in ["github", "codeberg"] {
        assert!(
            w.remote_repo(forge, "old").is_none() && w.remote_repo(forge, "new").is_some(),
            "{forge}"
        );
    }
    let yaml = w.repos_yaml();
    assert!(
        !yaml.contains("old:") && yaml.contains(&format!("url: {}/acme/new", w.gh.url)),
        "{yaml}"
    );
    assert!(w.staged_yaml().is_empty());
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    assert_eq!(d["in_sync"], serde_json::json!(["new"]));
}

#[test]
fn a_repository_added_to_a_mirror_gets_the_origin_content() {
    let w = World::with_org();
    w.create_on("github", "api", None, false);
    let src = w.scratch.path().join("src");
    crate::common::repo_with_commit(&src, "f", "content\n");
    let url = format!("{}/acme/api.git", w.gh.url);
    let push = std::process::Command::new("git")
        .current_dir(&src)
        .args(["-c", "credential.helper=", "-c"])
        .arg(format!(
            "credential.helper=!f() {{ echo username=alice; echo password={}; }}; f",
            crate::common::GH_TOKEN
        ))
        .args(["push", "--quiet", &url, "main"])
        .output()
        .unwrap();
    assert!(
        push.status.success(),
        "{}",
        String::from_utf8_lossy(&push.stderr)
    );
    w.ok(&["org", "import", "hm"]);
    w.ok(&[
        "repos",
        "update",
        "hm",
        "api",
        "--forges",
        "github,codeberg",
    ]);
    let t = w.ok(&["repos", "diff", "hm"]);
    assert!(
        t.stdout.contains("+ api on codeberg")
            && t.stdout.contains("⇉ api: content from github to codeberg"),
        "{}",
        t.render()
    );
    let t = w.ok(&["--json", "repos", "sync", "hm", "--yes"]);
    assert_eq!(last(&t, "pushed")["forge"], "codeberg", "{}", t.render());
    let head = |url: &str| crate::common::git(&src, &["ls-remote", url, "refs/heads/main"]);
    assert_eq!(
        head(&url).split('\t').next(),
        head(&format!("{}/acme-mirror/api.git", w.cb.url))
            .split('\t')
            .next()
    );
    assert!(!head(&url).is_empty());
}
