//! The forge clients, planning and the apply engine against the real `forge-emulator`
//! (a GitHub-kind and a Gitea-kind instance): pagination over hundreds of repositories, a
//! refused token told apart and not retried, conflicts, a plan applied on both forges then
//! planned again to nothing, and a stale plan refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use hyperforge_apply::{ApplyError, RestEngine, StepLog, apply};
use hyperforge_forge::{Dialect, Forge, ForgeError, NewRepo, RestForge, RetryPolicy};
use hyperforge_plan::{DesiredRepo, Observed, plan};

/// The emulator binary, built once.
fn emulator_bin() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "hyperforge-emulator"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap()
            .success();
        assert!(ok, "cargo build -p hyperforge-emulator failed");
    });
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("forge-emulator")
}

type Emulator = hyperforge_emulator::Running;

fn start(kind: &str) -> Emulator {
    Emulator::start(
        &emulator_bin(),
        kind,
        &["alice:secret-token"],
        &["acme:alice"],
    )
    .unwrap()
}

fn client(e: &Emulator, dialect: Dialect, token: &str) -> RestForge {
    let retry = RetryPolicy {
        attempts: 3,
        base: Duration::from_millis(20),
        max_wait: Duration::from_secs(2),
    };
    RestForge::new(dialect, &e.api, token, Duration::from_secs(10), retry).unwrap()
}

#[test]
fn pagination_conflicts_and_a_refused_token() {
    for (kind, dialect) in [("github", Dialect::GitHub), ("gitea", Dialect::Gitea)] {
        let e = start(kind);
        let f = client(&e, dialect, "secret-token");
        assert_eq!(f.identity().unwrap().login, "alice");
        for i in 0..230 {
            let new = NewRepo {
                name: format!("r{i:03}"),
                description: None,
                private: i % 2 == 0,
            };
            f.create_repo("acme", &new).unwrap();
        }
        let before = f.requests();
        let listed = f.list_repos("acme").unwrap();
        let names: BTreeSet<String> = listed.iter().map(|r| r.name.clone()).collect();
        assert_eq!(
            (listed.len(), names.len()),
            (230, 230),
            "{kind}: every repository once"
        );
        assert!(
            f.requests() - before <= 5,
            "{kind}: pages only, not one request per repository"
        );
        let dup = f.create_repo(
            "acme",
            &NewRepo {
                name: "r000".into(),
                description: None,
                private: false,
            },
        );
        assert!(
            matches!(dup, Err(ForgeError::Conflict { .. })),
            "{kind}: {dup:?}"
        );
        let bad = client(&e, dialect, "wrong");
        let err = bad.list_repos("acme").unwrap_err();
        assert!(err.is_auth(), "{kind}: {err}");
        assert_eq!(bad.requests(), 1, "{kind}: a refused token is not retried");
    }
}

fn want(name: &str, description: &str) -> DesiredRepo {
    DesiredRepo {
        name: name.into(),
        description: Some(description.into()),
        private: false,
        archived: false,
        protected: false,
        forges: ["github".to_string(), "gitea".to_string()].into(),
        renamed_from: None,
    }
}

fn observe(forges: &BTreeMap<String, &dyn Forge>) -> Observed {
    Observed(
        forges
            .iter()
            .map(|(name, f)| {
                (
                    name.clone(),
                    f.list_repos("acme")
                        .unwrap()
                        .into_iter()
                        .map(|r| (r.name.clone(), r))
                        .collect(),
                )
            })
            .collect(),
    )
}

