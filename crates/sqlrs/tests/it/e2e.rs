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

/// Prepare two scripts, connect, hit the cache, edit the second and rebuild only it.
/// Returns the root state and the first instance's DSN.
fn caches_and_rebuilds(env: &Env) -> (String, String) {
    env.write("schema.sql", "create table t(x int);\n");
    env.write("data.sql", "insert into t values (1), (2);\n");

    let first = prepare(env);
    assert_eq!(cached(&first), [false, false]);
    let first_dsn = first["dsn"].as_str().unwrap().to_string();
    assert!(
        first_dsn.starts_with("postgres://sqlrs:") && first_dsn.contains("@127.0.0.1:"),
        "a password and loopback: {first_dsn}"
    );
    let bare = first_dsn.replacen(
        &first_dsn[first_dsn.find(':').unwrap() + 3..first_dsn.find('@').unwrap()],
        "sqlrs",
        1,
    );
    let refused = std::process::Command::new("psql")
        .args(["-X", "-w", "-tA", &bare, "-c", "select 1"])
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "without the password nobody gets in ({bare})"
    );
    assert_eq!(query(&first_dsn, "select count(*) from t"), "2");

    let again = prepare(env);
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
    let edited = prepare(env);
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
    let root = first["steps"][0]["state_id"].as_str().unwrap().to_string();
    (root, first_dsn)
}

/// The whole scenario every backend and runtime passes; `backend` is the one the engine
/// must report.
fn scenario(env: &Env, backend: &str) {
    let status = env.run(&["--json", "status"]).json();
    assert_eq!(status["snapshot"], backend, "{status}");
    scenario_steps(env);
    let cache = env.run(&["--json", "status", "--cache"]).json();
    assert!(
        cache["cache"]["usage_bytes"].as_u64().unwrap() > 1_000_000,
        "{cache}"
    );
    assert!(
        cache["cache"]["store_free_bytes"].as_u64().unwrap() > 0,
        "{cache}"
    );
}

/// The steps of [`scenario`].
fn scenario_steps(env: &Env) {
    let (root, dsn) = caches_and_rebuilds(env);
    runs(env);
    composite(env);
    deletes(env, &root, &dsn);
}

#[test]
fn the_scenario_on_copies() {
    if pg() {
        scenario(&Env::new().var("SQLRS_SNAPSHOT", "copy"), "copy");
    }
}

/// Root-only: a loop-mounted `fs` for the store (or, for overlay, the scratch directory).
fn root_env(fs: Option<&str>, backend: &str) -> Option<Env> {
    let tool = match fs {
        Some("btrfs") => "mkfs.btrfs",
        Some(_) => "mkfs.xfs",
        None => "mount",
    };
    if !pg()
        || infra_testkit::require_tool_with_hint(
            tool,
            "SQLRS_TEST_ROOT",
            "run ./scripts/setup as root",
        )
        .is_none()
    {
        return None;
    }
    let mut env = Env::new();
    let store = match fs {
        Some(fs) => {
            let dir = env.scratch.path().join("mnt");
            let up = std::process::Command::new(crate::common::repo_script("sqlrs/loopfs"))
                .args(["up", fs])
                .arg(&dir)
                .args(["--size", "2G"])
                .status()
                .unwrap();
            assert!(up.success(), "loopfs up {fs} failed (root needed)");
            env.mount = Some(dir.clone());
            dir.join("store")
        }
        None => env.scratch.path().join("store"),
    };
    Some(
        env.var("SQLRS_STATE_STORE", store.display().to_string())
            .var("SQLRS_SNAPSHOT", backend),
    )
}

#[test]
fn the_scenario_on_reflinks_of_xfs() {
    if let Some(env) = root_env(Some("xfs"), "reflink") {
        scenario(&env, "reflink");
    }
}

#[test]
fn the_scenario_on_reflinks_of_btrfs() {
    if let Some(env) = root_env(Some("btrfs"), "reflink") {
        scenario(&env, "reflink");
    }
}

#[test]
fn the_scenario_on_btrfs_subvolumes() {
    if let Some(env) = root_env(Some("btrfs"), "btrfs") {
        scenario(&env, "btrfs");
    }
}

#[test]
fn the_scenario_on_overlay_layers() {
    if let Some(env) = root_env(None, "overlay") {
        scenario(&env, "overlay");
    }
}

