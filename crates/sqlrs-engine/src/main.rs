//! `sqlrs-engine`: open the store, listen on loopback, announce, serve until a signal or
//! an idle timeout. Started by the CLI; its flags are few and fixed, so they are read by
//! hand (only a product's CLI uses clap).

#![deny(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlrs_engine::{AppState, Engine, EngineJson, Token, router, write_engine_json};
use sqlrs_runtime::{DockerConfig, DockerRuntime, NativeRuntime, RunAs, Runtime};
use sqlrs_statefs::{BackendKind, Layout, choose};
use sqlrs_store::SqliteStore;

/// The engine's flags.
struct Flags {
    listen: String,
    store: PathBuf,
    engine_json: PathBuf,
    idle: Duration,
    runtime: String,
    snapshot: String,
    docker_host: Option<String>,
    image: Option<String>,
    liquibase: Option<PathBuf>,
}

const USAGE: &str = "usage: sqlrs-engine --state-store DIR --write-engine-json FILE [--listen 127.0.0.1:PORT] [--idle-timeout SECONDS] [--runtime native|docker|podman] [--snapshot auto|copy|reflink|btrfs|overlay] [--docker-host URL] [--image NAME] [--liquibase PATH]";

fn flags() -> Result<Flags, String> {
    let mut listen = "127.0.0.1:0".to_string();
    let (mut store, mut engine_json, mut idle) = (None, None, Duration::from_secs(120));
    let (mut runtime, mut docker_host, mut image) = ("native".to_string(), None, None);
    let mut snapshot = "auto".to_string();
    let mut liquibase = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--listen" => listen = value()?,
            "--state-store" => store = Some(PathBuf::from(value()?)),
            "--write-engine-json" => engine_json = Some(PathBuf::from(value()?)),
            "--runtime" => runtime = value()?,
            "--snapshot" => snapshot = value()?,
            "--docker-host" => docker_host = Some(value()?),
            "--image" => image = Some(value()?),
            "--liquibase" => liquibase = Some(PathBuf::from(value()?)),
            "--idle-timeout" => {
                let v = value()?;
                idle = Duration::from_secs(
                    v.parse()
                        .map_err(|_| format!("`--idle-timeout {v}`: expected whole seconds"))?,
                );
            }
            other => {
                return Err(format!(
                    "unknown flag `{}`\n{USAGE}",
                    other.escape_default()
                ));
            }
        }
    }
    let ip = listen.rsplit_once(':').map(|(h, _)| h).unwrap_or_default();
    if ip != "127.0.0.1" && ip != "[::1]" {
        return Err(format!(
            "`--listen {listen}`: the engine listens on loopback only (127.0.0.1 or [::1])"
        ));
    }
    let store: PathBuf = store.ok_or_else(|| format!("give --state-store\n{USAGE}"))?;
    Ok(Flags {
        listen,
        store: std::path::absolute(&store).unwrap_or(store),
        engine_json: engine_json
            .ok_or_else(|| format!("give --write-engine-json\n{USAGE}"))
            .map(|p: PathBuf| std::path::absolute(&p).unwrap_or(p))?,
        idle,
        runtime,
        snapshot,
        docker_host,
        image,
        liquibase,
    })
}

/// A line in the engine's log (its stderr, which the CLI sends to `logs/engine.log`).
fn log(message: &str) {
    #[allow(clippy::print_stderr, reason = "the engine logs to stderr")]
    {
        eprintln!("sqlrs-engine: {message}");
    }
}

