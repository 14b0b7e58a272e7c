//! Why the runtime failed.

use std::path::PathBuf;

/// A runtime operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The PostgreSQL binaries are not installed (or not where configured).
    #[error("PostgreSQL's `{program}` was not found")]
    NotInstalled {
        /// The program looked for.
        program: String,
    },
    /// sqlrs runs as root and the user PostgreSQL must run as does not exist.
    #[error(
        "user `{0}` does not exist; PostgreSQL cannot run as root, so sqlrs runs it as that user"
    )]
    NoUser(String),
    /// A PostgreSQL tool failed.
    #[error("`{step}` failed")]
    Tool {
        /// What was being done.
        step: String,
        /// The tool's failure (its exit status and last lines).
        #[source]
        source: infra_process::ProcessError,
    },
    /// The container engine's daemon does not answer.
    #[error("the {engine} daemon does not answer at `{host}`")]
    DaemonUnavailable {
        /// `docker` or `podman`.
        engine: &'static str,
        /// Where it was asked (the configured host, or the client's default).
        host: String,
        /// The client's failure.
        #[source]
        source: infra_process::ProcessError,
    },
    /// The configured image is not in the container engine (sqlrs never pulls images).
    #[error("image `{image}` is not present in the {engine} engine; sqlrs never pulls images")]
    NoImage {
        /// `docker` or `podman`.
        engine: &'static str,
        /// The image reference.
        image: String,
        /// The client's failure.
        #[source]
        source: infra_process::ProcessError,
    },
    /// No server of this runtime listens on a port.
    #[error("no running server of the {runtime} runtime publishes port {port}")]
    NoServer {
        /// The runtime's name.
        runtime: &'static str,
        /// The port asked about.
        port: u16,
    },
    /// A server did not come up (it exited, or did not answer in time).
    #[error("the server of `{}` did not start: {reason}", data.display())]
    NotReady {
        /// Its data directory.
        data: PathBuf,
        /// What happened.
        reason: String,
        /// The last lines of the server's log.
        log: String,
    },
    /// A server did not shut down cleanly, so its data directory is no consistent snapshot.
    #[error("the server of `{}` did not shut down cleanly: {reason}", data.display())]
    UncleanStop {
        /// Its data directory.
        data: PathBuf,
        /// What happened.
        reason: String,
        /// The last lines of the server's log.
        log: String,
    },
    /// A data directory that cannot be bind-mounted into a container.
    #[error("`{}` cannot be mounted into a container: {reason}", path.display())]
    UnsupportedPath {
        /// The directory.
        path: PathBuf,
        /// Why not.
        reason: &'static str,
    },
    /// A tool printed something other than what it prints when it works.
    #[error("`{step}` printed `{output}`: expected {expected}")]
    UnexpectedOutput {
        /// What was being done.
        step: String,
        /// What it printed (trimmed).
        output: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A file operation failed.
    #[error("failed to {op} `{}`", path.display())]
    Io {
        /// What.
        op: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl RuntimeError {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.into(),
            source,
        }
    }
}
