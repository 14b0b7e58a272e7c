//! The engine's shared state: store, disk layout, backend, runtime, the build lock, the
//! jobs running now, and a counter that wakes event streams.
//!
//! Jobs run on their own threads (the orchestration is synchronous and spends its time in
//! PostgreSQL and the filesystem); HTTP handlers only read the store and wait on
//! [`Engine::changed`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use infra_process::Interrupt;
use sqlrs_runtime::Runtime;
use sqlrs_statefs::{Backend, Layout};
use sqlrs_store::Store;

/// Everything the routes and job threads share.
pub struct Engine {
    /// The metadata.
    pub store: Arc<dyn Store>,
    /// Where data lives.
    pub layout: Layout,
    /// How data directories are cloned and snapshotted.
    pub backend: Box<dyn Backend>,
    /// How PostgreSQL runs.
    pub runtime: Box<dyn Runtime>,
    /// Held while states are built, cloned into instances, or deleted.
    pub(crate) build_lock: Mutex<()>,
    /// The jobs running now, each with the interrupt that cancels it and the states its
    /// plan passes through.
    running: Mutex<HashMap<String, (Interrupt, Vec<String>)>>,
    /// Bumped after every stored event and job change.
    changed: tokio::sync::watch::Sender<u64>,
    /// The `liquibase` launcher (`--liquibase`; else found on PATH when first needed).
    pub liquibase_exec: Option<std::path::PathBuf>,
    /// The settings (`config.json`).
    pub config: crate::Config,
    /// Liquibase once located (its version costs a JVM start, so it is asked once).
    pub(crate) liquibase: Mutex<Option<sqlrs_liquibase::Liquibase>>,
}

impl Engine {
    /// An engine over these parts, with no job running.
    pub fn new(
        store: Arc<dyn Store>,
        layout: Layout,
        backend: Box<dyn Backend>,
        runtime: Box<dyn Runtime>,
        config: crate::Config,
    ) -> Self {
        Self {
            config,
            store,
            layout,
            backend,
            runtime,
            build_lock: Mutex::new(()),
            running: Mutex::new(HashMap::new()),
            changed: tokio::sync::watch::channel(0).0,
            liquibase_exec: None,
            liquibase: Mutex::new(None),
        }
    }

    /// Wakes every event stream.
    pub(crate) fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees every later [`Engine::notify`].
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Whether any job runs (an engine with work is never idle).
    pub fn busy(&self) -> bool {
        !self.running().is_empty()
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Interrupt, Vec<String>)>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a running job; its interrupt cancels it.
    pub(crate) fn start_job(&self, job: &str, states: Vec<String>) -> Interrupt {
        let interrupt = Interrupt::none();
        self.running()
            .insert(job.to_string(), (interrupt.clone(), states));
        interrupt
    }

    /// The running job whose plan passes through `state`, if any.
    pub(crate) fn job_using(&self, state: &str) -> Option<String> {
        self.running()
            .iter()
            .find(|(_, (_, states))| states.iter().any(|s| s == state))
            .map(|(job, _)| job.clone())
    }

    /// Forgets a finished job.
    pub(crate) fn end_job(&self, job: &str) {
        self.running().remove(job);
        self.notify();
    }

    /// Cancels a running job; `false` when it does not run here.
    pub(crate) fn cancel_job(&self, job: &str) -> bool {
        match self.running().get(job) {
            Some((i, _)) => {
                i.trigger(libc_sigterm());
                true
            }
            None => false,
        }
    }

    /// Whether `job` runs now.
    pub(crate) fn is_running(&self, job: &str) -> bool {
        self.running().contains_key(job)
    }

    /// Cancels every running job (the engine is stopping).
    pub fn cancel_all(&self) {
        for (i, _) in self.running().values() {
            i.trigger(libc_sigterm());
        }
    }
}

/// SIGTERM's number, the signal a cancelled job's tools receive.
const fn libc_sigterm() -> i32 {
    15
}
