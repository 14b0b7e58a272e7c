//! An isolated sqlrs environment: a scratch directory holding HOME, the XDG directories
//! (so `engine.json` and the store live there) and a work directory for scripts. Dropping
//! it removes every instance (stopping its server) and stops the engine.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use infra_testkit::{Scratch, TestCommand, Transcript};

/// The `sqlrs` binary under test.
pub fn sqlrs_bin() -> &'static str {
    env!("CARGO_BIN_EXE_sqlrs")
}

/// The `sqlrs-engine` binary next to `sqlrs`, built once per test run (cargo builds only
/// the tested package's binaries for its tests, and the CLI starts the engine).
pub fn engine_bin() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "sqlrs-engine"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "cargo build -p sqlrs-engine failed");
    });
    Path::new(sqlrs_bin()).with_file_name("sqlrs-engine")
}

/// Whether PostgreSQL tests run here (skip otherwise; required under `CI=true`).
pub fn pg() -> bool {
    infra_testkit::require_tool_with_hint(
        "psql",
        "SQLRS_TEST_PG",
        "run ./scripts/setup (installs PostgreSQL)",
    )
    .is_some()
}

/// One isolated environment.
pub struct Env {
    pub scratch: Scratch,
    pub work: PathBuf,
    /// Variables every command gets (a store elsewhere, a backend, a runtime).
    pub vars: Vec<(String, String)>,
    /// A loop-mounted filesystem to take down after the engine stops.
    pub mount: Option<PathBuf>,
}

impl Env {
    pub fn new() -> Self {
        let scratch = Scratch::new();
        // PostgreSQL runs as the unprivileged `sqlrs` user under root: it must be able to
        // reach its data directories below here.
        std::fs::set_permissions(scratch.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let work = scratch.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        Self {
            scratch,
            work,
            vars: Vec::new(),
            mount: None,
        }
    }

    /// Every command gets `name=value`.
    pub fn var(mut self, name: &str, value: impl Into<String>) -> Self {
        self.vars.push((name.to_string(), value.into()));
        self
    }

    /// A `sqlrs` command run in the work directory.
    pub fn cmd(&self) -> TestCommand {
        let mut c = TestCommand::new(sqlrs_bin(), self.scratch.path().join("env"));
        std::fs::set_permissions(
            self.scratch.path().join("env"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        c.current_dir(&self.work)
            .env("SQLRS_DAEMON_PATH", engine_bin())
            .env("SQLRS_IDLE_TIMEOUT", "60")
            .filter_path(&self.work, "[WORK]")
            .timeout(std::time::Duration::from_secs(120));
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// `sqlrs ARGS…`.
    pub fn run(&self, args: &[&str]) -> Transcript {
        self.cmd().args(args).output()
    }

    /// Writes a script into the work directory.
    pub fn write(&self, name: &str, text: &str) {
        let path = self.work.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }

    /// The discovery file.
    pub fn engine_json(&self) -> PathBuf {
        self.scratch.path().join("env/xdg/state/sqlrs/engine.json")
    }

    /// The store root.
    pub fn store(&self) -> PathBuf {
        self.vars
            .iter()
            .find(|(k, _)| k == "SQLRS_STATE_STORE")
            .map(|(_, v)| PathBuf::from(v))
            .unwrap_or_else(|| self.scratch.path().join("env/xdg/state/sqlrs/store"))
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        self.stop_engine();
        if let Some(dir) = &self.mount {
            let _ = std::process::Command::new(repo_script("sqlrs/loopfs"))
                .arg("down")
                .arg(dir)
                .arg("--delete-image")
                .status();
        }
    }
}

/// A script of the repository (`scripts/<rel>`).
pub fn repo_script(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(rel)
}

impl Env {
    /// Removes every instance (stopping its server) and stops the engine.
    pub fn stop_engine(&self) {
        let Ok(text) = std::fs::read_to_string(self.engine_json()) else {
            return;
        };
        let ls = self.run(&["--json", "ls", "-i"]);
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&ls.stdout) {
            for i in v["instances"].as_array().cloned().unwrap_or_default() {
                if let Some(id) = i["instance_id"].as_str() {
                    let _ = self.run(&["rm", "-f", id]);
                }
            }
        }
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(pid) = v["pid"].as_u64()
        {
            let _ = std::process::Command::new("kill")
                .arg(pid.to_string())
                .status();
            let dead = |p: u64| !Path::new(&format!("/proc/{p}")).exists();
            for _ in 0..200 {
                if dead(pid) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
        }
    }
}

/// psql's answer to `sql` on `dsn`, trimmed.
pub fn query(dsn: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql")
        .args(["-X", "-tA", dsn, "-c", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The `DSN=` line of a prepare.
pub fn dsn(t: &Transcript) -> String {
    t.stdout
        .lines()
        .find_map(|l| l.strip_prefix("DSN="))
        .unwrap_or_else(|| panic!("no DSN in:\n{}", t.render_raw()))
        .to_string()
}
