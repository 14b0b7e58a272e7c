//! GitHub's REST v3 and Gitea's API v1 through one client: the two APIs agree on the
//! repository resource (`name`, `owner.login`, `private`, `archived`, `description`,
//! `default_branch`, `html_url`, `clone_url`) and the paths that matter
//! (`/user`, `/user/repos`, `/orgs/{o}/repos`, `/users/{u}/repos`, `/repos/{o}/{r}`); they
//! differ in the page-size parameter, the auth scheme, scopes, and how a duplicate is
//! refused — the [`Dialect`].

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;

use crate::http::Answer;
use crate::{
    Forge, ForgeError, Http, Identity, NewRepo, RemoteRepo, RepoPatch, RetryPolicy, next_link,
};

/// Which API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// GitHub REST v3 (github.com's `https://api.github.com`, Enterprise's `…/api/v3`).
    GitHub,
    /// Gitea/Forgejo API v1 (`https://codeberg.org/api/v1`).
    Gitea,
}

impl Dialect {
    fn page_query(self) -> &'static str {
        match self {
            Self::GitHub => "per_page=100",
            Self::Gitea => "limit=50",
        }
    }
}

/// A forge of either dialect.
#[derive(Debug)]
pub struct RestForge {
    http: Http,
    dialect: Dialect,
    me: OnceLock<Identity>,
}

#[derive(Deserialize)]
struct Owner {
    login: String,
}

#[derive(Deserialize)]
struct Wire {
    id: serde_json::Value,
    name: String,
    owner: Owner,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    private: bool,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    default_branch: Option<String>,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    clone_url: String,
}

