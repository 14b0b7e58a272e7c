//! GitLab API v4 under `/api/v4`, over the same model as the other kinds (users, orgs as
//! groups, repositories as projects), so a scenario reads the same on every forge while a
//! GitLab client meets GitLab's own conventions: `PRIVATE-TOKEN` or `Bearer` auth, token
//! scopes (`api` to write, `read_api` to read), numeric ids or URL-encoded paths
//! (`acme%2Fcode`) wherever an `:id` goes, and `RateLimit-*` headers. This file
//! authenticates and routes; the project calls are in `gitlab_projects.rs`, the JSON shapes
//! in `gitlab_render.rs`.

use std::sync::Arc;

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::json;

use crate::api::Call;
use crate::app::App;
use crate::gitlab_projects::{self as projects, Owner};
use crate::gitlab_render as render;
use crate::http::{self, Reply};
use crate::model::{Repo, World};

/// The token of `PRIVATE-TOKEN: T` or `Authorization: Bearer T` — GitLab takes no other
/// scheme on its API (`token T`, GitHub's, is refused).
#[must_use]
pub fn token(headers: &HeaderMap) -> Option<String> {
    if let Some(t) = headers.get("private-token").and_then(|v| v.to_str().ok()) {
        return Some(t.trim().to_string());
    }
    let value = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim().to_string())
}

/// The caller, once its token is known.
#[derive(Debug)]
pub struct Caller {
    pub id: u64,
    pub login: String,
    pub scopes: Vec<String>,
}

/// Answer a `/api/v4` call.
pub async fn handle(app: &Arc<App>, call: &Call<'_>) -> Reply {
    let Some(token) = token(call.headers) else {
        return render::error(StatusCode::UNAUTHORIZED, "");
    };
    let caller = app.world().user_by_token(&token).map(|u| Caller {
        id: u.id,
        login: u.login.clone(),
        scopes: u.scopes.clone(),
    });
    let Some(caller) = caller else {
        return render::error(StatusCode::UNAUTHORIZED, "");
    };
    let needed = needed_scopes(call);
    let reply = if caller.scopes.iter().any(|s| needed.contains(&s.as_str())) {
        route(app, call, &caller).await
    } else {
        render::insufficient_scope(needed[0])
    };
    let (limit, remaining, reset, used) = app.rate(&token);
    reply
        .header("ratelimit-name", "throttle_authenticated_api")
        .header("ratelimit-limit", limit.to_string())
        .header("ratelimit-observed", used.to_string())
        .header("ratelimit-remaining", remaining.to_string())
        .header("ratelimit-reset", reset.to_string())
}

/// The scopes any one of which a call needs, the one to name in a refusal first.
fn needed_scopes(call: &Call<'_>) -> &'static [&'static str] {
    let about_me = matches!(
        call.segments.as_slice(),
        ["user"] | ["personal_access_tokens", "self"]
    );
    match (*call.method == Method::GET, about_me) {
        (true, true) => &["read_user", "read_api", "api"],
        (true, false) => &["read_api", "api"],
        (false, _) => &["api"],
    }
}

async fn route(app: &Arc<App>, call: &Call<'_>, caller: &Caller) -> Reply {
    let get = *call.method == Method::GET;
    let post = *call.method == Method::POST;
    match call.segments.as_slice() {
        ["user"] if get => Reply::json(StatusCode::OK, render::user(app, caller.id, &caller.login)),
        ["personal_access_tokens", "self"] if get => {
            Reply::json(StatusCode::OK, render::token(caller.id, &caller.scopes))
        }
        ["groups", id] if get => match account(&app.world(), id, Owner::Group) {
            Some((gid, path)) => Reply::json(StatusCode::OK, render::group(app, gid, &path)),
            None => render::error(StatusCode::NOT_FOUND, "Group Not Found"),
        },
        ["groups", id, "projects"] if get => projects::list(app, call, caller, id, Owner::Group),
        ["users", id, "projects"] if get => projects::list(app, call, caller, id, Owner::User),
        ["projects"] if post => projects::create(app, call, caller).await,
        ["projects", id, ..] => {
            let Some(repo) = project(&app.world(), id, &caller.login) else {
                return render::error(StatusCode::NOT_FOUND, "Project Not Found");
            };
            projects::one(app, call, caller, &repo).await
        }
        [
            "user" | "groups" | "users" | "projects" | "personal_access_tokens",
            ..,
        ] => Reply::json(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"error": "405 Not Allowed"}),
        ),
        _ => Reply::json(StatusCode::NOT_FOUND, json!({"error": "404 Not Found"})),
    }
}

/// A path segment decoded (`acme%2Fcode` → `acme/code`); `+` stays a plus, as in a path.
#[must_use]
pub fn segment(raw: &str) -> String {
    http::decode(&raw.replace('+', "%2B"))
}

/// The group or user an `:id` (numeric, or a URL-encoded path) names: its id and spelling.
#[must_use]
pub fn account(world: &World, raw: &str, want: Owner) -> Option<(u64, String)> {
    let key = segment(raw);
    let found = match key.parse::<u64>() {
        Ok(id) => world
            .users
            .iter()
            .find(|u| u.id == id)
            .map(|u| (u.id, u.login.clone(), false))
            .or_else(|| {
                let o = world.orgs.iter().find(|o| o.id == id)?;
                Some((o.id, o.name.clone(), true))
            }),
        Err(_) => world.account(&key),
    };
    found
        .filter(|(_, _, group)| *group == (want == Owner::Group))
        .map(|(id, name, _)| (id, name))
}

/// The project an `:id` (numeric, or URL-encoded `owner/name`, also a renamed project's old
/// path, which GitLab follows) names, if `login` may see it.
#[must_use]
pub fn project(world: &World, raw: &str, login: &str) -> Option<Repo> {
    let key = segment(raw);
    let repo = match key.parse::<u64>() {
        Ok(id) => world.repos.get(&id),
        Err(_) => {
            let (owner, name) = key.split_once('/')?;
            world
                .find(owner, name)
                .or_else(|| world.redirect(owner, name))
        }
    };
    repo.filter(|r| world.sees(Some(login), r)).cloned()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn reads_private_token_and_bearer_but_not_token() {
        let mut h = HeaderMap::new();
        h.insert("private-token", HeaderValue::from_static(" abc "));
        assert_eq!(token(&h).as_deref(), Some("abc"));
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("Bearer abc"));
        assert_eq!(token(&h).as_deref(), Some("abc"));
        h.insert("authorization", HeaderValue::from_static("token abc"));
        assert_eq!(token(&h), None);
        assert_eq!(segment("acme%2Fa+b"), "acme/a+b");
    }
}
