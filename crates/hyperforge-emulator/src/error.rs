//! The emulator's start-up errors: everything after start-up is an HTTP answer, so only
//! flags, the state directory and the listening socket can fail the process.

use std::path::PathBuf;

/// Why the emulator could not start (or save its state).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// A flag was missing, unknown or malformed.
    #[error("{0}")]
    Usage(String),
    /// The state directory or a file in it could not be read or written.
    #[error("cannot use `{}`", path.display())]
    State {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `state.json` is not the emulator's.
    #[error("`{}` is not an emulator state file", path.display())]
    Corrupt {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// An atomic write failed.
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: infra_fs::FsError,
    },
    /// The listening socket.
    #[error("cannot listen on `{addr}`")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}
