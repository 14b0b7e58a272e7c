//! Why a request failed.

use std::path::PathBuf;

use sqlrs_schema::ErrorResponse;

/// A request to the engine failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing answered at the endpoint.
    #[error("cannot reach the sqlrs engine at {endpoint}")]
    Unreachable {
        /// Where it was looked for.
        endpoint: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The engine took longer than the request timeout to answer.
    #[error("the sqlrs engine at {endpoint} did not answer within {seconds} s")]
    Timeout {
        /// The engine.
        endpoint: String,
        /// The timeout.
        seconds: u64,
    },
    /// The engine refused the token.
    #[error("the sqlrs engine at {endpoint} refused the token")]
    Unauthorized {
        /// The engine.
        endpoint: String,
    },
    /// The engine answered with its error envelope.
    #[error("{}", .error.message)]
    Api {
        /// The HTTP status.
        status: u16,
        /// The envelope.
        error: ErrorResponse,
    },
    /// The engine answered something this client does not understand.
    #[error("unexpected answer from the sqlrs engine ({what}): {message}")]
    Protocol {
        /// Which request.
        what: String,
        /// What was wrong.
        message: String,
    },
    /// The engine could not be started.
    #[error("cannot start the sqlrs engine ({}): {message}", .program.display())]
    Start {
        /// The engine binary.
        program: PathBuf,
        /// What happened.
        message: String,
        /// The last lines of its log.
        log: Vec<String>,
        /// The binary is not there at all.
        missing: bool,
    },
    /// A local file (engine.json, the start lock, the log) could not be used.
    #[error("cannot {op} {}", .path.display())]
    Io {
        /// What was tried.
        op: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl ClientError {
    /// The engine's error code, when it answered with one.
    pub fn api_error(&self) -> Option<&ErrorResponse> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }
}
