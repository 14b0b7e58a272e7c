//! Finding 3 of the serve review (docs/hyperforge/review.md): forge limits are checked at
//! staging and when `repos.yaml` is read, and values from users and forges are shown
//! escaped in text output (raw, as JSON requires, with `--json`).

use hyperforge_forge::RepoPatch;

use crate::common::{World, last};

#[test]
fn a_create_with_a_value_the_forges_refuse_is_refused_and_nothing_is_staged() {
    let w = World::with_org();
    let long = "d".repeat(351);
    let t = w.run(&["repos", "create", "hm", "r", "--description", &long]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains(
            "error: the description of repo `r` is 351 characters long: expected at most 350 (GitHub's limit)"
        ),
        "{}",
        t.render()
    );
    let t = w.run(&[
        "repos",
        "create",
        "hm",
        "r",
        "--description",
        "a\u{1b}[31mred",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("control character `\\u{1b}`"),
        "{}",
        t.render()
    );
    assert!(!t.stderr.contains('\u{1b}'), "escaped: {}", t.render());
    assert_eq!(w.staged_yaml(), "", "nothing staged");
    w.ok(&["repos", "create", "hm", "r", "--description", "fine"]);
    let t = w.run(&["repos", "update", "hm", "r", "--description", &long]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(w.staged_yaml().contains("fine"));
    assert!(!w.staged_yaml().contains(&long));
}

#[test]
fn a_repos_yaml_with_values_the_forges_refuse_is_refused_located() {
    let w = World::with_org();
    let repos = w.config_dir().join("orgs/hm/repos.yaml");
    std::fs::create_dir_all(repos.parent().unwrap()).unwrap();
    std::fs::write(
        &repos,
        "version: 1\nrepos:\n  k1:\n    default_branch: a..b\n    topics: [rust, Web]\n",
    )
    .unwrap();
    let t = w.run(&["repos", "diff", "hm"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains(
            "error: default_branch `a..b` of repo `k1` contains `..`: expected a valid git branch name"
        ),
        "{}",
        t.render()
    );
    assert!(
        t.stderr.contains("repos.yaml:4:") && t.stderr.contains("(at `repos.k1.default_branch`)"),
        "{}",
        t.render()
    );
    assert!(
        t.stderr.contains("topic `Web` of repo `k1`") && t.stderr.contains("repos.yaml:5:"),
        "{}",
        t.render()
    );
    let t = w.run(&["--json", "repos", "sync", "hm", "--yes"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let mut keys: Vec<String> = last(&t, "error")["error"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap().to_string())
        .collect();
    keys.sort();
    assert_eq!(keys, ["repos.k1.default_branch", "repos.k1.topics"]);
}

#[test]
fn a_description_from_a_forge_is_shown_escaped_in_text_and_raw_in_json() {
    let w = World::with_org();
    w.create_on("github", "shady", Some("plain"), false);
    w.create_on("codeberg", "shady", Some("plain"), false);
    w.ok(&["org", "import", "hm"]);
    let evil = "ok\u{202e}exe.txt\u{1b}[31mred";
    w.patch_on(
        "codeberg",
        "shady",
        &RepoPatch {
            description: Some(evil.into()),
            ..RepoPatch::default()
        },
    );
    let t = w.ok(&["repos", "diff", "hm"]);
    assert!(
        !t.stdout.contains('\u{202e}') && !t.stdout.contains('\u{1b}'),
        "raw: {:?}",
        t.stdout
    );
    assert!(
        t.stdout.contains("ok\\u{202e}exe.txt") && t.stdout.contains("[31mred"),
        "{}",
        t.render()
    );
    assert!(t.stdout.contains("shady on codeberg"), "{}", t.render());
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    let change = &d["to_update"][0]["changes"][0];
    assert_eq!(change["from"], evil, "{d}");
    assert_eq!(change["to"], "plain", "{d}");
}
