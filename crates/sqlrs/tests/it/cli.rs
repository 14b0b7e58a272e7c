//! The command line without PostgreSQL: usage errors name what is wrong and exit 2.

use crate::common::Env;

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    let env = Env::new();
    let t = env.run(&[]);
    t.failure(2);
    let t = env.run(&["frobnicate"]);
    assert!(t.failure(2).contains("frobnicate"), "{}", t.render());
    let t = env.run(&["--output", "xml", "status"]);
    assert!(t.failure(2).contains("xml"), "{}", t.render());
    let t = env.run(&["run:psql", "-c", "select 1"]);
    assert!(t.failure(2).contains("--instance"), "{}", t.render());
    let t = env.run(&["rm", "xyz"]);
    assert!(t.failure(2).contains("8 hex"), "{}", t.render());
    let t = env.run(&["--json", "frobnicate"]);
    t.failure(2);
    assert_eq!(t.json()["error"]["kind"], "usage", "{}", t.render());
}

#[test]
fn config_reads_sets_and_removes_settings_and_refuses_bad_ones() {
    let env = Env::new();
    let t = env.run(&["--json", "config", "get", "--effective"]);
    assert_eq!(
        t.json()["orchestrator.jobs.maxIdentical"],
        2,
        "{}",
        t.render()
    );
    let t = env.run(&[
        "--json",
        "config",
        "set",
        "orchestrator.jobs.maxIdentical",
        "1",
    ]);
    assert_eq!(t.json()["value"], 1, "{}", t.render());
    let t = env.run(&["--json", "config", "get", "orchestrator.jobs.maxIdentical"]);
    assert_eq!(t.json()["value"], 1, "{}", t.render());
    let t = env.run(&["config", "set", "orchestrator.jobs.maxIdentical=many"]);
    assert!(t.failure(3).contains("whole number"), "{}", t.render());
    let t = env.run(&["config", "set", "orchestrator.jobs.maxIdenticl", "1"]);
    assert!(
        t.failure(1).contains("maxIdentical"),
        "the known keys are listed:\n{}",
        t.render()
    );
    let t = env.run(&["--json", "config", "rm", "orchestrator.jobs.maxIdentical"]);
    assert_eq!(t.json()["value"], 2, "{}", t.render());
    let t = env.run(&["--json", "config", "schema"]);
    assert!(
        t.json()["properties"]["liquibase.exec"].is_object(),
        "{}",
        t.render()
    );
    let stored = std::fs::read_to_string(env.store().join("config.json")).unwrap();
    assert_eq!(
        stored.trim(),
        "{}",
        "the removed override is gone from config.json"
    );
}
