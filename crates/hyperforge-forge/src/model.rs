//! What a forge holds, as the plan sees it, and the [`Forge`] trait.

use serde::{Deserialize, Serialize};

use crate::ForgeError;

/// A repository as a forge reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteRepo {
    /// Its name.
    pub name: String,
    /// The owner's login.
    pub owner: String,
    /// The forge's id (GitHub's node id or number, Gitea's number), as text.
    pub id: String,
    /// Its description (empty and absent are the same).
    pub description: Option<String>,
    /// Private or public.
    pub private: bool,
    /// Archived (read-only).
    pub archived: bool,
    /// The default branch.
    pub default_branch: Option<String>,
    /// Its web page.
    pub html_url: String,
    /// The HTTPS clone URL.
    pub clone_url: String,
}

/// A repository to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRepo {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Private or public.
    pub private: bool,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RepoPatch {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Private or public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// Archived or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// Who a token belongs to, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The login.
    pub login: String,
    /// The token's scopes, when the forge says (GitHub's `X-OAuth-Scopes`, GitLab's
    /// `/personal_access_tokens/self`).
    pub scopes: Option<Vec<String>>,
    /// When the token expires, as the forge writes it, when it says (GitHub's
    /// `github-authentication-token-expiration` header, GitLab's token `expires_at`).
    pub expires_at: Option<String>,
}

/// A forge, as hyperforge uses it.
pub trait Forge: Send + Sync {
    /// `github`, `gitea`, `gitlab`.
    fn kind(&self) -> &'static str;
    /// The token's owner and scopes.
    fn identity(&self) -> Result<Identity, ForgeError>;
    /// Every repository of `owner` (an org or a user; the token's own private ones
    /// included when `owner` is its login), all pages.
    fn list_repos(&self, owner: &str) -> Result<Vec<RemoteRepo>, ForgeError>;
    /// Creates `repo` under `owner`.
    fn create_repo(&self, owner: &str, repo: &NewRepo) -> Result<RemoteRepo, ForgeError>;
    /// Changes `owner/name`.
    fn update_repo(
        &self,
        owner: &str,
        name: &str,
        patch: &RepoPatch,
    ) -> Result<RemoteRepo, ForgeError>;
    /// Deletes `owner/name`.
    fn delete_repo(&self, owner: &str, name: &str) -> Result<(), ForgeError>;
    /// HTTP requests sent so far (retries included), for the no-op plan's budget.
    fn requests(&self) -> u64;
}
