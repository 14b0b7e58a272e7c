//! Plan computation: fixed cases, and properties over seeded random states — applying a
//! plan then planning again leaves nothing to do; planning what was imported is empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use hyperforge_forge::RemoteRepo;
use hyperforge_plan::{DesiredRepo, Observed, Safety, SafetyError, Step, apply_to, check, plan};

fn remote(name: &str, private: bool, description: Option<&str>) -> RemoteRepo {
    RemoteRepo {
        name: name.into(),
        owner: "acme".into(),
        id: format!("id-{name}"),
        description: description.map(str::to_string),
        private,
        archived: false,
        default_branch: Some("main".into()),
        html_url: format!("https://x/acme/{name}"),
        clone_url: format!("https://x/acme/{name}.git"),
    }
}

fn want(name: &str, forges: &[&str], private: bool) -> DesiredRepo {
    DesiredRepo {
        name: name.into(),
        description: None,
        private,
        archived: false,
        protected: false,
        forges: forges.iter().map(|f| f.to_string()).collect(),
        renamed_from: None,
    }
}

fn observed(entries: &[(&str, RemoteRepo)]) -> Observed {
    let mut map: BTreeMap<String, BTreeMap<String, RemoteRepo>> = BTreeMap::new();
    for (forge, r) in entries {
        map.entry(forge.to_string())
            .or_default()
            .insert(r.name.clone(), r.clone());
    }
    Observed(map)
}

#[test]
fn creates_updates_deletes_and_untracked_are_told_apart() {
    let seen = observed(&[
        ("github", remote("a", false, None)),
        ("github", remote("b", false, Some("old"))),
        ("gitea", remote("b", false, Some("old"))),
        ("github", remote("gone", false, None)),
        ("gitea", remote("stray", true, None)),
    ]);
    let mut b = want("b", &["github", "gitea"], true);
    b.description = Some("new".into());
    let desired = vec![want("a", &["github", "gitea"], false), b];
    let removals: BTreeSet<String> = ["gone".to_string()].into();
    let p = plan("acme", &desired, &removals, &seen);
    let kinds: Vec<String> = p
        .steps
        .iter()
        .map(|s| format!("{}:{}:{}", s.op(), s.forge(), s.name()))
        .collect();
    assert_eq!(
        kinds,
        [
            "create:gitea:a",
            "update:gitea:b",
            "update:github:b",
            "delete:github:gone"
        ]
    );
    assert!(p.in_sync.is_empty());
    assert_eq!(p.untracked_remote, ["gitea/stray"]);
    let Step::Update { changes, .. } = &p.steps[2] else {
        panic!()
    };
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        ["description", "private"],
        "field by field, in a fixed order"
    );
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        serde_json::from_str::<hyperforge_plan::Plan>(&json).unwrap(),
        p,
        "serialisable"
    );
}

#[test]
fn a_staged_rename_renames_where_the_old_name_is_and_creates_elsewhere() {
    let seen = observed(&[("github", remote("old", false, Some("x")))]);
    let mut w = want("new", &["github", "gitea"], true);
    w.description = Some("x".into());
    w.renamed_from = Some("old".into());
    let p = plan("acme", &[w], &BTreeSet::new(), &seen);
    let kinds: Vec<String> = p
        .steps
        .iter()
        .map(|s| format!("{}:{}:{}", s.op(), s.forge(), s.name()))
        .collect();
    assert_eq!(
        kinds,
        ["create:gitea:new", "rename:github:new", "update:github:new"],
        "the rename comes before the update of the same copy"
    );
    assert!(
        p.untracked_remote.is_empty(),
        "the old name is not untracked"
    );
}

#[test]
fn the_observed_hash_changes_with_what_was_seen() {
    let a = observed(&[("github", remote("a", false, None))]);
    let b = observed(&[("github", remote("a", true, None))]);
    assert_ne!(a.hash(), b.hash());
    assert_eq!(a.hash(), a.clone().hash());
}

