//! Concurrent writers to one org are serialised: every read-modify-write sees the one
//! before it, whether the writers are threads with their own `Store`s or processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

use hyperforge_schema::{Repo, RepoName};
use hyperforge_state::{StateError, Store};

const CHILD_DIR_VAR: &str = "HF_STATE_TEST_CHILD_DIR";
const CHILD_ID_VAR: &str = "HF_STATE_TEST_CHILD_ID";

/// One read-modify-write: bump the counter kept in repo `counter`'s description and add a
/// repo named after the writer and step.
fn bump(store: &Store, writer: &str, step: usize) {
    store
        .with_org_lock(&common::org_name(), |tx| {
            let counter = RepoName::new("counter").unwrap();
            let seen: u64 = tx
                .repos()
                .repos
                .get(&counter)
                .and_then(|r| r.description.as_deref())
                .map_or(0, |d| d.parse().unwrap());
            // Give another writer every chance to interleave.
            thread::yield_now();
            let repos = tx.repos_mut();
            repos.repos.insert(
                counter,
                Repo {
                    description: Some((seen + 1).to_string()),
                    ..Repo::default()
                },
            );
            repos.repos.insert(
                RepoName::new(format!("{writer}-{step}")).unwrap(),
                Repo::default(),
            );
            Ok::<_, StateError>(())
        })
        .unwrap();
}

fn assert_count(dir: &Path, writes: usize) {
    let store = Store::open(dir).unwrap();
    let repos = store.load_repos(&common::org_name()).unwrap();
    let counter = &repos.repos[&RepoName::new("counter").unwrap()];
    assert_eq!(
        counter.description.as_deref(),
        Some(writes.to_string().as_str())
    );
    assert_eq!(repos.repos.len(), writes + 1);
}

#[test]
fn threads_with_their_own_stores_are_serialised() {
    let dir = tempfile::tempdir().unwrap();
    common::store_with_org(dir.path());
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let path = dir.path().to_owned();
            thread::spawn(move || {
                let store = Store::open(path).unwrap();
                for step in 0..40 {
                    bump(&store, &format!("t{t}"), step);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_count(dir.path(), 80);
}

#[test]
fn processes_are_serialised() {
    let dir = tempfile::tempdir().unwrap();
    common::store_with_org(dir.path());
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..3)
        .map(|id| {
            Command::new(&exe)
                .args([
                    "child_writer",
                    "--exact",
                    "--ignored",
                    "--test-threads=1",
                    "--quiet",
                ])
                .env(CHILD_DIR_VAR, dir.path())
                .env(CHILD_ID_VAR, id.to_string())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    assert_count(dir.path(), 75);
}

/// Run by `processes_are_serialised` in a child process; does nothing on its own.
#[test]
#[ignore = "a child process of processes_are_serialised"]
#[allow(clippy::disallowed_methods)]
fn child_writer() {
    let (Some(dir), Ok(id)) = (std::env::var_os(CHILD_DIR_VAR), std::env::var(CHILD_ID_VAR)) else {
        return;
    };
    let store = Store::open(dir).unwrap();
    for step in 0..25 {
        bump(&store, &format!("p{id}"), step);
    }
}

#[test]
fn a_waiting_writer_is_told_and_can_give_up() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let dir = tempfile::tempdir().unwrap();
    let holder = common::store_with_org(dir.path());
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&asked);
    let waiter = Store::open(dir.path())
        .unwrap()
        .on_lock_wait(Arc::new(move |_: &Path| {
            counted.fetch_add(1, Ordering::SeqCst) < 3
        }));
    let org = common::org_name();
    let err = holder
        .with_org_lock(&org, |_| {
            Ok::<_, StateError>(waiter.save_repos(&org, &Default::default()))
        })
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, StateError::LockAbandoned { .. }), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("orgs/hm/.lock is held by another hyperforge; gave up waiting"),
        "{err}"
    );
    assert_eq!(asked.load(Ordering::SeqCst), 4);
    // Once the holder is done, the waiter gets through.
    waiter.save_repos(&org, &Default::default()).unwrap();
}
