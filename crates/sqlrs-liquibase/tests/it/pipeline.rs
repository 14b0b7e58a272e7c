//! The pipeline on real PostgreSQL: one `update-sql` per plan, changesets applied one by one
//! (through psql, or by Liquibase where its SQL is not faithful), and the result compared
//! with what `liquibase update` leaves in a second, fresh cluster.

use infra_process::Interrupt;
use sqlrs_liquibase::{
    Applier, ApplyMode, ChangelogContent, Fallback, LbArgs, Liquibase, Plan, lb_task_hash, plan,
};
use sqlrs_runtime::NativeRuntime;

use crate::support::{self, Server, example, run_liquibase, timed, update_args};

fn ids(p: &Plan) -> Vec<String> {
    p.changesets.iter().map(|c| c.identity()).collect()
}

fn applier<'a>(
    lb: &'a Liquibase,
    args: &'a LbArgs,
    rt: &'a NativeRuntime,
    server: &Server,
    plan: &'a Plan,
) -> Applier<'a> {
    Applier {
        liquibase: lb,
        args,
        runtime: rt,
        target: server.target.clone(),
        content: &plan.content,
    }
}

/// `liquibase update` on a fresh cluster gives `tables` and tracking tables equal to
/// `built`'s, and Liquibase itself finds nothing pending on `built`.
fn assert_same_as_update(
    lb: &Liquibase,
    rt: &NativeRuntime,
    args: &LbArgs,
    built: &Server,
    tables: &[&str],
) {
    let reference = Server::fresh(rt);
    let (_, took) = timed(|| run_liquibase(lb, args, &reference.target, &["update"]));
    eprintln!("liquibase update: {took:?}");
    assert_eq!(built.contents(tables), reference.contents(tables));
    let status = run_liquibase(lb, args, &built.target, &["status", "--verbose"]);
    assert!(status.contains("is up to date"), "{status}");
    let again = plan(lb, args, &built.target, &Interrupt::none()).unwrap();
    assert_eq!(ids(&again), Vec::<String>::new());
}

#[test]
fn yaml_changesets_applied_through_psql_match_liquibase_update() {
    let Some((lb, rt)) = support::tools() else {
        return;
    };
    let none = Interrupt::none();
    let args = update_args(&example("yaml"), "changelog.yaml");
    let built = Server::fresh(&rt);
    let (first, took) = timed(|| plan(&lb, &args, &built.target, &none).unwrap());
    eprintln!("plan (update-sql, 3 changesets): {took:?}");
    assert_eq!(
        ids(&first),
        [
            "changelog.yaml::1-create-products::sqlrs",
            "changes/002-insert-products.yaml::2-insert-products::sqlrs",
            "changelog.yaml::3-add-price::sqlrs",
        ]
    );
    assert!(first.changesets.iter().all(|c| c.apply == ApplyMode::Psql));
    assert!(
        first.changesets[0]
            .sql
            .contains("CREATE TABLE public.databasechangelog ")
    );
    assert!(!first.changesets[1].sql.contains("databasechangeloglock"));
    let apply = applier(&lb, &args, &rt, &built, &first);
    for c in &first.changesets[..2] {
        let (applied, took) = timed(|| apply.apply(c, &none).unwrap());
        assert!(!applied.by_liquibase);
        eprintln!("psql apply of `{}`: {took:?}", c.id);
    }

    // After two of three, the plan is the third, rendered as it was against the base.
    let rest = plan(&lb, &args, &built.target, &none).unwrap();
    assert_eq!(ids(&rest), ["changelog.yaml::3-add-price::sqlrs"]);
    assert!(
        rest.changesets[0].sql.starts_with("-- Changeset "),
        "no tracking-table preamble"
    );
    let opts = args.semantic_options();
    assert_eq!(
        lb_task_hash(&rest.changesets[0], lb.version(), &opts, &rest.content),
        lb_task_hash(&first.changesets[2], lb.version(), &opts, &first.content),
        "the same changeset hashes the same whichever state it was planned on"
    );
    applier(&lb, &args, &rt, &built, &rest)
        .apply(&rest.changesets[0], &none)
        .unwrap();
    assert_same_as_update(&lb, &rt, &args, &built, &["products"]);
}

#[test]
fn sql_changesets_applied_through_psql_match_liquibase_update() {
    let Some((lb, rt)) = support::tools() else {
        return;
    };
    let none = Interrupt::none();
    let args = update_args(&example("sql"), "changelog.sql");
    let built = Server::fresh(&rt);
    let p = plan(&lb, &args, &built.target, &none).unwrap();
    assert_eq!(
        ids(&p),
        [
            "changelog.sql::1-create-customers::sqlrs",
            "changelog.sql::2-insert-customers::sqlrs",
            "changelog.sql::3-add-email::sqlrs",
        ]
    );
    let apply = applier(&lb, &args, &rt, &built, &p);
    for c in &p.changesets {
        assert_eq!(c.apply, ApplyMode::Psql);
        apply.apply(c, &none).unwrap();
    }
    assert_eq!(
        built.query("select email from customers where id = 2;"),
        "brian@example.com\n"
    );
    assert_same_as_update(&lb, &rt, &args, &built, &["customers"]);
}

