//! The seed's Success Criteria 1–7 on two emulated forges (a GitHub-kind and a Gitea-kind
//! instance), through the operations the commands call: import, dry-run sync with nothing to
//! do, a staged create, a sync that creates on both forges, `_synced` recorded, an
//! idempotent re-sync, drift made directly on a forge seen and converged away. Plus the
//! safety rule for protected repositories.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    reason = "each test is one scenario, told in order"
)]

use std::process::Command;
use std::time::Duration;

use hyperforge_forge::{Dialect, Forge, NewRepo, RepoPatch, RestForge, RetryPolicy};
use hyperforge_ops::{Ctx, OrgForges, import, sync};
use hyperforge_plan::{Safety, SafetyError, Step};
use hyperforge_schema::{OrgName, RepoName, RepoSpec, StagedChange};
use hyperforge_state::Store;

type Emulator = hyperforge_emulator::Running;

fn start(kind: &str) -> Emulator {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "hyperforge-emulator"])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    });
    let exe = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("forge-emulator");
    Emulator::start(&exe, kind, &["alice:tok"], &["acme:alice"]).unwrap()
}

fn client(e: &Emulator, dialect: Dialect) -> RestForge {
    let retry = RetryPolicy {
        attempts: 2,
        base: Duration::from_millis(10),
        max_wait: Duration::from_secs(1),
    };
    RestForge::new(dialect, &e.api, "tok", Duration::from_secs(10), retry).unwrap()
}

fn config(gh: &Emulator, cb: &Emulator) -> String {
    format!(
        "version: 1\nforges:\n  github:\n    kind: github\n    api_url: {}\n    token: env:GH_TOKEN\n  codeberg:\n    kind: gitea\n    api_url: {}\n    token: env:CB_TOKEN\norgs:\n  acme:\n    owner: alice\n    forges: [codeberg, github]\n    origin: github\n",
        gh.api, cb.api
    )
}

/// Two emulated forges, their clients, and a config directory naming them.
struct Fixture {
    _emulators: (Emulator, Emulator),
    gh: RestForge,
    cb: RestForge,
    dir: tempfile::TempDir,
    store: Store,
    org: OrgName,
}

impl Fixture {
    fn new() -> Self {
        let (gh, cb) = (start("github"), start("gitea"));
        let (ghc, cbc) = (client(&gh, Dialect::GitHub), client(&cb, Dialect::Gitea));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), config(&gh, &cb)).unwrap();
        let store = Store::open(dir.path()).unwrap();
        Self {
            _emulators: (gh, cb),
            gh: ghc,
            cb: cbc,
            dir,
            store,
            org: OrgName::new("acme").unwrap(),
        }
    }

    fn forges(&self) -> OrgForges<'_> {
        OrgForges {
            forges: [
                ("github".to_string(), &self.gh as &dyn Forge),
                ("codeberg".to_string(), &self.cb as &dyn Forge),
            ]
            .into(),
            owners: [
                ("github".to_string(), "alice".to_string()),
                ("codeberg".to_string(), "alice".to_string()),
            ]
            .into(),
        }
    }

    fn sync(
        &self,
        dry_run: bool,
        safety: Safety,
    ) -> Result<hyperforge_ops::SyncReport, hyperforge_ops::OpsError> {
        let of = self.forges();
        let logs = self.dir.path().join("logs");
        sync(&self.ctx(&of, &logs), (dry_run, false), safety, None)
    }

    fn purge(
        &self,
        safety: Safety,
    ) -> Result<hyperforge_ops::SyncReport, hyperforge_ops::OpsError> {
        let of = self.forges();
        let logs = self.dir.path().join("logs");
        sync(&self.ctx(&of, &logs), (false, true), safety, None)
    }

    fn ctx<'a>(&'a self, of: &'a OrgForges<'a>, logs: &'a std::path::Path) -> Ctx<'a> {
        Ctx {
            store: &self.store,
            org: &self.org,
            of,
            log_dir: logs,
            clock: &|| "2026-11-28T12:00:00Z".to_string(),
            emit: &|_| {},
            interrupt: None,
        }
    }

    fn import(&self) -> hyperforge_schema::ReposFile {
        let of = self.forges();
        let logs = self.dir.path().join("logs");
        import(&self.ctx(&of, &logs)).unwrap()
    }
}

const SAFE: Safety = Safety {
    force: false,
    confirmed: true,
    max_fraction: 0.5,
};

