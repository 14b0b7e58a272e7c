//! Why a command failed.

/// A sqlrs command failed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The engine could not be reached, started, or refused the request.
    #[error(transparent)]
    Client(#[from] sqlrs_client::ClientError),
    /// The arguments are wrong.
    #[error("{0}")]
    Usage(String),
    /// A prepare job failed; its error as the engine gave it.
    #[error("{}", .error.message)]
    JobFailed {
        /// The job.
        job_id: String,
        /// The engine's error.
        error: sqlrs_schema::ErrorResponse,
    },
    /// An id prefix or name matches nothing.
    #[error("nothing matches `{0}`")]
    NoMatch(String),
    /// An id prefix matches several objects.
    #[error("`{prefix}` is ambiguous: it matches {}", .matches.join(", "))]
    Ambiguous {
        /// What was given.
        prefix: String,
        /// What it matches.
        matches: Vec<String>,
    },
    /// A local file (a script for `-f -` or a run) could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `.sqlrs/config.yaml` does not read.
    #[error("invalid workspace settings")]
    Config(#[source] infra_yaml::YamlError),
    /// Interrupted by a signal.
    #[error("interrupted")]
    Interrupted,
}