#[test]
fn a_plan_applied_on_two_forges_then_planned_again_is_empty_and_a_stale_plan_is_refused() {
    let (gh, gt) = (start("github"), start("gitea"));
    let (ghc, gtc) = (
        client(&gh, Dialect::GitHub, "secret-token"),
        client(&gt, Dialect::Gitea, "secret-token"),
    );
    let forges: BTreeMap<String, &dyn Forge> = [
        ("github".to_string(), &ghc as &dyn Forge),
        ("gitea".to_string(), &gtc as &dyn Forge),
    ]
    .into();
    let engine = RestEngine {
        forges: forges.clone(),
        owners: BTreeMap::new(),
        stop: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let desired = vec![want("api", "the API"), want("web", "the site")];
    let p = plan("acme", &desired, &BTreeSet::new(), &observe(&forges));
    assert_eq!(p.steps.len(), 4);
    let mut log = StepLog::open(&dir.path().join("apply.log"), &p.hash());
    let applied = apply(&engine, &p, &observe(&forges), &mut log, &|_, _, _| {}).unwrap();
    assert_eq!(applied.synced.len(), 4);
    assert!(
        applied
            .synced
            .values()
            .all(|r| !r.id.is_empty() && r.html_url.contains("api") || r.html_url.contains("web"))
    );
    let again = plan("acme", &desired, &BTreeSet::new(), &observe(&forges));
    assert!(again.is_empty(), "converged: {:?}", again.steps);

    let edited = vec![want("api", "the new API"), want("web", "the site")];
    let p = plan("acme", &edited, &BTreeSet::new(), &observe(&forges));
    ghc.update_repo(
        "acme",
        "web",
        &hyperforge_forge::RepoPatch {
            description: Some("changed on the forge".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut log = StepLog::open(&dir.path().join("apply2.log"), &p.hash());
    let stale = apply(&engine, &p, &observe(&forges), &mut log, &|_, _, _| {});
    assert!(matches!(stale, Err(ApplyError::Stale { .. })), "{stale:?}");
}

/// Arms a fault on the emulator at `e` (its admin token is the first user's).
fn arm(e: &Emulator, fault: serde_json::Value) {
    let root = e
        .api
        .trim_end_matches("/api/v3")
        .trim_end_matches("/api/v1")
        .to_string();
    let http = hyperforge_forge::Http::new(
        &root,
        "token secret-token".into(),
        Duration::from_secs(5),
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        },
    )
    .unwrap();
    let answer = http
        .send(reqwest::Method::POST, "/_emulator/faults", Some(&fault))
        .unwrap();
    assert!(answer.status < 300, "arming {fault}: {}", answer.status);
}

#[test]
fn every_injected_fault_is_retried_or_reported() {
    let e = start("github");
    let f = client(&e, Dialect::GitHub, "secret-token");
    f.create_repo(
        "acme",
        &NewRepo {
            name: "one".into(),
            description: None,
            private: false,
        },
    )
    .unwrap();
    let transient = [
        serde_json::json!({"status": 503, "count": 2, "path_prefix": "/api/v3/orgs"}),
        serde_json::json!({"rate_limit": true, "count": 1, "retry_after": 1, "path_prefix": "/api/v3/orgs"}),
        serde_json::json!({"secondary_rate_limit": true, "count": 1, "retry_after": 1, "path_prefix": "/api/v3/orgs"}),
        serde_json::json!({"reset": true, "count": 1, "path_prefix": "/api/v3/orgs"}),
        serde_json::json!({"latency_ms": 300, "count": 1, "path_prefix": "/api/v3/orgs"}),
    ];
    for fault in transient {
        arm(&e, fault.clone());
        let before = f.requests();
        let repos = f
            .list_repos("acme")
            .unwrap_or_else(|err| panic!("{fault}: {err}"));
        assert_eq!(repos.len(), 1, "{fault}");
        assert!(f.requests() - before >= 1, "{fault}");
    }
    arm(
        &e,
        serde_json::json!({"status": 500, "path_prefix": "/api/v3/orgs"}),
    );
    let err = f.list_repos("acme").unwrap_err();
    assert!(
        matches!(err, ForgeError::Network { .. }),
        "a forge that keeps failing is reported: {err}"
    );
    assert!(!err.is_auth());
}

#[test]
fn edits_to_an_archived_repository_are_made_around_the_archive_flag() {
    for (kind, dialect) in [("github", Dialect::GitHub), ("gitea", Dialect::Gitea)] {
        let e = start(kind);
        let f = client(&e, dialect, "secret-token");
        let forges: BTreeMap<String, &dyn Forge> =
            [("github".to_string(), &f as &dyn Forge)].into();
        let engine = RestEngine {
            forges: forges.clone(),
            owners: BTreeMap::new(),
            stop: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let one = |name: &str, description: &str, archived: bool| DesiredRepo {
            archived,
            forges: ["github".to_string()].into(),
            ..want(name, description)
        };
        let run = |desired: Vec<DesiredRepo>, log: &str| {
            let p = plan("acme", &desired, &BTreeSet::new(), &observe(&forges));
            let mut log = StepLog::open(&dir.path().join(log), &p.hash());
            apply(&engine, &p, &observe(&forges), &mut log, &|_, _, _| {})
        };
        run(
            vec![one("keep", "v1", true), one("wake", "v1", true)],
            "1.log",
        )
        .unwrap();
        // The forge itself refuses an edit of an archived repository, not as a token problem.
        let refused = f
            .update_repo(
                "acme",
                "keep",
                &hyperforge_forge::RepoPatch {
                    description: Some("direct".into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(
            matches!(refused, ForgeError::Forbidden { .. }),
            "{kind}: {refused:?}"
        );
        assert!(
            refused.to_string().contains("archived"),
            "{kind}: {refused}"
        );
        // Stays archived: unarchived, edited, archived again. Unarchived: unarchived first.
        run(
            vec![one("keep", "v2", true), one("wake", "v2", false)],
            "2.log",
        )
        .unwrap();
        let held = observe(&forges);
        let (keep, wake) = (&held.0["github"]["keep"], &held.0["github"]["wake"]);
        assert_eq!(
            (keep.description.as_deref(), keep.archived),
            (Some("v2"), true),
            "{kind}"
        );
        assert_eq!(
            (wake.description.as_deref(), wake.archived),
            (Some("v2"), false),
            "{kind}"
        );
        // Archived with an edit: edited first.
        run(
            vec![one("keep", "v2", true), one("wake", "v3", true)],
            "3.log",
        )
        .unwrap();
        let wake = &observe(&forges).0["github"]["wake"];
        assert_eq!(
            (wake.description.as_deref(), wake.archived),
            (Some("v3"), true),
            "{kind}"
        );
    }
}

#[test]
fn a_stop_request_ends_the_apply_at_a_step_boundary_and_it_resumes() {
    let e = start("github");
    let f = client(&e, Dialect::GitHub, "secret-token");
    let forges: BTreeMap<String, &dyn Forge> = [("github".to_string(), &f as &dyn Forge)].into();
    let desired: Vec<DesiredRepo> = ["a", "b", "c"]
        .iter()
        .map(|n| DesiredRepo {
            forges: ["github".to_string()].into(),
            ..want(n, "x")
        })
        .collect();
    let p = plan("acme", &desired, &BTreeSet::new(), &observe(&forges));
    let dir = tempfile::tempdir().unwrap();
    let steps = std::cell::Cell::new(0);
    let stop = || (steps.get() >= 1).then_some(15);
    let engine = RestEngine {
        forges: forges.clone(),
        owners: BTreeMap::new(),
        stop: Some(&stop),
    };
    let mut log = StepLog::open(&dir.path().join("apply.log"), &p.hash());
    let before = observe(&forges);
    let err = apply(&engine, &p, &before, &mut log, &|_, _, _| {
        steps.set(steps.get() + 1)
    });
    assert!(
        matches!(
            err,
            Err(ApplyError::Interrupted {
                signal: 15,
                done: 1,
                total: 3
            })
        ),
        "{err:?}"
    );
    assert_eq!(
        observe(&forges).0["github"].len(),
        1,
        "one step, then stopped"
    );
    let engine = RestEngine {
        stop: None,
        ..engine
    };
    let mut log = StepLog::open(&dir.path().join("apply.log"), &p.hash());
    let applied = apply(&engine, &p, &observe(&forges), &mut log, &|_, _, _| {}).unwrap();
    assert_eq!(
        (applied.resumed, observe(&forges).0["github"].len()),
        (1, 3)
    );
}
