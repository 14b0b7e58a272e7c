//! The engine killed (SIGKILL) in the middle of a prepare: the next engine stops the
//! server the dead one left in its scratch directory, removes the scratch, and resumes
//! the job, which finishes from the states already published; nothing half-done remains.

use std::time::{Duration, Instant};

use crate::common::{Env, pg, query};

/// The pid in engine.json.
fn engine_pid(env: &Env) -> u64 {
    let text = std::fs::read_to_string(env.engine_json()).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["pid"]
        .as_u64()
        .unwrap()
}

/// Processes whose command line mentions `needle`.
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if text.contains(needle) {
                found.push(text);
            }
        }
    }
    found
}

#[test]
fn a_killed_engine_leaves_nothing_half_done_and_the_job_is_resumed() {
    if !pg() {
        return;
    }
    let env = Env::new();
    env.write("schema.sql", "create table t(x int);\n");
    env.write(
        "slow.sql",
        "select pg_sleep(4);\ninsert into t values (1);\n",
    );
    let mut prepare = env.cmd();
    prepare.args(["prepare:psql", "-f", "schema.sql", "-f", "slow.sql"]);
    let child = prepare.spawn();
    // Wait until the slow step runs: the first state is published and a server runs in
    // the job's scratch directory.
    let jobs_dir = env.store().join("jobs");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let published = std::fs::read_dir(env.store().join("engines"))
            .map(|d| d.count() > 0)
            .unwrap_or(false)
            && !env.run(&["--json", "ls", "-s"]).json()["states"]
                .as_array()
                .unwrap()
                .is_empty();
        if published && !processes_mentioning(&jobs_dir.display().to_string()).is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the slow step never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let pid = engine_pid(&env);
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    let _ = child.wait_with_output();

    // The next command starts a new engine, which recovers.
    let jobs = env.run(&["--json", "ls", "-j"]).json();
    let job = jobs["jobs"][0]["job_id"].as_str().unwrap().to_string();
    let watched = env.run(&["--json", "watch", &job]);
    let result = watched.json();
    let dsn = result["dsn"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", watched.render()));
    assert_eq!(query(dsn, "select count(*) from t"), "1");
    assert_ne!(engine_pid(&env), pid, "a new engine runs");
    assert!(
        processes_mentioning(&jobs_dir.display().to_string()).is_empty(),
        "no server is left in a job's scratch directory"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&jobs_dir).unwrap().flatten().collect();
    assert!(leftovers.is_empty(), "scratch left: {leftovers:?}");
    let states = env.run(&["--json", "ls", "-s"]).json();
    assert_eq!(states["states"].as_array().unwrap().len(), 2);
    let log = std::fs::read_to_string(env.engine_json().with_file_name("logs").join("engine.log"))
        .unwrap();
    assert!(log.contains("recovery: resumed job"), "{log}");
}
