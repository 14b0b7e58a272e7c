//! The shared state of a running emulator: the model behind a lock, where repositories live
//! on disk, the base URL links are built from, rate-limit counters and the armed faults.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::EmulatorError;
use crate::config::{Config, Kind};
use crate::faults::Fault;
use crate::model::{Persisted, World};

/// GitHub's hourly core limit for a token.
pub const RATE_LIMIT: u64 = 5000;

/// One running emulator.
#[derive(Debug)]
pub struct App {
    pub kind: Kind,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The state directory (`state.json`, `git/<owner>/<name>.git`).
    pub dir: PathBuf,
    pub admin_token: Option<String>,
    world: Mutex<World>,
    /// Serialises writes of `state.json`, so a later state never loses to an earlier one.
    save: tokio::sync::Mutex<()>,
    /// Requests per token in the current window, and the window's end (epoch seconds).
    rates: Mutex<HashMap<String, (u64, u64)>>,
    pub faults: Mutex<Vec<Fault>>,
}

impl App {
    /// Open (or start) the state in `dir`.
    ///
    /// # Errors
    /// A state file that cannot be read or is not the emulator's.
    pub fn open(config: &Config, dir: &Path, base: String) -> Result<Arc<Self>, EmulatorError> {
        let io = |source| EmulatorError::State {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir.join("git")).map_err(io)?;
        let file = dir.join("state.json");
        let kept = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice::<Persisted>(&bytes).map_err(|source| {
                EmulatorError::Corrupt {
                    path: file.clone(),
                    source,
                }
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Persisted::default(),
            Err(source) => return Err(EmulatorError::State { path: file, source }),
        };
        Ok(Arc::new(Self {
            kind: config.kind,
            base,
            dir: dir.to_path_buf(),
            admin_token: config.admin(),
            world: Mutex::new(World::new(config, kept)),
            save: tokio::sync::Mutex::new(()),
            rates: Mutex::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
        }))
    }

    /// The model (a poisoned lock still holds a consistent model: every change is one insert).
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The bare repository of `owner/name`.
    #[must_use]
    pub fn git_dir(&self, owner: &str, name: &str) -> PathBuf {
        self.dir.join("git").join(owner).join(format!("{name}.git"))
    }

    /// Write `state.json` atomically with the model as it is now.
    ///
    /// # Errors
    /// The write failed.
    pub async fn save(&self) -> Result<(), EmulatorError> {
        let _guard = self.save.lock().await;
        let bytes = serde_json::to_vec_pretty(&self.world().persisted()).map_err(|source| {
            EmulatorError::Corrupt {
                path: self.dir.join("state.json"),
                source,
            }
        })?;
        let path = self.dir.join("state.json");
        tokio::task::block_in_place(|| infra_fs::write_atomic(&path, &bytes, Some(0o600)))
            .map_err(|source| EmulatorError::Write { path, source })
    }

    /// Count a request by `token`: (limit, remaining, reset, used).
    pub fn rate(&self, token: &str) -> (u64, u64, u64, u64) {
        let now = epoch();
        let mut rates = self
            .rates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = rates.entry(token.to_string()).or_insert((0, now + 3600));
        if entry.1 <= now {
            *entry = (0, now + 3600);
        }
        entry.0 += 1;
        (
            RATE_LIMIT,
            RATE_LIMIT.saturating_sub(entry.0),
            entry.1,
            entry.0,
        )
    }
}

/// Seconds since the epoch.
#[must_use]
pub fn epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