#[test]
fn success_criteria_one_to_seven() {
    let fx = Fixture::new();
    for f in [&fx.gh as &dyn Forge, &fx.cb] {
        f.create_repo(
            "alice",
            &NewRepo {
                name: "api".into(),
                description: Some("the API".into()),
                private: false,
            },
        )
        .unwrap();
    }
    fx.gh
        .create_repo(
            "alice",
            &NewRepo {
                name: "docs".into(),
                description: None,
                private: true,
            },
        )
        .unwrap();
    // 1. Initialise: import writes the forges' state.
    assert_eq!(fx.import().repos.len(), 2);
    // 2. Verify: a dry run has nothing to do.
    let dry = fx.sync(true, SAFE).unwrap();
    assert!(
        dry.plan.is_empty(),
        "converged after import: {:?}",
        dry.plan.steps
    );
    // 3. Mutate: a staged create.
    let spec = RepoSpec {
        description: Some("a new one".into()),
        ..RepoSpec::default()
    };
    fx.store
        .stage(
            &fx.org,
            RepoName::new("new-repo").unwrap(),
            StagedChange::Create(spec),
        )
        .unwrap();
    let dry = fx.sync(true, SAFE).unwrap();
    assert_eq!(
        dry.plan
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Create { .. }))
            .count(),
        2
    );
    assert!(
        fx.gh
            .list_repos("alice")
            .unwrap()
            .iter()
            .all(|r| r.name != "new-repo"),
        "a dry run writes nothing"
    );
    // 4. Apply: created on both forges.
    fx.sync(false, SAFE).unwrap();
    for f in [&fx.gh as &dyn Forge, &fx.cb] {
        assert!(
            f.list_repos("alice")
                .unwrap()
                .iter()
                .any(|r| r.name == "new-repo")
        );
    }
    captured_and_idempotent(&fx);
    drift_is_seen_and_converged(&fx);
}

/// 5. `_synced.<forge>.url` recorded; 6. a second sync changes nothing.
fn captured_and_idempotent(fx: &Fixture) {
    let repos = fx.store.load_repos(&fx.org).unwrap();
    let new = &repos.repos[&RepoName::new("new-repo").unwrap()];
    assert_eq!(new.synced.len(), 2, "{new:?}");
    assert!(
        new.synced
            .values()
            .all(|s| s.url.contains("new-repo") && s.id.is_some())
    );
    assert!(
        fx.store.staged(&fx.org).unwrap().changes.is_empty(),
        "the staged change is merged"
    );
    let again = fx.sync(false, SAFE).unwrap();
    assert!(again.plan.is_empty() && again.applied.is_none());
}

/// 7. A change made on a forge shows up, and converging removes it.
fn drift_is_seen_and_converged(fx: &Fixture) {
    fx.cb
        .update_repo(
            "alice",
            "api",
            &RepoPatch {
                description: Some("edited on the forge".into()),
                ..RepoPatch::default()
            },
        )
        .unwrap();
    let drift = fx.sync(true, SAFE).unwrap();
    assert_eq!(drift.plan.steps.len(), 1, "{:?}", drift.plan.steps);
    assert!(matches!(&drift.plan.steps[0], Step::Update { forge, .. } if forge == "codeberg"));
    fx.sync(false, SAFE).unwrap();
    let api = fx
        .cb
        .list_repos("alice")
        .unwrap()
        .into_iter()
        .find(|r| r.name == "api")
        .unwrap();
    assert_eq!(api.description.as_deref(), Some("the API"));
}

#[test]
fn a_protected_repository_is_not_deleted_without_force() {
    let fx = Fixture::new();
    fx.gh
        .create_repo(
            "alice",
            &NewRepo {
                name: "keep".into(),
                description: None,
                private: false,
            },
        )
        .unwrap();
    fx.import();
    let keep = RepoName::new("keep").unwrap();
    fx.store
        .with_org_lock(&fx.org, |tx| {
            tx.repos_mut().repos.get_mut(&keep).unwrap().protected = Some(true);
            Ok::<_, hyperforge_state::StateError>(())
        })
        .unwrap();
    fx.store
        .stage(&fx.org, keep.clone(), StagedChange::Remove)
        .unwrap();
    let refused = fx.sync(false, SAFE);
    assert!(
        matches!(
            refused,
            Err(hyperforge_ops::OpsError::Safety(
                SafetyError::Protected { .. }
            ))
        ),
        "{refused:?}"
    );
    assert!(
        fx.gh
            .list_repos("alice")
            .unwrap()
            .iter()
            .any(|r| r.name == "keep"),
        "still there"
    );
    let forced = Safety {
        force: true,
        ..SAFE
    };
    // Two-phase: retired (archived, private) first, deleted with purge (or after the grace).
    fx.sync(false, forced).unwrap();
    let kept = fx
        .gh
        .list_repos("alice")
        .unwrap()
        .into_iter()
        .find(|r| r.name == "keep")
        .unwrap();
    assert!(kept.archived && kept.private, "{kept:?}");
    fx.purge(forced).unwrap();
    assert!(
        fx.gh
            .list_repos("alice")
            .unwrap()
            .iter()
            .all(|r| r.name != "keep")
    );
    assert!(
        !fx.store
            .load_repos(&fx.org)
            .unwrap()
            .repos
            .contains_key(&keep),
        "forgotten locally too"
    );
}
