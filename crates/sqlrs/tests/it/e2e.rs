//! The main job on real PostgreSQL (native runtime): prepare from two scripts, connect,
//! prepare again from the cache, edit the second script and rebuild only it, delete state
//! trees (dry run first), and run psql and pgbench through the engine.

use serde_json::Value;

use crate::common::{Env, dsn, pg, query};

/// The `cached` flags of a prepare's or plan's steps.
fn cached(report: &Value) -> Vec<bool> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cached"].as_bool().unwrap())
        .collect()
}

fn prepare(env: &Env) -> Value {
    let t = env.run(&[
        "--json",
        "prepare:psql",
        "--",
        "-f",
        "schema.sql",
        "-f",
        "data.sql",
    ]);
    t.success();
    t.json()
}

#[test]
fn prepare_caches_rebuilds_only_the_changed_tail_and_deletes_trees() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("schema.sql", "create table t(x int);\n");
    env.write("data.sql", "insert into t values (1), (2);\n");

    let first = prepare(&env);
    assert_eq!(cached(&first), [false, false]);
    let first_dsn = first["dsn"].as_str().unwrap().to_string();
    assert!(
        first_dsn.starts_with("postgres://sqlrs@127.0.0.1:"),
        "{first_dsn}"
    );
    assert_eq!(query(&first_dsn, "select count(*) from t"), "2");

    let again = prepare(&env);
    assert_eq!(
        cached(&again),
        [true, true],
        "an identical prepare is served from the cache"
    );
    assert_eq!(again["state_id"], first["state_id"]);
    assert_ne!(
        again["instance_id"], first["instance_id"],
        "each prepare gets its own instance"
    );

    env.write("data.sql", "insert into t values (1), (2), (3);\n");
    let plan = env
        .run(&["--json", "plan:psql", "-f", "schema.sql", "-f", "data.sql"])
        .json();
    assert_eq!(
        cached(&plan),
        [true, false],
        "the plan names the one step to rebuild"
    );
    let edited = prepare(&env);
    assert_eq!(cached(&edited), [true, false]);
    assert_eq!(
        query(edited["dsn"].as_str().unwrap(), "select count(*) from t"),
        "3"
    );
    assert_eq!(
        query(&first_dsn, "select count(*) from t"),
        "2",
        "other instances are untouched"
    );

    deletes(
        &env,
        first["steps"][0]["state_id"].as_str().unwrap(),
        &first_dsn,
    );
}

/// `rm` of the root state: dry run, blocked without `-r`, then the whole tree.
fn deletes(env: &Env, root: &str, a_dsn: &str) {
    let states = |env: &Env| {
        env.run(&["--json", "ls", "-s"]).json()["states"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(states(env), 3);
    let dry = env
        .run(&["--json", "rm", "--dry-run", "-r", &root[..10]])
        .json();
    assert_eq!(dry["outcome"], "would_delete");
    assert_eq!(states(env), 3, "a dry run deletes nothing");
    assert_eq!(query(a_dsn, "select 1"), "1", "and stops no instance");

    let blocked = env.run(&["rm", &root[..10]]);
    blocked.failure(4);
    assert!(blocked.stdout.contains("blocked"), "{}", blocked.render());

    let deleted = env.run(&["--json", "rm", "-r", &root[..10]]).json();
    assert_eq!(deleted["outcome"], "deleted");
    assert_eq!(states(env), 0);
    let instances = env.run(&["--json", "ls", "-i"]).json();
    assert_eq!(instances["instances"].as_array().unwrap().len(), 0);
    let gone = std::process::Command::new("psql")
        .args(["-X", "-tA", a_dsn, "-c", "select 1"])
        .output()
        .unwrap();
    assert!(!gone.status.success(), "the instance's server is stopped");
}

#[test]
fn a_failing_script_names_its_file_and_line_and_keeps_the_steps_before() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("ok.sql", "create table t(x int);\n");
    env.write("bad.sql", "insert into t values (1);\nselect nosuch;\n");
    let t = env.run(&["prepare:psql", "-f", "ok.sql", "-f", "bad.sql"]);
    let err = t.failure(1);
    assert!(err.contains("nosuch"), "{}", t.render());
    assert!(
        t.filtered_stderr().contains("[WORK]/bad.sql:2"),
        "{}",
        t.render()
    );
    let plan = env
        .run(&["--json", "plan:psql", "-f", "ok.sql", "-f", "bad.sql"])
        .json();
    assert_eq!(
        cached(&plan),
        [true, false],
        "the step before the failure stays cached"
    );
    let dsn_line = env.run(&["prepare:psql", "-f", "ok.sql"]);
    assert_eq!(query(&dsn(&dsn_line), "select count(*) from t"), "0");
}

#[test]
fn runs_pass_the_tools_output_and_exit_code_and_a_composite_leaves_no_instance() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write(
        "schema.sql",
        "create table t(x int);\ninsert into t values (41);\n",
    );
    let prepared = env
        .run(&["--json", "prepare:psql", "-f", "schema.sql"])
        .json();
    let id = prepared["instance_id"].as_str().unwrap();

    let t = env.run(&[
        "run:psql",
        "--instance",
        &id[..10],
        "--",
        "-tA",
        "-c",
        "select x + 1 from t",
    ]);
    assert_eq!(t.success().trim(), "42");
    env.write("q.sql", "select count(*) from t;\n");
    let t = env.run(&["run:psql", "--instance", id, "--", "-tA", "-f", "q.sql"]);
    assert_eq!(t.success().trim(), "1");
    let t = env.run(&[
        "run:psql",
        "--instance",
        id,
        "--",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        "select nosuch",
    ]);
    assert!(t.failure(1).contains("nosuch"), "{}", t.render());
    let t = env.run(&[
        "run:psql",
        "--instance",
        id,
        "--",
        "-h",
        "elsewhere",
        "-c",
        "select 1",
    ]);
    assert!(
        t.failure(3).contains("connection options"),
        "{}",
        t.render()
    );

    env.run(&["run:pgbench", "--instance", id, "--", "-i", "-s", "1"])
        .success();
    let t = env.run(&["run:pgbench", "--instance", id, "--", "-t", "10", "-c", "2"]);
    assert!(
        t.success()
            .contains("number of transactions actually processed: 20"),
        "{}",
        t.render()
    );

    let before = env.run(&["--json", "ls", "-i"]).json()["instances"]
        .as_array()
        .unwrap()
        .len();
    let t = env.run(&[
        "prepare:psql",
        "-f",
        "schema.sql",
        "run:psql",
        "-tA",
        "-c",
        "select x from t",
    ]);
    assert_eq!(
        t.success().lines().last().unwrap().trim(),
        "41",
        "{}",
        t.render()
    );
    let after = env.run(&["--json", "ls", "-i"]).json()["instances"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        before, after,
        "the composite's instance is removed after the run"
    );
}
