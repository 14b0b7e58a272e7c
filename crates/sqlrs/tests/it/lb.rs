//! Liquibase changelogs (SQL-formatted and YAML), invoked as users do
//! (`prepare:lb -- update --search-path=DIR --changelog-file=FILE`): one state per
//! changeset, a repeated prepare served from the cache, an edited last changeset rebuilt
//! alone. Needs Liquibase (`SQLRS_TEST_LIQUIBASE=1`) and PostgreSQL.

use std::path::Path;

use serde_json::Value;

use crate::common::{Env, pg, query};

fn liquibase() -> bool {
    pg() && infra_testkit::require_tool_with_hint(
        "liquibase",
        "SQLRS_TEST_LIQUIBASE",
        "run ./scripts/setup (installs Liquibase 4.28.1 with npm)",
    )
    .is_some()
}

/// Copies an example changelog directory into the work directory.
fn copy_example(env: &Env, name: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/sqlrs/liquibase")
        .join(name);
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(&from)
        .arg(env.work.join(name))
        .status()
        .unwrap();
    assert!(status.success());
}

fn prepare(env: &Env, dir: &str, changelog: &str) -> Value {
    let search = format!("--search-path={dir}");
    let file = format!("--changelog-file={changelog}");
    let t = env.run(&["--json", "prepare:lb", "--", "update", &search, &file]);
    t.success();
    t.json()
}

fn cached(report: &Value) -> Vec<bool> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cached"].as_bool().unwrap())
        .collect()
}

#[test]
fn a_sql_changelog_becomes_one_state_per_changeset_and_an_edit_rebuilds_only_the_tail() {
    if !liquibase() {
        return;
    }
    let env = Env::new();
    copy_example(&env, "sql");
    let first = prepare(&env, "sql", "changelog.sql");
    assert_eq!(cached(&first), [false, false, false]);
    let dsn = first["dsn"].as_str().unwrap();
    assert_eq!(
        query(
            dsn,
            "select count(*) from customers where email is not null"
        ),
        "3"
    );
    assert_eq!(
        query(dsn, "select count(*) from databasechangelog"),
        "3",
        "Liquibase's own bookkeeping is there"
    );

    let again = prepare(&env, "sql", "changelog.sql");
    assert_eq!(cached(&again), [true, true, true]);

    let path = env.work.join("sql/changelog.sql");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "lower(name) || '@example.com'",
            "lower(name) || '@example.org'",
        ),
    )
    .unwrap();
    let edited = prepare(&env, "sql", "changelog.sql");
    assert_eq!(
        cached(&edited),
        [true, true, false],
        "only the edited changeset is built"
    );
    assert_eq!(
        query(
            edited["dsn"].as_str().unwrap(),
            "select count(*) from customers where email like '%.org'"
        ),
        "3"
    );
}

#[test]
fn a_yaml_changelog_with_an_include_prepares_and_plans() {
    if !liquibase() {
        return;
    }
    let env = Env::new();
    copy_example(&env, "yaml");
    let plan = env
        .run(&[
            "--json",
            "plan:lb",
            "--",
            "update",
            "--search-path=yaml",
            "--changelog-file=changelog.yaml",
        ])
        .json();
    assert_eq!(cached(&plan), [false, false, false]);
    assert!(
        plan["steps"][1]["step"]
            .as_str()
            .unwrap()
            .contains("002-insert-products.yaml"),
        "{plan}"
    );
    let first = prepare(&env, "yaml", "changelog.yaml");
    assert_eq!(
        query(
            first["dsn"].as_str().unwrap(),
            "select count(*) from products"
        ),
        "2"
    );
    let t = env.run(&[
        "prepare:lb",
        "--",
        "update",
        "--url=jdbc:postgresql://x/y",
        "--changelog-file=changelog.yaml",
    ]);
    assert!(t.failure(3).contains("--url"), "{}", t.render());
}
