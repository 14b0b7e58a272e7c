//! Why the daemon could not start or stopped abnormally (failures of single requests are
//! JSON-RPC errors, not these).

use std::net::SocketAddr;

/// The daemon could not serve.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// A listen address other than loopback: the hub would expose every org's forges to
    /// the network.
    #[error(
        "refusing to listen on {0}: the hub serves only on a loopback address (127.0.0.1 or [::1])"
    )]
    NotLoopback(SocketAddr),
    /// An empty token would let anyone in.
    #[error("refusing to serve with an empty token")]
    EmptyToken,
    /// The async runtime could not be built.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The signal handlers could not be installed.
    #[error("cannot watch for SIGTERM/SIGINT: {0}")]
    Signals(#[source] std::io::Error),
    /// Serving failed.
    #[error("serving failed: {0}")]
    Serve(#[source] std::io::Error),
}