/// The engine over `store`: the layout under the store root, the copy backend (reflinks
/// where the filesystem has them), and the runtime the flags name — the host's PostgreSQL
/// by default (as the unprivileged `sqlrs` user when running as root). A host without
/// PostgreSQL still serves; prepares then fail with the reason.
fn build_engine(flags: &Flags, store: SqliteStore) -> Result<Engine, String> {
    let run_as = RunAs::for_current_process("sqlrs").map_err(|e| e.to_string())?;
    if let Some(u) = run_as {
        reachable_by(&flags.store, u.uid)?;
    }
    let secret = store_secret(&flags.store)?;
    let runtime: Box<dyn Runtime> = match flags.runtime.as_str() {
        "native" => Box::new(
            NativeRuntime::detect(run_as)
                .unwrap_or_else(|e| {
                    log(&format!("PostgreSQL not found: {e}"));
                    NativeRuntime::new("/nonexistent/postgresql/bin", run_as)
                })
                .with_password(secret),
        ),
        "docker" | "podman" => {
            let kind = if flags.runtime == "docker" {
                sqlrs_runtime::Engine::Docker
            } else {
                sqlrs_runtime::Engine::Podman
            };
            let image = flags.image.clone().ok_or_else(|| {
                format!(
                    "`--runtime {}` needs `--image NAME` (build one with scripts/sqlrs/pg-image)",
                    flags.runtime
                )
            })?;
            let mut config = DockerConfig::new(kind, image, flags.store.display().to_string());
            config.host.clone_from(&flags.docker_host);
            config.run_as = run_as;
            config.password = Some(secret);
            Box::new(DockerRuntime::new(config))
        }
        other => {
            return Err(format!(
                "`--runtime {}`: expected native, docker or podman",
                other.escape_default()
            ));
        }
    };
    let kind: BackendKind = flags.snapshot.parse().map_err(|e| format!("{e}"))?;
    let backend = choose(kind, &flags.store).map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    })?;
    log(&format!(
        "snapshot backend: {}; runtime: {}",
        backend.name(),
        runtime.name()
    ));
    let layout = Layout::new(&flags.store);
    let (config, problems) = sqlrs_engine::Config::load(layout.config_json());
    for p in problems {
        log(&p);
    }
    let mut engine = Engine::new(Arc::new(store), layout, backend, runtime, config);
    engine.liquibase_exec.clone_from(&flags.liquibase);
    Ok(engine)
}

/// The password of the `sqlrs` role of this store's servers: 32 random hex digits in
/// `<store>/secret` (0600), made once. Servers accept TCP clients only with it (no other
/// local user can reach an instance), and the DSNs sqlrs hands out carry it.
fn store_secret(store: &std::path::Path) -> Result<String, String> {
    let path = store.join("secret");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let text = text.trim();
        if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(text.to_string());
        }
        return Err(format!(
            "{} is not a sqlrs secret (32 hex digits); remove it to make a new one",
            path.display()
        ));
    }
    let secret = Token::generate()
        .map_err(|e| format!("cannot make a secret: {e}"))?
        .as_str()[..32]
        .to_string();
    infra_fs::write_atomic(&path, format!("{secret}\n").as_bytes(), Some(0o600))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(secret)
}

/// The store's own files are the engine user's alone: the directory lets the server user
/// through (0711, it needs to reach its data directories) but not list it, and the
/// metadata (DSNs, arguments) is 0600.
fn protect_store(store: &std::path::Path) {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let _ = std::fs::set_permissions(store, std::fs::Permissions::from_mode(0o711));
    // SQLite gives its -wal and -shm files the database file's mode.
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(store.join("state.db"));
    for name in ["state.db", "state.db-wal", "state.db-shm"] {
        let path = store.join(name);
        if path.exists() {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
    }
}

/// PostgreSQL runs as `uid` on directories below `store`: every directory on the way must
/// let it through, or initdb fails with a bare "Permission denied". Said up front instead.
fn reachable_by(store: &std::path::Path, uid: u32) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt as _;
    let store = std::path::absolute(store).unwrap_or_else(|_| store.to_path_buf());
    for dir in store.ancestors() {
        let Ok(meta) = std::fs::metadata(dir) else {
            continue;
        };
        let mode = meta.mode();
        if mode & 0o001 == 0 && meta.uid() != uid {
            return Err(format!(
                "the store {} is not reachable by the user PostgreSQL runs as (uid {uid}): {} has mode {:o}; \
                 let others through it (`chmod o+x {}`) or put the store elsewhere (SQLRS_STATE_STORE)",
                store.display(),
                dir.display(),
                mode & 0o7777,
                dir.display()
            ));
        }
    }
    Ok(())
}

fn fail(message: &str, code: u8) -> ExitCode {
    #[allow(
        clippy::print_stderr,
        reason = "the engine's only error channel before it serves"
    )]
    {
        eprintln!("sqlrs-engine: {message}");
    }
    ExitCode::from(code)
}

