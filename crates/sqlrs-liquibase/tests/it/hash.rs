//! Task hashes from real plans: a changeset's hash follows its own SQL, not the changesets
//! after it, and not the run that planned it.

use infra_process::Interrupt;
use sqlrs_hash::{Digest, InputRef, chain};
use sqlrs_liquibase::{Liquibase, lb_task_hash, plan};

use crate::support::{self, Server, copy_example, update_args};

fn hashes(lb: &Liquibase, server: &Server, dir: &std::path::Path) -> Vec<Digest> {
    let args = update_args(dir, "changelog.sql");
    let p = plan(lb, &args, &server.target, &Interrupt::none()).unwrap();
    let options = args.semantic_options();
    p.changesets
        .iter()
        .map(|c| lb_task_hash(c, lb.version(), &options, &p.content))
        .collect()
}

fn state_ids(tasks: &[Digest]) -> Vec<Digest> {
    let mut input = InputRef::Base("postgres-15".into());
    tasks
        .iter()
        .map(|t| {
            let id = chain(&input, t);
            input = InputRef::State(id);
            id
        })
        .collect()
}

#[test]
fn a_changesets_hash_follows_its_own_sql_and_not_later_changesets() {
    let Some((lb, rt)) = support::tools() else {
        return;
    };
    let server = Server::fresh(&rt);
    let dir = copy_example("sql");
    let changelog = dir.path().join("changelog.sql");
    let original = std::fs::read_to_string(&changelog).unwrap();
    let base = hashes(&lb, &server, dir.path());
    assert_eq!(base.len(), 3);
    assert_eq!(
        hashes(&lb, &server, dir.path()),
        base,
        "two plans of the same changelog hash the same"
    );

    std::fs::write(&changelog, original.replace("'Brian'", "'Bruno'")).unwrap();
    let second = hashes(&lb, &server, dir.path());
    assert_eq!(second[0], base[0]);
    assert_ne!(second[1], base[1], "the edited changeset");
    assert_eq!(
        second[2], base[2],
        "a later changeset's own task is unchanged…"
    );
    let (a, b) = (state_ids(&base), state_ids(&second));
    assert_eq!(a[0], b[0]);
    assert_ne!(a[2], b[2], "…but its state is another, on another parent");

    std::fs::write(&changelog, original.replace("lower(name)", "upper(name)")).unwrap();
    let third = hashes(&lb, &server, dir.path());
    assert_eq!(
        third[..2],
        base[..2],
        "editing the last changeset keeps the states before it"
    );
    assert_ne!(third[2], base[2]);

    // The Liquibase version and the semantic options are part of every hash.
    let args = update_args(dir.path(), "changelog.sql");
    let p = plan(&lb, &args, &server.target, &Interrupt::none()).unwrap();
    let c = &p.changesets[0];
    let h = lb_task_hash(c, lb.version(), &[], &p.content);
    assert_ne!(h, lb_task_hash(c, "4.29.0", &[], &p.content));
    assert_ne!(
        h,
        lb_task_hash(c, lb.version(), &["contexts=dev".into()], &p.content)
    );
}