impl From<Wire> for RemoteRepo {
    fn from(w: Wire) -> Self {
        Self {
            id: match w.id {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
            name: w.name,
            owner: w.owner.login,
            description: w.description.filter(|d| !d.is_empty()),
            private: w.private,
            archived: w.archived,
            default_branch: w.default_branch,
            html_url: w.html_url,
            clone_url: w.clone_url,
        }
    }
}

/// When the token expires, as GitHub says on every answer to a fine-grained or expiring
/// classic token (`github-authentication-token-expiration: 2026-01-01 00:00:00 UTC`);
/// Gitea says nothing.
fn expiration(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("github-authentication-token-expiration")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl RestForge {
    /// A client of the `dialect` API at `base` with `token`.
    pub fn new(
        dialect: Dialect,
        base: &str,
        token: &str,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ForgeError> {
        let auth = match dialect {
            Dialect::GitHub => format!("Bearer {token}"),
            Dialect::Gitea => format!("token {token}"),
        };
        Ok(Self {
            http: Http::new(base, auth, timeout, retry)?,
            dialect,
            me: OnceLock::new(),
        })
    }

    fn forge(&self) -> String {
        self.http.base().to_string()
    }

    /// `answer` when it is a success; the error its status means otherwise.
    fn check(&self, answer: Answer, what: &str) -> Result<Answer, ForgeError> {
        let message = || {
            serde_json::from_slice::<serde_json::Value>(&answer.body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| {
                    String::from_utf8_lossy(&answer.body)
                        .chars()
                        .take(200)
                        .collect()
                })
        };
        match answer.status {
            200..=299 => Ok(answer),
            401 | 403 => Err(ForgeError::refused(self.forge(), answer.status, message())),
            404 => Err(ForgeError::NotFound {
                forge: self.forge(),
                what: what.to_string(),
            }),
            409 => Err(ForgeError::Conflict {
                forge: self.forge(),
                what: what.to_string(),
            }),
            422 if String::from_utf8_lossy(&answer.body).contains("already exists") => {
                Err(ForgeError::Conflict {
                    forge: self.forge(),
                    what: what.to_string(),
                })
            }
            status => Err(ForgeError::Protocol {
                forge: self.forge(),
                status,
                message: message(),
            }),
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, answer: &Answer) -> Result<T, ForgeError> {
        serde_json::from_slice(&answer.body).map_err(|e| ForgeError::Protocol {
            forge: self.forge(),
            status: 0,
            message: e.to_string(),
        })
    }

    /// Every page of `path`, following `Link: rel="next"`.
    fn pages(&self, path: &str, what: &str) -> Result<Vec<RemoteRepo>, ForgeError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}{}", self.dialect.page_query()));
        let mut repos = Vec::new();
        // A bound against a forge whose links loop.
        for _ in 0..10_000 {
            let Some(url) = next.take() else { break };
            let answer = self.check(self.http.send(Method::GET, &url, None)?, what)?;
            let page: Vec<Wire> = self.decode(&answer)?;
            repos.extend(page.into_iter().map(RemoteRepo::from));
            next = answer
                .headers
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
        }
        Ok(repos)
    }

    /// Whether `owner` is the token's own login.
    fn is_me(&self, owner: &str) -> Result<bool, ForgeError> {
        Ok(self.identity()?.login.eq_ignore_ascii_case(owner))
    }
}

impl Forge for RestForge {
    fn kind(&self) -> &'static str {
        match self.dialect {
            Dialect::GitHub => "github",
            Dialect::Gitea => "gitea",
        }
    }

    fn identity(&self) -> Result<Identity, ForgeError> {
        if let Some(me) = self.me.get() {
            return Ok(me.clone());
        }
        let answer = self.check(
            self.http.send(Method::GET, "/user", None)?,
            "the token's user",
        )?;
        let scopes = answer
            .headers
            .get("x-oauth-scopes")
            .and_then(|v| v.to_str().ok())
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            });
        let expires_at = expiration(&answer.headers);
        let user: Owner = self.decode(&answer)?;
        let me = Identity {
            login: user.login,
            scopes,
            expires_at,
        };
        Ok(self.me.get_or_init(|| me).clone())
    }

    fn list_repos(&self, owner: &str) -> Result<Vec<RemoteRepo>, ForgeError> {
        if self.is_me(owner)? {
            let mine = self.pages("/user/repos", owner)?;
            return Ok(mine
                .into_iter()
                .filter(|r| r.owner.eq_ignore_ascii_case(owner))
                .collect());
        }
        match self.pages(&format!("/orgs/{owner}/repos"), owner) {
            Err(ForgeError::NotFound { .. }) => self.pages(&format!("/users/{owner}/repos"), owner),
            other => other,
        }
    }

    fn create_repo(&self, owner: &str, repo: &NewRepo) -> Result<RemoteRepo, ForgeError> {
        let path = if self.is_me(owner)? {
            "/user/repos".to_string()
        } else {
            format!("/orgs/{owner}/repos")
        };
        let body = serde_json::to_value(repo).unwrap_or_default();
        let what = format!("{owner}/{}", repo.name);
        let answer = self.check(self.http.send(Method::POST, &path, Some(&body))?, &what)?;
        Ok(self.decode::<Wire>(&answer)?.into())
    }

    fn update_repo(
        &self,
        owner: &str,
        name: &str,
        patch: &RepoPatch,
    ) -> Result<RemoteRepo, ForgeError> {
        let body = serde_json::to_value(patch).unwrap_or_default();
        let what = format!("{owner}/{name}");
        let answer = self.check(
            self.http.send(
                Method::PATCH,
                &format!("/repos/{owner}/{name}"),
                Some(&body),
            )?,
            &what,
        )?;
        Ok(self.decode::<Wire>(&answer)?.into())
    }

    fn delete_repo(&self, owner: &str, name: &str) -> Result<(), ForgeError> {
        let what = format!("{owner}/{name}");
        self.check(
            self.http
                .send(Method::DELETE, &format!("/repos/{owner}/{name}"), None)?,
            &what,
        )?;
        Ok(())
    }

    fn requests(&self) -> u64 {
        self.http.requests()
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn github_tells_when_the_token_expires() {
        let mut h = HeaderMap::new();
        assert_eq!(expiration(&h), None);
        h.insert(
            "github-authentication-token-expiration",
            HeaderValue::from_static("2026-01-01 00:00:00 UTC"),
        );
        assert_eq!(expiration(&h).as_deref(), Some("2026-01-01 00:00:00 UTC"));
    }
}
