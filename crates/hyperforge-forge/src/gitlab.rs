//! GitLab's API v4 (gitlab.com's `https://gitlab.com/api/v4`, a self-managed instance's,
//! the emulator's), which shares too little with GitHub's and Gitea's to be one more
//! [`Dialect`](crate::Dialect): the token goes in `PRIVATE-TOKEN`; a repository is a
//! *project* addressed by numeric id or URL-encoded `owner%2Fname`, whose URL slug is its
//! `path` (its `name` is a display name) and whose privacy is a `visibility`; owners are
//! groups or users, found at different paths; creating needs the group's numeric
//! `namespace_id`; archiving is its own call (`PUT` ignores `archived`); a duplicate is a
//! 400 whose field errors say "has already been taken"; the scopes are in
//! `/personal_access_tokens/self`, not a header. Paging, retries and ETags are the shared
//! [`Http`] core's.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::http::Answer;
use crate::{
    Forge, ForgeError, Http, Identity, NewRepo, RemoteRepo, RepoPatch, RetryPolicy, next_link,
};

/// A GitLab instance.
#[derive(Debug)]
pub struct GitLabForge {
    http: Http,
    me: OnceLock<Identity>,
    /// Group full path (lower-cased) → its namespace id, learnt once per group.
    groups: Mutex<HashMap<String, u64>>,
}

#[derive(Deserialize)]
struct Namespace {
    full_path: String,
}

#[derive(Deserialize)]
struct Project {
    id: Value,
    path: String,
    namespace: Namespace,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    default_branch: Option<String>,
    #[serde(default)]
    web_url: String,
    #[serde(default)]
    http_url_to_repo: String,
}

impl From<Project> for RemoteRepo {
    fn from(p: Project) -> Self {
        Self {
            id: match p.id {
                Value::String(s) => s,
                other => other.to_string(),
            },
            name: p.path,
            owner: p.namespace.full_path,
            description: p.description.filter(|d| !d.is_empty()),
            private: p.visibility.as_deref() != Some("public"),
            archived: p.archived,
            default_branch: p.default_branch,
            html_url: p.web_url,
            clone_url: p.http_url_to_repo,
        }
    }
}

#[derive(Deserialize)]
struct User {
    username: String,
}

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    expires_at: Option<String>,
}

#[derive(Deserialize)]
struct Group {
    id: u64,
}

/// `text` percent-encoded as one path segment (`acme/code` → `acme%2Fcode`).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The project `:id` of `owner/name`.
fn project_id(owner: &str, name: &str) -> String {
    encode(&format!("{owner}/{name}"))
}

/// The forge's words from an error body: `message` (a string, or GitLab's map of field
/// errors), else `error`, else the start of the body.
fn message(body: &[u8]) -> String {
    let value = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    match (&value["message"], &value["error"]) {
        (Value::String(s), _) | (Value::Null, Value::String(s)) => s.clone(),
        (Value::Null, _) => String::from_utf8_lossy(body).chars().take(200).collect(),
        (other, _) => other.to_string(),
    }
}

