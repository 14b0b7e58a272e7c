//! Bad files are reported at their place (file:line, key path); newer schema versions are
//! refused; older ones are migrated; unknown orgs get a suggestion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hyperforge_state::{StateError, Store};

const REPOS_WITH_TYPO: &str = "\
version: 1
repos:
  substrate:
    description: core
    visibilty: public
";

#[test]
fn bad_repos_yaml_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    let org = common::org_name();
    let path = store.repos_path(&org);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, REPOS_WITH_TYPO).unwrap();
    let err = store.load_repos(&org).unwrap_err();
    let StateError::Yaml(located) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(located.file, path);
    assert_eq!(located.line, Some(5));
    assert_eq!(located.key.as_deref(), Some("repos.substrate.visibilty"));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:5:", path.display())),
        "{shown}"
    );
    assert!(shown.contains("visibilty"), "{shown}");
    // A writer refuses too, and leaves the file alone.
    assert!(store.save_repos(&org, &Default::default()).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), REPOS_WITH_TYPO);
}

#[test]
fn bad_config_yaml_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "version: 1\nforges:\n  github:\n    kind: github\n    api_url: https://api.github.com\n    token: GITHUB_TOKEN\n",
    )
    .unwrap();
    let err = Store::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains("config.yaml:6:"), "{err}");
    assert!(err.contains("has no scheme: write `env:VAR`"), "{err}");
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "version: 7\nsomething_new: {}\n",
    )
    .unwrap();
    let err = Store::open(dir.path()).unwrap_err().to_string();
    assert!(
        err.ends_with("config.yaml: schema version 7 is newer than this hyperforge understands (1); upgrade hyperforge"),
        "{err}"
    );
}

#[test]
fn version_zero_files_load_and_are_saved_as_current() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    let org = common::org_name();
    let path = store.repos_path(&org);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "owner: hypermemetic\nrepos:\n  substrate:\n    forges: [github]\n    _discovered:\n      github: true\n").unwrap();
    let repos = store.load_repos(&org).unwrap();
    store.save_repos(&org, &repos).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nversion: 1\n"), "{text}");
    assert_eq!(store.load_repos(&org).unwrap().repos, repos.repos);
}

#[test]
fn unknown_org_suggests_the_closest() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    assert_eq!(
        store.org("hn").unwrap_err().to_string(),
        "org `hn` is not defined in config.yaml (did you mean `hm`?)"
    );
    let stray = hyperforge_schema::OrgName::new("nowhere").unwrap();
    assert!(store.save_repos(&stray, &Default::default()).is_err());
    assert!(!dir.path().join("orgs/nowhere").exists());
}

#[test]
fn config_cross_references_are_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "version: 1\norgs:\n  hm:\n    owner: me\n    forges: [github]\n    origin: github\n",
    )
    .unwrap();
    let store = Store::open(dir.path()).unwrap();
    let problems = store.config_problems().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(5));
    assert_eq!(problems[0].key.as_deref(), Some("orgs.hm.forges"));
    assert_eq!(
        problems[0].message,
        "forge `github` is not defined under `forges:`"
    );
}

#[test]
fn repos_differing_in_case_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    let org = common::org_name();
    let path = store.repos_path(&org);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "version: 1\nrepos:\n  Foo: {}\n  foo: {}\n").unwrap();
    let problems = store.repos_problems(&org).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(4));
}
