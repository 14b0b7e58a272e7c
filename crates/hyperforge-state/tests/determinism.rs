//! Saved files are canonical: the same state gives the same bytes, whatever order it was
//! built in and however often it is saved, and loading then saving changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hyperforge_schema::{RepoName, RepoPatch, RepoSpec, StagedChange, Visibility};
use hyperforge_state::{HEADER, Store};

#[test]
fn saving_twice_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    let org = common::org_name();
    store
        .save_repos(&org, &common::repos(20, "x", false))
        .unwrap();
    let first = std::fs::read(store.repos_path(&org)).unwrap();
    store
        .save_repos(&org, &store.load_repos(&org).unwrap())
        .unwrap();
    let second = std::fs::read(store.repos_path(&org)).unwrap();
    assert_eq!(first, second);
    assert!(first.starts_with(HEADER.as_bytes()));
    assert!(String::from_utf8(first).unwrap().contains("\nversion: 1\n"));
}

#[test]
fn key_order_does_not_depend_on_insertion_order() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (s1, s2) = (
        common::store_with_org(d1.path()),
        common::store_with_org(d2.path()),
    );
    let org = common::org_name();
    s1.save_repos(&org, &common::repos(30, "x", false)).unwrap();
    s2.save_repos(&org, &common::repos(30, "x", true)).unwrap();
    let (a, b) = (
        std::fs::read(s1.repos_path(&org)).unwrap(),
        std::fs::read(s2.repos_path(&org)).unwrap(),
    );
    assert_eq!(a, b);
    let text = String::from_utf8(a).unwrap();
    let r0 = text.find("r0000:").unwrap();
    let r29 = text.find("r0029:").unwrap();
    assert!(r0 < r29);
    assert_eq!(
        std::fs::read(s1.config_path()).unwrap(),
        std::fs::read(s2.config_path()).unwrap()
    );
}

#[test]
fn staged_changes_are_written_sorted_and_cleared() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (s1, s2) = (
        common::store_with_org(d1.path()),
        common::store_with_org(d2.path()),
    );
    let org = common::org_name();
    let changes = [
        ("zeta", StagedChange::Remove),
        (
            "alpha",
            StagedChange::Create(RepoSpec {
                visibility: Some(Visibility::Private),
                ..RepoSpec::default()
            }),
        ),
        (
            "mid",
            StagedChange::Update(RepoPatch {
                archived: Some(true),
                ..RepoPatch::default()
            }),
        ),
    ];
    for (name, change) in changes.iter().cloned() {
        s1.stage(&org, RepoName::new(name).unwrap(), change)
            .unwrap();
    }
    for (name, change) in changes.iter().rev().cloned() {
        s2.stage(&org, RepoName::new(name).unwrap(), change)
            .unwrap();
    }
    let a = std::fs::read(s1.staged_path(&org)).unwrap();
    assert_eq!(a, std::fs::read(s2.staged_path(&org)).unwrap());
    assert_eq!(s1.staged(&org).unwrap().changes.len(), 3);
    s1.clear_staged(&org).unwrap();
    assert!(!s1.staged_path(&org).exists());
    assert!(s1.staged(&org).unwrap().is_empty());
}

#[test]
fn merge_staged_applies_and_clears_in_one_locked_step() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    let org = common::org_name();
    store
        .save_repos(&org, &common::repos(2, "x", false))
        .unwrap();
    store
        .stage(&org, RepoName::new("r0000").unwrap(), StagedChange::Remove)
        .unwrap();
    store
        .stage(
            &org,
            RepoName::new("r0001").unwrap(),
            StagedChange::Update(RepoPatch {
                description: Some("new".into()),
                ..RepoPatch::default()
            }),
        )
        .unwrap();
    store
        .with_org_lock(&org, |tx| {
            tx.merge_staged();
            Ok::<_, hyperforge_state::StateError>(())
        })
        .unwrap();
    let repos = Store::open(dir.path()).unwrap().load_repos(&org).unwrap();
    assert_eq!(repos.repos.len(), 1);
    let kept = &repos.repos[&RepoName::new("r0001").unwrap()];
    assert_eq!(kept.description.as_deref(), Some("new"));
    assert_eq!(kept.synced.len(), 1, "a staged update keeps _synced");
    assert!(!store.staged_path(&org).exists());
}

#[test]
fn awkward_strings_and_names_survive_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_with_org(dir.path());
    let org = common::org_name();
    let mut file = hyperforge_schema::ReposFile::default();
    let texts = [
        "yes",
        "no",
        "true",
        "null",
        "~",
        "123",
        "0x1F",
        "1e3",
        "",
        " padded ",
        "# not a comment",
        "a: b",
        "- item",
        "line one\nline two\n",
        "tab\there",
        "ünïcödé ✓",
        "'single' \"double\"",
        "{flow}",
        "[seq]",
        "&anchor",
        "*alias",
        "!tag",
        "%directive",
        "@at",
        "`tick`",
    ];
    for (i, text) in texts.iter().enumerate() {
        let repo = hyperforge_schema::Repo {
            description: Some((*text).to_owned()),
            default_branch: Some((*text).to_owned()),
            topics: [(*text).to_owned()].into(),
            ..Default::default()
        };
        file.repos
            .insert(RepoName::new(format!("r{i}")).unwrap(), repo);
    }
    for name in [
        "true", "null", "123", "1.0", "yes", ".github", "dash-", "_u",
    ] {
        file.repos.insert(
            RepoName::new(name).unwrap(),
            hyperforge_schema::Repo::default(),
        );
    }
    store.save_repos(&org, &file).unwrap();
    let back = store.load_repos(&org).unwrap();
    assert_eq!(back.repos, file.repos);
}
