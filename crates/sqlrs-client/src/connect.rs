//! Finding the local engine, or starting it.
//!
//! `engine.json` names the endpoint, pid, token and run id of the engine serving a store.
//! It is trusted only when that process is alive, answers `/v1/health` with the same run
//! id, and serves the store asked for. Otherwise the engine is started — under a lock
//! file, so two CLIs starting at once start one engine — detached, its output appended to
//! `logs/engine.log`, and waited for until it announces itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlrs_schema::EngineJson;

use crate::{Client, ClientError};

/// Where the local engine lives and how to start it.
#[derive(Debug, Clone)]
pub struct EngineSpec {
    /// `$XDG_STATE_HOME/sqlrs`: `engine.json`, the start lock, `logs/`.
    pub state_dir: PathBuf,
    /// The state store root it serves.
    pub store: PathBuf,
    /// The `sqlrs-engine` binary.
    pub program: PathBuf,
    /// Its idle timeout.
    pub idle_timeout: Duration,
    /// How long to wait for it to start.
    pub startup_timeout: Duration,
    /// Per-request timeout of the client.
    pub request_timeout: Duration,
    /// Start it when none runs.
    pub autostart: bool,
    /// More flags for a started engine (`--runtime`, `--snapshot`, …).
    pub engine_args: Vec<String>,
}

impl EngineSpec {
    fn engine_json(&self) -> PathBuf {
        self.state_dir.join("engine.json")
    }

    fn log(&self) -> PathBuf {
        self.state_dir.join("logs").join("engine.log")
    }
}

/// The discovery file, if there is a readable one.
pub fn read_engine_json(path: &Path) -> Option<EngineJson> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether process `pid` exists.
fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// A client of the engine `file` names, when it is alive, healthy and serves `spec.store`.
fn healthy(spec: &EngineSpec, file: &EngineJson) -> Option<Client> {
    if !alive(file.pid) {
        return None;
    }
    if let Some(store) = &file.store_path
        && Path::new(store) != spec.store
    {
        return None;
    }
    let client = Client::new(
        &format!("http://{}", file.endpoint),
        Some(file.auth_token.clone()),
        spec.request_timeout,
    )
    .ok()?;
    let health = client.health().ok()?;
    (health.instance_id == file.instance_id).then_some(client)
}

/// A client of the running engine, starting one when needed (and allowed); `true` when
/// this call started it.
pub fn connect(spec: &EngineSpec) -> Result<(Client, bool), ClientError> {
    if let Some(client) = read_engine_json(&spec.engine_json()).and_then(|f| healthy(spec, &f)) {
        return Ok((client, false));
    }
    if !spec.autostart {
        return Err(ClientError::Start {
            program: spec.program.clone(),
            message: "no sqlrs engine is running and autostart is off".into(),
            log: Vec::new(),
            missing: false,
        });
    }
    let io = |op, path: &Path| {
        let path = path.to_path_buf();
        move |source| ClientError::Io { op, path, source }
    };
    std::fs::create_dir_all(spec.state_dir.join("logs")).map_err(io("create", &spec.state_dir))?;
    let lock_path = spec.state_dir.join("engine.start.lock");
    let deadline = Instant::now() + spec.startup_timeout;
    let lock = infra_fs::FileLock::exclusive_wait(&lock_path, Duration::from_millis(50), &|| {
        Instant::now() < deadline
    })
    .map_err(|e| ClientError::Io {
        op: "lock",
        path: lock_path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    if lock.is_none() {
        return Err(ClientError::Start {
            program: spec.program.clone(),
            message: format!(
                "another sqlrs is starting the engine; {} is still locked",
                lock_path.display()
            ),
            log: Vec::new(),
            missing: false,
        });
    }
    // Someone else may have started it while we waited.
    if let Some(client) = read_engine_json(&spec.engine_json()).and_then(|f| healthy(spec, &f)) {
        return Ok((client, false));
    }
    start(spec, deadline).map(|c| (c, true))
}

/// Starts the engine and waits until it announces itself and answers.
fn start(spec: &EngineSpec, deadline: Instant) -> Result<Client, ClientError> {
    let log_path = spec.log();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|source| ClientError::Io {
            op: "open",
            path: log_path.clone(),
            source,
        })?;
    let err_log = log.try_clone().map_err(|source| ClientError::Io {
        op: "open",
        path: log_path.clone(),
        source,
    })?;
    let previous = read_engine_json(&spec.engine_json()).map(|f| f.instance_id);
    let mut child = spawn(spec, log, err_log)?;
    loop {
        if let Some(file) = read_engine_json(&spec.engine_json())
            && Some(&file.instance_id) != previous.as_ref()
            && let Some(client) = healthy(spec, &file)
        {
            return Ok(client);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(start_failure(spec, &format!("it exited ({status})")));
        }
        if Instant::now() >= deadline {
            return Err(start_failure(
                spec,
                &format!("it did not answer within {:?}", spec.startup_timeout),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn(
    spec: &EngineSpec,
    log: std::fs::File,
    err_log: std::fs::File,
) -> Result<std::process::Child, ClientError> {
    use std::os::unix::process::CommandExt as _;
    Command::new(&spec.program)
        .arg("--state-store")
        .arg(&spec.store)
        .arg("--write-engine-json")
        .arg(spec.engine_json())
        .args(["--listen", "127.0.0.1:0", "--idle-timeout"])
        .arg(spec.idle_timeout.as_secs().to_string())
        .args(&spec.engine_args)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err_log)
        // Its own process group: Ctrl-C in the terminal stops the CLI, not the engine.
        .process_group(0)
        .spawn()
        .map_err(|e| ClientError::Start {
            program: spec.program.clone(),
            missing: e.kind() == std::io::ErrorKind::NotFound,
            message: e.to_string(),
            log: Vec::new(),
        })
}

/// A start failure with the end of the engine's log.
fn start_failure(spec: &EngineSpec, what: &str) -> ClientError {
    let log = std::fs::read_to_string(spec.log()).unwrap_or_default();
    let mut tail: Vec<String> = log.lines().rev().take(5).map(str::to_string).collect();
    tail.reverse();
    ClientError::Start {
        program: spec.program.clone(),
        message: format!("{what} (its log: {})", spec.log().display()),
        log: tail,
        missing: false,
    }
}