#[test]
fn unfaithful_changesets_are_applied_by_liquibase_between_psql_ones() {
    let Some((lb, rt)) = support::tools() else {
        return;
    };
    let none = Interrupt::none();
    let args = update_args(&example("fallback"), "master.xml");
    let built = Server::fresh(&rt);
    let p = plan(&lb, &args, &built.target, &none).unwrap();
    let modes: Vec<&ApplyMode> = p.changesets.iter().map(|c| &c.apply).collect();
    let guarded = ApplyMode::Liquibase(Fallback::Attribute {
        file: "guarded.xml".into(),
        attribute: "precondition",
    });
    assert_eq!(
        modes,
        [
            &ApplyMode::Psql,
            &ApplyMode::Liquibase(Fallback::Unfaithful),
            &guarded,
            &guarded,
            &ApplyMode::Psql,
        ]
    );
    let apply = applier(&lb, &args, &rt, &built, &p);
    for c in &p.changesets {
        let (applied, took) = timed(|| apply.apply(c, &none).unwrap());
        assert_eq!(applied.by_liquibase, c.apply != ApplyMode::Psql);
        eprintln!(
            "apply of `{}` by {}: {took:?}",
            c.id,
            if applied.by_liquibase {
                "liquibase update-count --count=1"
            } else {
                "psql"
            }
        );
    }
    // The precondition held Liquibase back where the rendered SQL would have created a table.
    assert_eq!(
        built.query("select exectype from databasechangelog where id = '4-never-runs';"),
        "MARK_RAN\n"
    );
    assert_same_as_update(&lb, &rt, &args, &built, &["items"]);

    // Liquibase-applied changesets hash every changelog file; psql-applied ones do not.
    let edited = support::copy_example("fallback");
    std::fs::write(
        edited.path().join("items.csv"),
        "id,name,qty,active\n1,kettle,4,true\n",
    )
    .unwrap();
    let other = ChangelogContent::read(&[edited.path().to_path_buf()]).unwrap();
    let opts = args.semantic_options();
    let hash =
        |i: usize, c: &ChangelogContent| lb_task_hash(&p.changesets[i], lb.version(), &opts, c);
    assert_eq!(hash(0, &p.content), hash(0, &other));
    assert_ne!(hash(2, &p.content), hash(2, &other));
}

/// The same changesets applied through psql and by Liquibase give the same database; the
/// times are the figures the design rests on (run with `--test-threads=1 --nocapture`).
#[test]
fn psql_and_liquibase_apply_the_same_changesets_alike() {
    let Some((lb, rt)) = support::tools() else {
        return;
    };
    let none = Interrupt::none();
    let args = update_args(&example("yaml"), "changelog.yaml");
    let (by_psql, by_lb) = (Server::fresh(&rt), Server::fresh(&rt));
    let (p, took) = timed(|| plan(&lb, &args, &by_psql.target, &none).unwrap());
    eprintln!(
        "cost: plan, one update-sql for {} changesets: {took:?}",
        p.changesets.len()
    );
    for c in &p.changesets {
        let (_, psql) = timed(|| {
            applier(&lb, &args, &rt, &by_psql, &p)
                .apply(c, &none)
                .unwrap()
        });
        let mut forced = c.clone();
        forced.apply = ApplyMode::Liquibase(Fallback::NoRow);
        let (applied, liquibase) = timed(|| {
            applier(&lb, &args, &rt, &by_lb, &p)
                .apply(&forced, &none)
                .unwrap()
        });
        assert!(applied.by_liquibase);
        eprintln!(
            "cost: `{}` through psql {psql:?}, by update-count --count=1 {liquibase:?}",
            c.id
        );
    }
    assert_eq!(
        by_psql.contents(&["products"]),
        by_lb.contents(&["products"])
    );
}

/// Contexts, labels, parameters and the default schema reach Liquibase, and what it
/// renders for them applies through psql as `update` would.
#[test]
fn filters_parameters_and_the_default_schema_reach_liquibase() {
    let Some((lb, rt)) = support::tools() else {
        return;
    };
    let none = Interrupt::none();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("changelog.sql"),
        "--liquibase formatted sql\n\n\
         --changeset a:1 context:dev\ncreate table ${prefix}_dev (x int);\n\n\
         --changeset a:2 context:prod\ncreate table ${prefix}_prod (x int);\n\n\
         --changeset a:3 labels:keep\ncreate table ${prefix}_kept (x int);\n\n\
         --changeset a:4 labels:drop\ncreate table ${prefix}_dropped (x int);\n",
    )
    .unwrap();
    let words = [
        "update".to_string(),
        "--changelog-file=changelog.sql".into(),
        "--contexts=dev".into(),
        "--labels=keep".into(),
        "--default-schema-name=app".into(),
        "-Dprefix=demo".into(),
    ];
    let args = sqlrs_liquibase::parse_liquibase(&words, dir.path()).unwrap();
    let built = Server::fresh(&rt);
    built.query("create schema app;");
    let p = plan(&lb, &args, &built.target, &none).unwrap();
    assert_eq!(ids(&p), ["changelog.sql::1::a", "changelog.sql::3::a"]);
    assert!(p.changesets[0].sql.contains("create table demo_dev"));
    assert!(
        p.changesets[0]
            .sql
            .contains("CREATE TABLE app.databasechangelog ")
    );
    for c in &p.changesets {
        applier(&lb, &args, &rt, &built, &p)
            .apply(c, &none)
            .unwrap();
    }
    assert_eq!(
        built.query("select tablename from pg_tables where schemaname = 'app' order by 1;"),
        "databasechangelog\ndatabasechangeloglock\ndemo_dev\ndemo_kept\n"
    );
    let status = run_liquibase(&lb, &args, &built.target, &["status", "--verbose"]);
    assert!(status.contains("is up to date"), "{status}");
}