#[test]
fn protected_repositories_and_the_blast_radius_stop_an_apply() {
    let seen = observed(&[
        ("github", remote("keep", false, None)),
        ("github", remote("x", false, None)),
    ]);
    let mut keep = want("keep", &["github"], true);
    keep.protected = true;
    let p = plan(
        "acme",
        &[keep, want("x", &["github"], false)],
        &BTreeSet::new(),
        &seen,
    );
    let protected = |n: &str| n == "keep";
    let safety = Safety {
        force: false,
        confirmed: true,
        max_fraction: 0.25,
    };
    assert!(matches!(
        check(&p, 2, &protected, safety),
        Err(SafetyError::Protected {
            what: "made private",
            ..
        })
    ));
    assert!(
        check(
            &p,
            2,
            &protected,
            Safety {
                force: true,
                ..safety
            }
        )
        .is_ok()
    );
    let many: Vec<DesiredRepo> = (0..10)
        .map(|i| want(&format!("r{i}"), &["github"], true))
        .collect();
    let seen = observed(
        &(0..10)
            .map(|i| ("github", remote(&format!("r{i}"), false, None)))
            .collect::<Vec<_>>(),
    );
    let p = plan("acme", &many, &BTreeSet::new(), &seen);
    let none = |_: &str| false;
    assert!(matches!(
        check(
            &p,
            10,
            &none,
            Safety {
                confirmed: false,
                ..safety
            }
        ),
        Err(SafetyError::BlastRadius { touched: 10, .. })
    ));
    assert!(check(&p, 10, &none, safety).is_ok(), "confirmed");
}

/// A tiny deterministic generator (xorshift), so the properties need no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_world(rng: &mut Rng) -> (Vec<DesiredRepo>, BTreeSet<String>, Observed) {
    let forges = ["github", "gitea"];
    let mut desired = Vec::new();
    let mut seen: Vec<(&str, RemoteRepo)> = Vec::new();
    for i in 0..rng.pick(12) {
        let name = format!("r{i}");
        let on: Vec<&str> = forges.iter().copied().filter(|_| rng.pick(3) > 0).collect();
        if rng.pick(4) > 0 {
            let mut w = want(&name, &on, rng.pick(2) == 0);
            w.description = (rng.pick(2) == 0).then(|| format!("d{}", rng.pick(3)));
            w.archived = rng.pick(5) == 0;
            desired.push(w);
        }
        for f in forges {
            if rng.pick(2) == 0 {
                let desc = format!("d{}", rng.pick(3));
                seen.push((
                    f,
                    remote(
                        &name,
                        rng.pick(2) == 0,
                        (rng.pick(2) == 0).then_some(desc.as_str()),
                    ),
                ));
            }
        }
    }
    // Some undeclared repositories are renamed: declared under a new name, from the old.
    let mut declared: BTreeSet<String> = desired.iter().map(|d| d.name.clone()).collect();
    for i in 0..12 {
        let old = format!("r{i}");
        if !declared.contains(&old) && rng.pick(3) == 0 {
            let mut w = want(&format!("n{i}"), &["github", "gitea"], rng.pick(2) == 0);
            w.renamed_from = Some(old.clone());
            desired.push(w);
            declared.insert(old);
        }
    }
    let removals = (0..12)
        .map(|i| format!("r{i}"))
        .filter(|n| !declared.contains(n) && rng.pick(2) == 0)
        .collect();
    (desired, removals, observed(&seen))
}

#[test]
fn applying_a_plan_then_planning_again_leaves_nothing_to_do() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let (desired, removals, seen) = random_world(&mut rng);
        let p = plan("acme", &desired, &removals, &seen);
        let after = apply_to(&seen, &p.steps, "acme");
        let again = plan("acme", &desired, &removals, &after);
        assert!(
            again.is_empty(),
            "left to do: {:?}\nfrom {p:?}",
            again.steps
        );
        assert_eq!(again.in_sync.len(), desired.len());
    }
}

#[test]
fn planning_what_was_imported_is_empty() {
    let mut rng = Rng(42);
    for _ in 0..1000 {
        let (_, _, seen) = random_world(&mut rng);
        // An import declares every repository as the forges hold it (first forge wins).
        let mut imported: BTreeMap<String, DesiredRepo> = BTreeMap::new();
        for (forge, repos) in &seen.0 {
            for r in repos.values() {
                let d = imported
                    .entry(r.name.clone())
                    .or_insert_with(|| DesiredRepo {
                        name: r.name.clone(),
                        description: r.description.clone(),
                        private: r.private,
                        archived: r.archived,
                        protected: false,
                        forges: BTreeSet::new(),
                        renamed_from: None,
                    });
                if d.description == r.description
                    && d.private == r.private
                    && d.archived == r.archived
                {
                    d.forges.insert(forge.clone());
                }
            }
        }
        let desired: Vec<DesiredRepo> = imported.into_values().collect();
        // Repositories whose copies disagree are declared on the forges that agree; the rest
        // of their copies are untracked, never changed.
        let p = plan("acme", &desired, &BTreeSet::new(), &seen);
        assert!(p.is_empty(), "{:?}", p.steps);
    }
}
