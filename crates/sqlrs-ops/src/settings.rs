//! The settings of one run: where the engine's files are, which engine binary, timeouts,
//! each from a flag, then the environment, then the default.

use std::path::{Path, PathBuf};
use std::time::Duration;

use infra_cli::Environment;

use crate::OpsError;
use crate::env_vars::{
    DOCKER_HOST, HOME, PATH, SQLRS_DAEMON_PATH, SQLRS_IDLE_TIMEOUT, SQLRS_LIQUIBASE,
    SQLRS_PG_IMAGE, SQLRS_RUNTIME, SQLRS_SNAPSHOT, SQLRS_STATE_STORE, XDG_CONFIG_HOME,
    XDG_STATE_HOME,
};

/// What the command line gave.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    /// `--store`.
    pub store: Option<PathBuf>,
    /// `--engine`.
    pub engine: Option<PathBuf>,
    /// `--timeout` seconds.
    pub timeout: Option<u64>,
    /// `--idle-timeout` seconds.
    pub idle_timeout: Option<u64>,
    /// `--snapshot`.
    pub snapshot: Option<String>,
    /// `--runtime`.
    pub runtime: Option<String>,
    /// `--image`.
    pub image: Option<String>,
    /// The directory relative paths start from.
    pub cwd: PathBuf,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `$XDG_STATE_HOME/sqlrs`.
    pub state_dir: PathBuf,
    /// The store root.
    pub store: PathBuf,
    /// The engine binary.
    pub engine: PathBuf,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The idle timeout of an engine this CLI starts.
    pub idle_timeout: Duration,
    /// Where relative paths start.
    pub cwd: PathBuf,
    /// The workspace root (`.sqlrs/config.yaml`), when inside one.
    pub workspace: Option<PathBuf>,
    /// The flags an engine this CLI starts gets (runtime, snapshot backend, image, daemon).
    pub engine_args: Vec<String>,
}

/// `path`, made absolute from `cwd`.
fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

/// Where root's store lives when none is given: PostgreSQL runs as the unprivileged user
/// `sqlrs` then, and root's home (0700) would keep it out, so a store under it could never
/// be used; `/var/lib/sqlrs/store` is the system's place instead.
fn default_store(state_dir: &Path) -> PathBuf {
    use std::os::unix::fs::MetadataExt as _;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let closed = state_dir
        .ancestors()
        .any(|d| std::fs::metadata(d).is_ok_and(|m| m.mode() & 0o001 == 0));
    if root && closed {
        PathBuf::from("/var/lib/sqlrs/store")
    } else {
        state_dir.join("store")
    }
}

/// The engine binary: the flag, `SQLRS_DAEMON_PATH`, next to this executable, `PATH`.
fn engine_program(input: &SettingsInput, env: &Environment) -> PathBuf {
    if let Some(p) = &input.engine {
        return absolute(p, &input.cwd);
    }
    if let Some(p) = env.get(SQLRS_DAEMON_PATH).filter(|p| !p.is_empty()) {
        return absolute(Path::new(p), &input.cwd);
    }
    if let Some(next) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("sqlrs-engine")))
        .filter(|p| p.is_file())
    {
        return next;
    }
    env.get(PATH)
        .and_then(|path| {
            std::env::split_paths(path)
                .map(|d| d.join("sqlrs-engine"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from("sqlrs-engine"))
}

/// The flags of an engine this CLI starts: each from its flag, else its variable, else the
/// workspace's setting.
fn engine_args(
    input: &SettingsInput,
    env: &Environment,
    ws: &crate::workspace::WorkspaceConfig,
    liquibase: Option<String>,
) -> Vec<String> {
    let pick = |flag: &Option<String>, var: &str, config: &Option<String>| {
        flag.clone()
            .or_else(|| {
                env.get_str(var)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            })
            .or_else(|| config.clone())
    };
    let mut args = Vec::new();
    for (name, value) in [
        (
            "--snapshot",
            pick(&input.snapshot, SQLRS_SNAPSHOT, &ws.snapshot),
        ),
        (
            "--runtime",
            pick(&input.runtime, SQLRS_RUNTIME, &ws.runtime),
        ),
        ("--image", pick(&input.image, SQLRS_PG_IMAGE, &ws.image)),
        ("--docker-host", pick(&None, DOCKER_HOST, &None)),
        ("--liquibase", pick(&None, SQLRS_LIQUIBASE, &liquibase)),
    ] {
        if let Some(v) = value {
            args.extend([name.to_string(), v]);
        }
    }
    args
}

impl Settings {
    /// Resolves `input` against `env`.
    pub fn resolve(input: SettingsInput, env: &Environment) -> Result<Self, OpsError> {
        let state_home = match env.get(XDG_STATE_HOME).filter(|p| !p.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => match env.get(HOME).filter(|p| !p.is_empty()) {
                Some(home) => Path::new(home).join(".local").join("state"),
                None => {
                    return Err(OpsError::Usage(
                        "neither XDG_STATE_HOME nor HOME is set; set one, or give --store".into(),
                    ));
                }
            },
        };
        let state_dir = absolute(&state_home, &input.cwd).join("sqlrs");
        let workspace = crate::workspace::find(&input.cwd)?;
        let config_home = match env.get(XDG_CONFIG_HOME).filter(|p| !p.is_empty()) {
            Some(p) => Some(absolute(Path::new(p), &input.cwd)),
            None => env
                .get(HOME)
                .filter(|p| !p.is_empty())
                .map(|h| Path::new(h).join(".config")),
        };
        let global = match config_home {
            Some(dir) => crate::workspace::global(&dir.join("sqlrs"))?,
            None => crate::workspace::WorkspaceConfig::default(),
        };
        let ws = workspace
            .as_ref()
            .map(|w| &w.config)
            .cloned()
            .unwrap_or_default()
            .over(global);
        let ws_root = workspace.as_ref().map(|w| w.root.clone());
        let in_ws = |p: &Path| absolute(p, ws_root.as_deref().unwrap_or(&input.cwd));
        let store = match (
            &input.store,
            env.get(SQLRS_STATE_STORE).filter(|p| !p.is_empty()),
        ) {
            (Some(p), _) => absolute(p, &input.cwd),
            (None, Some(p)) => absolute(Path::new(p), &input.cwd),
            (None, None) => ws
                .store
                .as_deref()
                .map(in_ws)
                .unwrap_or_else(|| default_store(&state_dir)),
        };
        let idle = match (input.idle_timeout, env.get_str(SQLRS_IDLE_TIMEOUT)) {
            (Some(s), _) => s,
            (None, Some(s)) if !s.is_empty() => s.parse().map_err(|_| {
                OpsError::Usage(format!("{SQLRS_IDLE_TIMEOUT}={s}: expected whole seconds"))
            })?,
            _ => ws.idle_timeout.unwrap_or(120),
        };
        let liquibase = ws
            .liquibase
            .as_deref()
            .map(|p| in_ws(p).display().to_string());
        let engine_args = engine_args(&input, env, &ws, liquibase);
        Ok(Self {
            workspace: ws_root,
            engine_args,
            engine: engine_program(&input, env),
            state_dir,
            store,
            timeout: Duration::from_secs(input.timeout.unwrap_or(30)),
            idle_timeout: Duration::from_secs(idle),
            cwd: input.cwd,
        })
    }
}