fn main() -> ExitCode {
    let flags = match flags() {
        Ok(f) => f,
        Err(e) => return fail(&e, 2),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start: {e}"), 1),
    };
    match runtime.block_on(serve(flags)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, 1),
    }
}

/// Creates and enters the store, and takes its engine lock: one engine per store (a
/// second would run jobs on the same files); the lock goes with the process, however it
/// ends.
fn open_store(flags: &Flags) -> Result<infra_fs::FileLock, String> {
    std::fs::create_dir_all(&flags.store)
        .map_err(|e| format!("cannot create {}: {e}", flags.store.display()))?;
    // Not the directory of whichever command started it: that one may go away or be
    // unreadable to the server user.
    std::env::set_current_dir(&flags.store)
        .map_err(|e| format!("cannot enter {}: {e}", flags.store.display()))?;
    let lock_path = flags.store.join("engine.lock");
    match infra_fs::FileLock::try_exclusive_create(&lock_path) {
        Ok(Some(lock)) => Ok(lock),
        Ok(None) => Err(format!(
            "another sqlrs engine is running on the store {}; use it (its engine.json says where), or stop it first",
            flags.store.display()
        )),
        Err(e) => Err(format!("cannot lock {}: {e}", lock_path.display())),
    }
}

async fn serve(flags: Flags) -> Result<(), String> {
    let _lock = open_store(&flags)?;
    protect_store(&flags.store);
    let store = SqliteStore::open(&flags.store.join("state.db")).map_err(|e| {
        format!(
            "{e}: {:?}",
            std::error::Error::source(&e).map(ToString::to_string)
        )
    })?;
    let engine = Arc::new(build_engine(&flags, store)?);
    {
        let engine = Arc::clone(&engine);
        let recovered = tokio::task::spawn_blocking(move || engine.recover())
            .await
            .map_err(|e| e.to_string())?;
        for line in recovered {
            log(&format!("recovery: {line}"));
        }
    }
    let token = Token::generate().map_err(|e| format!("cannot make a token: {e}"))?;
    let instance_id = Token::generate()
        .map_err(|e| format!("cannot make an id: {e}"))?
        .as_str()[..32]
        .to_string();
    let listener = tokio::net::TcpListener::bind(&flags.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", flags.listen))?;
    let endpoint = listener
        .local_addr()
        .map_err(|e| e.to_string())?
        .to_string();
    let version = env!("CARGO_PKG_VERSION").to_string();
    let last_seen = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let state = AppState {
        last_seen: Arc::clone(&last_seen),
        engine: Arc::clone(&engine),
        token: token.clone(),
        version: version.clone(),
        instance_id: instance_id.clone(),
    };
    let announce = EngineJson {
        endpoint,
        pid: std::process::id(),
        started_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        auth_token: token.as_str().to_string(),
        version,
        instance_id,
        store_path: Some(flags.store.display().to_string()),
    };
    write_engine_json(&announce, &flags.engine_json).map_err(|e| e.to_string())?;
    let result = axum::serve(listener, router(state))
        .with_graceful_shutdown(stop(flags.idle, last_seen, Arc::clone(&engine)))
        .await
        .map_err(|e| e.to_string());
    engine.cancel_all();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while engine.busy() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Only this engine's file is removed (a newer engine may have replaced it).
    if std::fs::read_to_string(&flags.engine_json).is_ok_and(|t| t.contains(&announce.instance_id))
    {
        let _ = std::fs::remove_file(&flags.engine_json);
    }
    result
}

/// Resolves on SIGINT, SIGTERM or after `idle` (0: never) without a request while no job
/// runs.
async fn stop(idle: Duration, last_seen: Arc<std::sync::atomic::AtomicU64>, engine: Arc<Engine>) {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    let started = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let idle = async {
        if idle.is_zero() {
            std::future::pending::<()>().await;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let last = last_seen
                .load(std::sync::atomic::Ordering::Relaxed)
                .max(started);
            if engine.busy() {
                last_seen.store(now, std::sync::atomic::Ordering::Relaxed);
            } else if now.saturating_sub(last) >= idle.as_secs() {
                return;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
        () = idle => {}
    }
}
