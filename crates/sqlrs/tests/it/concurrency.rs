//! Two prepares at once, and a delete racing a prepare: states are built once, both
//! prepares succeed, and a delete of a state being built on waits and is then refused.

use crate::common::{Env, dsn, pg, query};

#[test]
fn two_identical_prepares_build_each_state_once_and_both_succeed() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("a.sql", "create table t(x int);\n");
    env.write("b.sql", "select pg_sleep(1);\ninsert into t values (1);\n");
    // The engine first, so both commands use the same one.
    env.run(&["status"]).success();
    let spawn = || {
        let mut c = env.cmd();
        c.args(["-v", "prepare:psql", "-f", "a.sql", "-f", "b.sql"]);
        c.spawn()
    };
    let (one, two) = (spawn(), spawn());
    let (one, two) = (
        one.wait_with_output().unwrap(),
        two.wait_with_output().unwrap(),
    );
    assert!(one.status.success() && two.status.success());
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).to_string();
    let built = [stderr(&one), stderr(&two)]
        .iter()
        .map(|e| e.matches("snapshot: complete").count())
        .sum::<usize>();
    assert_eq!(
        built,
        2,
        "each of the two states is built once:\n{}\n{}",
        stderr(&one),
        stderr(&two)
    );
    for o in [&one, &two] {
        let out = String::from_utf8_lossy(&o.stdout);
        let dsn = out.lines().find_map(|l| l.strip_prefix("DSN=")).unwrap();
        assert_eq!(query(dsn, "select count(*) from t"), "1");
    }
}

#[test]
fn a_delete_racing_a_prepare_is_refused_at_once() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("a.sql", "create table t(x int);\n");
    env.run(&["prepare:psql", "-f", "a.sql"]).success();
    let root = env.run(&["--json", "ls", "-s"]).json()["states"][0]["state_id"]
        .as_str()
        .unwrap()
        .to_string();
    env.write("b.sql", "select pg_sleep(2);\ninsert into t values (1);\n");
    let mut c = env.cmd();
    c.args(["prepare:psql", "-f", "a.sql", "-f", "b.sql"]);
    let prepare = c.spawn();
    std::thread::sleep(std::time::Duration::from_millis(700));
    // Even recursive and forced: a running job builds on it (review finding 8).
    let rm = env.run(&["rm", "-r", "-f", &root]);
    rm.failure(4);
    assert!(
        rm.stdout.contains("a running job uses it"),
        "{}",
        rm.render()
    );
    let out = prepare.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = infra_testkit::Transcript::from_output(&out, infra_testkit::Filters::new());
    assert_eq!(query(&dsn(&t), "select count(*) from t"), "1");
    assert_eq!(
        env.run(&["--json", "ls", "-s"]).json()["states"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
