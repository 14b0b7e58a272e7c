//! The seed's Success Criteria 1–7 as one scenario of the real binary on two forges, with
//! git content pushed to both and clones that work from each.

use hyperforge_forge::RepoPatch;

use crate::common::{CB_TOKEN, GH_TOKEN, World, events, git, last, repo_with_commit};

#[test]
fn success_criteria_one_to_seven_with_git_content_on_both_forges() {
    let w = World::with_org();
    w.create_on("github", "api", Some("the API"), false);
    w.create_on("codeberg", "api", Some("the API"), false);
    w.create_on("github", "docs", None, true);

    // 1. Initialise: `org import` writes the forges' state as desired state.
    w.ok(&["org", "import", "hm"]);
    let yaml = w.repos_yaml();
    assert!(yaml.contains("api:") && yaml.contains("docs:"), "{yaml}");
    assert!(yaml.starts_with("# "), "a generated-file header: {yaml}");

    // 2. Verify: a dry run has nothing to do.
    let t = w.ok(&["repos", "sync", "hm", "--dry-run"]);
    assert!(
        t.stdout
            .contains("hm: 0 to create, 0 to update, 0 to delete"),
        "{}",
        t.render()
    );
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    for key in ["to_create", "to_update", "to_delete"] {
        assert_eq!(d[key], serde_json::json!([]), "{d}");
    }
    assert_eq!(d["in_sync"], serde_json::json!(["api", "docs"]));

    // 3. Mutate: `repos create` only stages.
    w.ok(&[
        "repos",
        "create",
        "hm",
        "new-repo",
        "--description",
        "a new one",
    ]);
    assert!(w.staged_yaml().contains("new-repo"), "{}", w.staged_yaml());
    assert!(
        w.remote_repo("github", "new-repo").is_none(),
        "staging writes no forge"
    );
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    assert_eq!(d["to_create"].as_array().unwrap().len(), 2, "{d}");
    assert_eq!(d["to_create"][0]["repo"], "new-repo");

    // A workspace with a clone of the new repository, holding a commit.
    w.ok(&["workspace", "bind", w.ws.to_str().unwrap(), "hm"]);
    let clone = w.ws.join("new-repo");
    repo_with_commit(&clone, "README.md", "hello\n");

    // 4. Apply: `repos sync --yes` creates it on both forges, sets remotes, pushes.
    let t = w.ok(&["--json", "repos", "sync", "hm", "--yes"]);
    let steps: Vec<_> = events(&t)
        .into_iter()
        .filter(|e| e["type"] == "step")
        .collect();
    assert_eq!(steps.len(), 2, "{}", t.render());
    for forge in ["github", "codeberg"] {
        let r = w
            .remote_repo(forge, "new-repo")
            .unwrap_or_else(|| panic!("not on {forge}"));
        assert_eq!(r.description.as_deref(), Some("a new one"));
    }
    let remotes = git(&clone, &["remote", "-v"]);
    assert!(
        remotes.contains(&format!("github\t{}/acme/new-repo.git", w.gh.url)),
        "{remotes}"
    );
    assert!(
        remotes.contains(&format!("codeberg\t{}/acme-mirror/new-repo.git", w.cb.url)),
        "{remotes}"
    );
    let pushed: Vec<_> = events(&t)
        .into_iter()
        .filter(|e| e["type"] == "pushed")
        .collect();
    assert_eq!(
        pushed.len(),
        2,
        "pushed to both new repositories: {}",
        t.render()
    );
    let config = std::fs::read_to_string(clone.join(".git/config")).unwrap();
    assert!(
        !config.contains(GH_TOKEN) && !config.contains(CB_TOKEN),
        "no token in .git/config"
    );
    for (url, owner) in [(&w.gh.url, "acme"), (&w.cb.url, "acme-mirror")] {
        let dest = w.scratch.path().join(format!("clone-{owner}"));
        let out = std::process::Command::new("git")
            .args(["clone", "--quiet", &format!("{url}/{owner}/new-repo.git")])
            .arg(&dest)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "clone from {url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("README.md")).unwrap(),
            "hello\n"
        );
    }

    // 5. Capture: `_synced.<forge>.{url, id, synced_at}` recorded; the staged change merged.
    let yaml = w.repos_yaml();
    let synced = yaml.split("new-repo:").nth(1).unwrap();
    assert!(
        synced.contains(&format!("url: {}/acme/new-repo", w.gh.url)),
        "{yaml}"
    );
    assert!(
        synced.contains(&format!("url: {}/acme-mirror/new-repo", w.cb.url)),
        "{yaml}"
    );
    assert!(
        synced.contains("synced_at:") && synced.contains("id:"),
        "{yaml}"
    );
    assert!(w.staged_yaml().is_empty(), "the staged change is merged");

    // 6. Idempotent: syncing again changes nothing.
    let t = w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(
        t.stdout
            .contains("hm: 0 to create, 0 to update, 0 to delete, 3 in sync"),
        "{}",
        t.render()
    );
    assert!(t.stderr.contains("0 changes"), "{}", t.render());

    // 7. Drift: a change made on a forge shows at the next refresh, and converge removes it.
    w.patch_on(
        "codeberg",
        "api",
        &RepoPatch {
            description: Some("edited on the forge".into()),
            ..RepoPatch::default()
        },
    );
    let t = w.run(&["repos", "refresh", "hm"]);
    assert_eq!(t.code, Some(1), "drift exits 1: {}", t.render());
    assert!(
        t.stdout.contains("api on codeberg: description"),
        "{}",
        t.render()
    );
    assert!(
        w.repos_yaml().contains("edited on the forge"),
        "_discovered records what the forge holds"
    );
    let t = w.ok(&["repos", "converge", "hm", "--yes"]);
    assert!(
        t.stdout
            .contains("~ api on codeberg: description \"edited on the forge\" → \"the API\""),
        "{}",
        t.render()
    );
    assert_eq!(
        w.remote_repo("codeberg", "api")
            .unwrap()
            .description
            .as_deref(),
        Some("the API")
    );
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    assert_eq!(d["to_update"], serde_json::json!([]));
    w.ok(&["repos", "refresh", "hm"]);
}