impl GitLabForge {
    /// A client of the GitLab API at `base` (`https://gitlab.com/api/v4`, or an emulator's
    /// `http://127.0.0.1:PORT/api/v4`) with the personal access `token`.
    pub fn new(
        base: &str,
        token: &str,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ForgeError> {
        Ok(Self {
            http: Http::with_auth_header(base, "PRIVATE-TOKEN", token.to_string(), timeout, retry)?,
            me: OnceLock::new(),
            groups: Mutex::new(HashMap::new()),
        })
    }

    fn forge(&self) -> String {
        self.http.base().to_string()
    }

    /// `answer` when it is a success; the error its status means otherwise.
    fn check(&self, answer: Answer, what: &str) -> Result<Answer, ForgeError> {
        let taken = || String::from_utf8_lossy(&answer.body).contains("has already been taken");
        match answer.status {
            200..=299 => Ok(answer),
            401 | 403 => Err(ForgeError::refused(
                self.forge(),
                answer.status,
                message(&answer.body),
            )),
            404 => Err(ForgeError::NotFound {
                forge: self.forge(),
                what: what.to_string(),
            }),
            409 => Err(ForgeError::Conflict {
                forge: self.forge(),
                what: what.to_string(),
            }),
            400 if taken() => Err(ForgeError::Conflict {
                forge: self.forge(),
                what: what.to_string(),
            }),
            status => Err(ForgeError::Protocol {
                forge: self.forge(),
                status,
                message: message(&answer.body),
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

    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Answer, ForgeError> {
        self.check(self.http.send(method, path, body)?, what)
    }

    /// Every page of `path`: `Link: rel="next"`, else `X-Next-Page` (which GitLab sends
    /// even where it leaves `Link` out).
    fn pages(&self, path: &str, what: &str) -> Result<Vec<RemoteRepo>, ForgeError> {
        let first = format!("{path}&per_page=100");
        let mut next = Some(first.clone());
        let mut repos = Vec::new();
        // A bound against a forge whose links loop.
        for _ in 0..10_000 {
            let Some(url) = next.take() else { break };
            let answer = self.call(Method::GET, &url, None, what)?;
            let page: Vec<Project> = self.decode(&answer)?;
            repos.extend(page.into_iter().map(RemoteRepo::from));
            let header = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok());
            next = header("link").and_then(next_link).or_else(|| {
                let page = header("x-next-page")?.trim();
                (!page.is_empty()).then(|| format!("{first}&page={page}"))
            });
        }
        Ok(repos)
    }

    /// Whether `owner` is the token's own username.
    fn is_me(&self, owner: &str) -> Result<bool, ForgeError> {
        Ok(self.identity()?.login.eq_ignore_ascii_case(owner))
    }

    /// The namespace id of group `owner`.
    fn group_id(&self, owner: &str) -> Result<u64, ForgeError> {
        let key = owner.to_lowercase();
        if let Some(id) = self.groups.lock().ok().and_then(|g| g.get(&key).copied()) {
            return Ok(id);
        }
        let answer = self.call(
            Method::GET,
            &format!("/groups/{}", encode(owner)),
            None,
            owner,
        )?;
        let group: Group = self.decode(&answer)?;
        if let Ok(mut groups) = self.groups.lock() {
            groups.insert(key, group.id);
        }
        Ok(group.id)
    }

    /// One project call answering the project.
    fn project(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<RemoteRepo, ForgeError> {
        let answer = self.call(method, path, body, what)?;
        Ok(self.decode::<Project>(&answer)?.into())
    }
}

/// The `PUT /projects/:id` body for `patch`, if it changes anything `PUT` can: a rename sets
/// both `path` (the URL) and `name` (the display name) so they stay one name.
fn put_body(patch: &RepoPatch) -> Option<Value> {
    let mut body = Map::new();
    if let Some(name) = &patch.name {
        body.insert("name".into(), json!(name));
        body.insert("path".into(), json!(name));
    }
    if let Some(d) = &patch.description {
        body.insert("description".into(), json!(d));
    }
    if let Some(p) = patch.private {
        let visibility = if p { "private" } else { "public" };
        body.insert("visibility".into(), json!(visibility));
    }
    (!body.is_empty()).then_some(Value::Object(body))
}

impl Forge for GitLabForge {
    fn kind(&self) -> &'static str {
        "gitlab"
    }

    fn identity(&self) -> Result<Identity, ForgeError> {
        if let Some(me) = self.me.get() {
            return Ok(me.clone());
        }
        let answer = self.call(Method::GET, "/user", None, "the token's user")?;
        let user: User = self.decode(&answer)?;
        let token = match self.call(
            Method::GET,
            "/personal_access_tokens/self",
            None,
            "the token",
        ) {
            Ok(answer) => Some(self.decode::<Token>(&answer)?),
            // Older GitLab, and tokens that are not personal access tokens (OAuth).
            Err(ForgeError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let me = Identity {
            login: user.username,
            scopes: token.as_ref().map(|t| t.scopes.clone()),
            expires_at: token.and_then(|t| t.expires_at),
        };
        Ok(self.me.get_or_init(|| me).clone())
    }

    fn list_repos(&self, owner: &str) -> Result<Vec<RemoteRepo>, ForgeError> {
        let id = encode(owner);
        let group = format!("/groups/{id}/projects?with_shared=false&include_subgroups=false");
        let repos = match self.pages(&group, owner) {
            Err(ForgeError::NotFound { .. }) => {
                self.pages(&format!("/users/{id}/projects?simple=false"), owner)?
            }
            other => other?,
        };
        Ok(repos
            .into_iter()
            .filter(|r| r.owner.eq_ignore_ascii_case(owner))
            .collect())
    }

    fn create_repo(&self, owner: &str, repo: &NewRepo) -> Result<RemoteRepo, ForgeError> {
        let mut body = Map::new();
        body.insert("name".into(), json!(repo.name));
        body.insert("path".into(), json!(repo.name));
        if !self.is_me(owner)? {
            body.insert("namespace_id".into(), json!(self.group_id(owner)?));
        }
        if let Some(d) = &repo.description {
            body.insert("description".into(), json!(d));
        }
        let visibility = if repo.private { "private" } else { "public" };
        body.insert("visibility".into(), json!(visibility));
        let what = format!("{owner}/{}", repo.name);
        self.project(Method::POST, "/projects", Some(&Value::Object(body)), &what)
    }

    fn update_repo(
        &self,
        owner: &str,
        name: &str,
        patch: &RepoPatch,
    ) -> Result<RemoteRepo, ForgeError> {
        let what = format!("{owner}/{name}");
        let mut id = project_id(owner, name);
        let mut current = None;
        // Unarchive first and archive last: an archived project takes no other change.
        let mut step = |action: &str, method: Method, body: Option<&Value>, id: &mut String| {
            let repo = self.project(method, &format!("/projects/{id}{action}"), body, &what)?;
            id.clone_from(&repo.id);
            current = Some(repo);
            Ok::<(), ForgeError>(())
        };
        if patch.archived == Some(false) {
            step("/unarchive", Method::POST, None, &mut id)?;
        }
        if let Some(body) = put_body(patch) {
            step("", Method::PUT, Some(&body), &mut id)?;
        }
        if patch.archived == Some(true) {
            step("/archive", Method::POST, None, &mut id)?;
        }
        match current {
            Some(repo) => Ok(repo),
            None => self.project(Method::GET, &format!("/projects/{id}"), None, &what),
        }
    }

    fn delete_repo(&self, owner: &str, name: &str) -> Result<(), ForgeError> {
        let what = format!("{owner}/{name}");
        let path = format!("/projects/{}", project_id(owner, name));
        self.call(Method::DELETE, &path, None, &what)?;
        Ok(())
    }

    fn requests(&self) -> u64 {
        self.http.requests()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_map_to_remote_repos() {
        let p: Project = serde_json::from_value(json!({
            "id": 42, "name": "Code Base", "path": "code", "path_with_namespace": "acme/code",
            "namespace": {"id": 3, "full_path": "acme"}, "description": "",
            "visibility": "internal", "archived": true, "default_branch": "main",
            "web_url": "https://gl/acme/code", "http_url_to_repo": "https://gl/acme/code.git"
        }))
        .unwrap();
        let r = RemoteRepo::from(p);
        assert_eq!(
            (r.id.as_str(), r.name.as_str(), r.owner.as_str()),
            ("42", "code", "acme")
        );
        assert!(r.private, "internal is not public");
        assert!(r.archived && r.description.is_none());
        assert_eq!(r.clone_url, "https://gl/acme/code.git");
        assert_eq!(r.html_url, "https://gl/acme/code");
    }

    #[test]
    fn ids_are_encoded_and_messages_read() {
        assert_eq!(project_id("acme/sub", "a.b"), "acme%2Fsub%2Fa.b");
        assert_eq!(
            message(br#"{"message":"404 Project Not Found"}"#),
            "404 Project Not Found"
        );
        assert_eq!(
            message(br#"{"message":{"name":["has already been taken"]}}"#),
            r#"{"name":["has already been taken"]}"#
        );
        assert_eq!(
            message(br#"{"error":"insufficient_scope"}"#),
            "insufficient_scope"
        );
        assert_eq!(message(b"Retry later"), "Retry later");
    }

    #[test]
    fn a_rename_sets_path_and_name_and_archiving_is_not_a_put() {
        let patch = RepoPatch {
            name: Some("new".into()),
            private: Some(false),
            archived: Some(true),
            ..RepoPatch::default()
        };
        assert_eq!(
            put_body(&patch),
            Some(json!({"name": "new", "path": "new", "visibility": "public"}))
        );
        let only_archive = RepoPatch {
            archived: Some(true),
            ..RepoPatch::default()
        };
        assert_eq!(put_body(&only_archive), None);
    }
}