/// `rm` of the root state: dry run, blocked without `-r`, then the whole tree.
fn deletes(env: &Env, root: &str, a_dsn: &str) {
    let states = |env: &Env| {
        env.run(&["--json", "ls", "-s"]).json()["states"]
            .as_array()
            .unwrap()
            .len()
    };
    let instances = |env: &Env| {
        env.run(&["--json", "ls", "-i"]).json()["instances"]
            .as_array()
            .unwrap()
            .len()
    };
    let (total, running) = (states(env), instances(env));
    let dry = env
        .run(&["--json", "rm", "--dry-run", "-r", &root[..10]])
        .json();
    assert_eq!(dry["outcome"], "would_delete");
    assert_eq!(states(env), total, "a dry run deletes nothing");
    assert_eq!(query(a_dsn, "select 1"), "1", "and stops no instance");

    let blocked = env.run(&["rm", &root[..10]]);
    blocked.failure(4);
    assert!(blocked.stdout.contains("blocked"), "{}", blocked.render());

    let deleted = env.run(&["--json", "rm", "-r", &root[..10]]).json();
    assert_eq!(deleted["outcome"], "deleted");
    assert_eq!(
        states(env),
        total - 3,
        "the root, its child and the edited child"
    );
    assert_eq!(
        instances(env),
        running - 3,
        "the three instances of the tree"
    );
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

/// run:psql and run:pgbench on an instance: output, exit codes, refused options.
fn runs(env: &Env) {
    env.write(
        "seed.sql",
        "create table r(x int);\ninsert into r values (41);\n",
    );
    let prepared = env
        .run(&["--json", "prepare:psql", "-f", "seed.sql"])
        .json();
    let id = prepared["instance_id"].as_str().unwrap();

    let t = env.run(&[
        "run:psql",
        "--instance",
        &id[..10],
        "--",
        "-tA",
        "-c",
        "select x + 1 from r",
    ]);
    assert_eq!(t.success().trim(), "42");
    env.write("q.sql", "select count(*) from r;\n");
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
}

/// `prepare:psql … run:psql …` prints the run's output and removes its instance.
fn composite(env: &Env) {
    let count = || {
        env.run(&["--json", "ls", "-i"]).json()["instances"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = count();
    let t = env.run(&[
        "prepare:psql",
        "-f",
        "seed.sql",
        "run:psql",
        "-tA",
        "-c",
        "select x from r",
    ]);
    assert_eq!(
        t.success().lines().last().unwrap().trim(),
        "41",
        "{}",
        t.render()
    );
    assert_eq!(
        before,
        count(),
        "the composite's instance is removed after the run"
    );
}

#[test]
fn the_scenario_on_the_docker_runtime() {
    if !pg()
        || infra_testkit::require_tool_with_hint(
            "docker",
            "SQLRS_TEST_DOCKER",
            "run ./scripts/setup as root",
        )
        .is_none()
    {
        return;
    }
    #[allow(clippy::disallowed_methods, reason = "the daemon of the test run")]
    let host = std::env::var("DOCKER_HOST")
        .expect("SQLRS_TEST_DOCKER needs DOCKER_HOST (scripts/test starts a dockerd)");
    let image = std::process::Command::new(crate::common::repo_script("sqlrs/pg-image"))
        .env("DOCKER_HOST", &host)
        .output()
        .unwrap();
    assert!(
        image.status.success(),
        "{}",
        String::from_utf8_lossy(&image.stderr)
    );
    let image = String::from_utf8_lossy(&image.stdout).trim().to_string();
    let env = Env::new()
        .var("SQLRS_RUNTIME", "docker")
        .var("SQLRS_PG_IMAGE", image)
        .var("DOCKER_HOST", host);
    let status = env.run(&["--json", "status"]).json();
    assert_eq!(status["runtime"], "docker", "{status}");
    scenario(&env, status["snapshot"].as_str().unwrap());
}

#[test]
fn finished_jobs_are_trimmed_to_the_configured_count_per_signature() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("a.sql", "select 1;\n");
    env.run(&["config", "set", "orchestrator.jobs.maxIdentical", "1"])
        .success();
    for _ in 0..3 {
        env.run(&["plan:psql", "-f", "a.sql"]).success();
    }
    env.run(&["prepare:psql", "-f", "a.sql"]).success();
    let jobs = env.run(&["--json", "ls", "-j"]).json();
    let jobs = jobs["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "one plan and one prepare are kept: {jobs:?}");
}

#[test]
fn a_named_instance_is_reused_while_its_state_matches_and_runs_and_rm_take_the_name() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("a.sql", "create table t(x int);\n");
    let first = env
        .run(&["--json", "prepare:psql", "--name", "dev", "-f", "a.sql"])
        .json();
    let again = env
        .run(&[
            "--json",
            "prepare:psql",
            "--name",
            "dev",
            "--reuse",
            "-f",
            "a.sql",
        ])
        .json();
    assert_eq!(
        again["instance_id"], first["instance_id"],
        "the named instance is reused"
    );
    assert_eq!(again["dsn"], first["dsn"]);
    let t = env.run(&[
        "run:psql",
        "--instance",
        "dev",
        "--",
        "-tA",
        "-c",
        "select count(*) from t",
    ]);
    assert_eq!(t.success().trim(), "0");

    env.write(
        "a.sql",
        "create table t(x int);\ninsert into t values (1);\n",
    );
    let changed = env
        .run(&[
            "--json",
            "prepare:psql",
            "--name",
            "dev",
            "--reuse",
            "-f",
            "a.sql",
        ])
        .json();
    assert_ne!(
        changed["instance_id"], first["instance_id"],
        "another state: a new instance"
    );
    let names = env.run(&["--json", "ls", "-n"]).json();
    assert_eq!(
        names["names"][0]["instance_id"], changed["instance_id"],
        "the name moves to it"
    );

    let t = env.run(&["prepare:psql", "--name", "deadbeef00", "-f", "a.sql"]);
    assert!(t.failure(3).contains("not a usable name"), "{}", t.render());
    env.run(&["rm", "dev"]).success();
    let names = env.run(&["--json", "ls", "-n"]).json();
    assert_eq!(names["names"][0]["status"], "missing", "{names}");
}
