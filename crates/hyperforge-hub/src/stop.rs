//! A way to end [`serve_until`](crate::serve_until) from another thread, for embedders and
//! tests that cannot send the process a signal.

use std::sync::Arc;

use tokio::sync::Notify;

/// Stops a running hub gracefully: no new connections, requests in flight finish.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<Notify>);

impl Stop {
    /// A handle not yet triggered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the hub to stop (remembered if the hub is not waiting yet).
    pub fn stop(&self) {
        self.0.notify_one();
    }

    /// Resolves once [`Stop::stop`] was called.
    pub(crate) async fn stopped(self) {
        self.0.notified().await;
    }
}
