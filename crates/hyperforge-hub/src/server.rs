//! Starting and stopping the daemon: its own tokio runtime (the callers are blocking
//! code), loopback only, the bound address handed to `ready` before the first request
//! (port 0 picks one), and a graceful end on SIGTERM/SIGINT or a [`Stop`]: no new
//! connections, requests in flight — a sync half-way through its apply — finish.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use hyperforge_ops::{Hub, OpsError, Secret};
use tokio::signal::unix::{SignalKind, signal};

use crate::dispatch::App;
use crate::org_locks::OrgLocks;
use crate::{HubError, Stop};

/// Makes the [`Hub`] of one request (so config edits made meanwhile are seen).
pub type HubFactory = Arc<dyn Fn() -> Result<Hub, OpsError> + Send + Sync>;

/// The largest request body accepted (larger ones get 413).
pub const MAX_BODY: usize = 1024 * 1024;

/// Serves the operations on `listen` (loopback only) until SIGTERM or SIGINT, calling
/// `ready` with the bound address first. The first signal is handed to `on_signal` (which
/// says so, and records it in the interrupt the factory's hubs share, so an apply in
/// flight stops at its next step boundary) and stops the hub once the requests in flight
/// are answered; a second signal exits the process at once (`128 + signal`).
pub fn serve(
    factory: HubFactory,
    listen: SocketAddr,
    token: Secret,
    ready: impl FnOnce(SocketAddr),
    on_signal: impl FnOnce(i32) + Send + 'static,
) -> Result<(), HubError> {
    start(
        factory,
        listen,
        token,
        ready,
        Ending::Signals(Box::new(on_signal)),
    )
}

/// As [`serve`], but ends when `stop` is triggered instead of on signals (which are left
/// to the caller).
pub fn serve_until(
    factory: HubFactory,
    listen: SocketAddr,
    token: Secret,
    ready: impl FnOnce(SocketAddr),
    stop: Stop,
) -> Result<(), HubError> {
    start(factory, listen, token, ready, Ending::Stop(stop))
}

/// What ends the hub.
enum Ending {
    /// SIGTERM or SIGINT; the first is handed to the callback.
    Signals(Box<dyn FnOnce(i32) + Send>),
    /// A [`Stop`].
    Stop(Stop),
}

fn start(
    factory: HubFactory,
    listen: SocketAddr,
    token: Secret,
    ready: impl FnOnce(SocketAddr),
    stop: Ending,
) -> Result<(), HubError> {
    if !listen.ip().is_loopback() {
        return Err(HubError::NotLoopback(listen));
    }
    if token.is_empty() {
        return Err(HubError::EmptyToken);
    }
    let app = Arc::new(App {
        factory,
        token,
        locks: OrgLocks::default(),
    });
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(HubError::Runtime)?
        .block_on(run(app, listen, ready, stop))
}

type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

async fn run(
    app: Arc<App>,
    listen: SocketAddr,
    ready: impl FnOnce(SocketAddr),
    stop: Ending,
) -> Result<(), HubError> {
    // Handlers first: a signal sent right after `ready` must stop us gracefully.
    let shutdown: Shutdown = match stop {
        Ending::Stop(s) => Box::pin(s.stopped()),
        Ending::Signals(on_signal) => Box::pin(signals(on_signal)?),
    };
    let bind = |source| HubError::Bind {
        addr: listen,
        source,
    };
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(bind)?;
    ready(listener.local_addr().map_err(bind)?);
    axum::serve(listener, crate::routes::router(app))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(HubError::Serve)
}

/// Resolves on the first SIGTERM or SIGINT, handing it to `on_signal`; a second one exits
/// the process at once.
fn signals(
    on_signal: Box<dyn FnOnce(i32) + Send>,
) -> Result<impl Future<Output = ()> + Send, HubError> {
    let mut term = signal(SignalKind::terminate()).map_err(HubError::Signals)?;
    let mut int = signal(SignalKind::interrupt()).map_err(HubError::Signals)?;
    Ok(async move {
        let first = next(&mut term, &mut int).await;
        on_signal(first);
        tokio::spawn(async move {
            let again = next(&mut term, &mut int).await;
            std::process::exit(128 + again);
        });
    })
}

/// The next of SIGTERM (15) or SIGINT (2).
async fn next(
    term: &mut tokio::signal::unix::Signal,
    int: &mut tokio::signal::unix::Signal,
) -> i32 {
    tokio::select! {
        _ = term.recv() => 15,
        _ = int.recv() => 2,
    }
}
