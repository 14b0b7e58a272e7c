//! Why a forge call failed, in the categories a user acts on differently.

/// A forge call failed.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The token was refused (401, or 403 that is not a rate limit): fix the token.
    #[error("{forge} refused the token ({status}): {message}")]
    Auth {
        /// The forge's base URL.
        forge: String,
        /// The HTTP status.
        status: u16,
        /// The forge's words.
        message: String,
    },
    /// No such owner or repository.
    #[error("{what} does not exist on {forge}")]
    NotFound {
        /// The forge.
        forge: String,
        /// What was looked for.
        what: String,
    },
    /// The repository exists already (GitHub 422, Gitea 409).
    #[error("{what} already exists on {forge}")]
    Conflict {
        /// The forge.
        forge: String,
        /// What.
        what: String,
    },
    /// Still rate-limited after the retries.
    #[error("{forge} is rate-limiting us (retry after {retry_after_s} s)")]
    RateLimited {
        /// The forge.
        forge: String,
        /// Seconds it asked us to wait.
        retry_after_s: u64,
    },
    /// The forge could not be reached, or kept failing (5xx, dropped connections).
    #[error("cannot reach {forge}: {message}")]
    Network {
        /// The forge.
        forge: String,
        /// What happened last.
        message: String,
    },
    /// The forge answered something else (a 4xx we do not expect, a body we cannot read).
    #[error("unexpected answer from {forge} ({status}): {message}")]
    Protocol {
        /// The forge.
        forge: String,
        /// The HTTP status (0 when the body was the problem).
        status: u16,
        /// What was wrong.
        message: String,
    },
}

impl ForgeError {
    /// Whether the token is at fault (as opposed to the network or the forge).
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth { .. })
    }
}
