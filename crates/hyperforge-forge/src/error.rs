//! Why a forge call failed, in the categories a user acts on differently.

/// A forge call failed.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The token was refused (401, or a 403 whose message is about credentials or
    /// scopes): fix the token.
    #[error("{forge} refused the token ({status}): {message}")]
    Auth {
        /// The forge's base URL.
        forge: String,
        /// The HTTP status.
        status: u16,
        /// The forge's words.
        message: String,
    },
    /// The forge refused the request itself (a 403 not about the token: an archived
    /// repository is read-only, a rule of the forge's): its words say why.
    #[error("{forge} refused the request ({status}): {message}")]
    Forbidden {
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

/// Whether a refusal (`status`, the forge's `message`) is about the token: always for 401;
/// for 403 only when the forge's words are about credentials, scopes or permissions of
/// the token (or say nothing) — a 403 such as "Repository was archived so is read-only."
/// is not.
fn is_token_refusal(status: u16, message: &str) -> bool {
    if status == 401 || message.trim().is_empty() {
        return true;
    }
    let m = message.to_ascii_lowercase();
    [
        "credential",
        "token",
        "scope",
        "unauthori",
        "authenticat",
        "must have admin",
        "resource not accessible",
        "permission",
    ]
    .iter()
    .any(|w| m.contains(w))
}

impl ForgeError {
    /// The error a refusal (401, 403) means: [`Self::Auth`] when it is about the token
    /// (401, or a 403 whose words are about credentials or scopes), [`Self::Forbidden`]
    /// otherwise.
    pub fn refused(forge: String, status: u16, message: String) -> Self {
        if is_token_refusal(status, &message) {
            Self::Auth {
                forge,
                status,
                message,
            }
        } else {
            Self::Forbidden {
                forge,
                status,
                message,
            }
        }
    }

    /// Whether the token is at fault (as opposed to the network or the forge).
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_401_or_a_403_about_credentials_is_a_token_problem() {
        let refused = |status, m: &str| ForgeError::refused("f".into(), status, m.into());
        assert!(refused(401, "whatever").is_auth());
        for m in [
            "Bad credentials",
            "Must have admin rights to Repository.",
            "Resource not accessible by personal access token",
            "token does not have at least one of required scope(s): [write:repository]",
            "user should have a permission to write to a repo",
        ] {
            assert!(refused(403, m).is_auth(), "{m}");
        }
        let e = refused(403, "Repository was archived so is read-only.");
        assert!(!e.is_auth());
        assert_eq!(
            e.to_string(),
            "f refused the request (403): Repository was archived so is read-only."
        );
    }
}
