//! The REST routes GitHub and Gitea share (`/api/v3` for GitHub, `/api/v1` for Gitea): the
//! user, listing with pagination, create, get, patch, delete. Differences in spelling come
//! from `render.rs`; differences in behaviour (page sizes, who sees what) are branches here.
//! GitLab's API is shaped differently (projects by id or encoded path, archive as its own
//! call) and has its own routes in `gitlab.rs`.

use std::sync::Arc;

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

use crate::app::App;
use crate::config::Kind;
use crate::http::{self, Reply};
use crate::model::{Change, Refusal, Repo};
use crate::{effects, render};

/// One API request, already split.
#[derive(Debug)]
pub struct Call<'a> {
    pub method: &'a Method,
    /// The path segments after `/api/v3` or `/api/v1`.
    pub segments: Vec<&'a str>,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Answer an API call.
pub async fn handle(app: &Arc<App>, call: &Call<'_>) -> Reply {
    let Some(token) = http::token(call.headers) else {
        let message = if app.kind == Kind::GitHub {
            "Requires authentication"
        } else {
            "token is required"
        };
        return render::error(app.kind, StatusCode::UNAUTHORIZED, message);
    };
    let login = app
        .world()
        .user_by_token(&token)
        .map(|u| (u.login.clone(), u.scopes.join(", ")));
    let Some((login, scopes)) = login else {
        return render::error(app.kind, StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    let reply = route(app, call, &login).await;
    if app.kind == Kind::Gitea {
        return reply;
    }
    let (limit, remaining, reset, used) = app.rate(&token);
    reply
        .header("x-oauth-scopes", scopes)
        .header("x-accepted-oauth-scopes", "repo")
        .header("x-github-media-type", "github.v3; format=json")
        .header("x-ratelimit-limit", limit.to_string())
        .header("x-ratelimit-remaining", remaining.to_string())
        .header("x-ratelimit-reset", reset.to_string())
        .header("x-ratelimit-used", used.to_string())
        .header("x-ratelimit-resource", "core")
}

async fn route(app: &Arc<App>, call: &Call<'_>, login: &str) -> Reply {
    let m = call.method;
    match (call.segments.as_slice(), m) {
        (["user"], &Method::GET) => me(app, login),
        (["user", "repos"], &Method::GET) => list(app, call, login, Listing::Mine),
        (["user", "repos"], &Method::POST) => create(app, call, login, login).await,
        (["orgs", org], &Method::GET) => account(app, org, true),
        (["users", user], &Method::GET) => account(app, user, false),
        (["orgs", org, "repos"], &Method::GET) => list(app, call, login, Listing::Org(org)),
        (["orgs", org, "repos"], &Method::POST) => {
            let exists = app.world().org(org).is_some();
            if exists {
                create(app, call, login, org).await
            } else {
                render::refusal(app.kind, &Refusal::NotFound)
            }
        }
        (["users", user, "repos"], &Method::GET) => list(app, call, login, Listing::User(user)),
        (["repositories", id], _) => {
            let found = id
                .parse::<u64>()
                .ok()
                .and_then(|id| app.world().repos.get(&id).cloned());
            match found {
                Some(repo) => one(app, call, login, repo).await,
                None => render::refusal(app.kind, &Refusal::NotFound),
            }
        }
        (["repos", owner, name], _) => {
            let found = app.world().find(owner, name).cloned();
            match found {
                Some(repo) => one(app, call, login, repo).await,
                None => moved(app, call, login, owner, name),
            }
        }
        _ => render::refusal(app.kind, &Refusal::NotFound),
    }
}

fn me(app: &App, login: &str) -> Reply {
    let world = app.world();
    match world.account(login) {
        Some((id, login, _)) => {
            Reply::json(StatusCode::OK, render::account(app, &login, id, false))
        }
        None => render::refusal(app.kind, &Refusal::NotFound),
    }
}

fn account(app: &App, name: &str, org: bool) -> Reply {
    let world = app.world();
    match world.account(name) {
        Some((id, name, is_org)) if is_org || !org => {
            Reply::json(StatusCode::OK, render::account(app, &name, id, is_org))
        }
        _ => render::refusal(app.kind, &Refusal::NotFound),
    }
}

/// Which repositories a listing shows.
#[derive(Debug, Clone, Copy)]
enum Listing<'a> {
    /// `GET /user/repos`: the user's own, and (unless `affiliation=owner`) its orgs'.
    Mine,
    /// `GET /orgs/{org}/repos`: all the caller may see.
    Org(&'a str),
    /// `GET /users/{user}/repos`: public only on GitHub, all the caller may see on Gitea.
    User(&'a str),
}

fn list(app: &App, call: &Call<'_>, login: &str, listing: Listing<'_>) -> Reply {
    let world = app.world();
    let mut repos: Vec<&Repo> = match listing {
        Listing::Mine => {
            let own_only = call
                .query
                .iter()
                .any(|(k, v)| k == "affiliation" && v == "owner");
            world
                .repos
                .values()
                .filter(|r| {
                    r.owner.eq_ignore_ascii_case(login)
                        || (!own_only && world.administers(login, &r.owner))
                })
                .collect()
        }
        Listing::Org(org) => {
            if world.org(org).is_none() {
                return render::refusal(app.kind, &Refusal::NotFound);
            }
            world
                .repos
                .values()
                .filter(|r| r.owner.eq_ignore_ascii_case(org) && world.sees(Some(login), r))
                .collect()
        }
        Listing::User(user) => {
            if world.account(user).is_none() {
                return render::refusal(app.kind, &Refusal::NotFound);
            }
            let github = app.kind == Kind::GitHub;
            world
                .repos
                .values()
                .filter(|r| {
                    r.owner.eq_ignore_ascii_case(user)
                        && if github {
                            !r.private
                        } else {
                            world.sees(Some(login), r)
                        }
                })
                .collect()
        }
    };
    if matches!(listing, Listing::Mine) && app.kind == Kind::GitHub {
        repos.sort_by_key(|r| r.full_name().to_lowercase());
    }
    let (size_key, default, max) = match app.kind {
        Kind::GitHub => ("per_page", 30, 100),
        Kind::Gitea => ("limit", 30, 50),
        Kind::GitLab => ("per_page", 20, 100),
    };
    let size = http::number(&call.query, size_key, default).clamp(1, max);
    let page = http::number(&call.query, "page", 1).max(1);
    let url = format!("{}{}", app.base, call.path);
    let (shown, link) = http::paginate(&repos, &url, &call.query, page, size);
    let body: Vec<Value> = shown
        .iter()
        .map(|r| render::repo(app, &world, login, r))
        .collect();
    let mut reply = Reply::json(StatusCode::OK, Value::Array(body));
    if let Some(link) = link {
        reply = reply.header("link", link);
    }
    if app.kind == Kind::Gitea {
        reply = reply.header("x-total-count", repos.len().to_string());
    }
    reply
}

/// A renamed repository's old name: GitHub sends 301 (GET) or 307 to `/repositories/{id}`,
/// Gitea to the new name.
fn moved(app: &App, call: &Call<'_>, login: &str, owner: &str, name: &str) -> Reply {
    let world = app.world();
    let Some(repo) = world
        .redirect(owner, name)
        .filter(|r| world.sees(Some(login), r))
    else {
        return render::refusal(app.kind, &Refusal::NotFound);
    };
    let url = match app.kind {
        Kind::GitHub => format!("{}/api/v3/repositories/{}", app.base, repo.id),
        Kind::Gitea => format!("{}/api/v1/repos/{}", app.base, repo.full_name()),
        Kind::GitLab => format!("{}/api/v4/projects/{}", app.base, repo.id),
    };
    let status = if call.method == Method::GET {
        StatusCode::MOVED_PERMANENTLY
    } else {
        StatusCode::TEMPORARY_REDIRECT
    };
    let message = if status == StatusCode::MOVED_PERMANENTLY {
        "Moved Permanently"
    } else {
        "Temporary Redirect"
    };
    Reply::json(status, json!({"message": message, "url": url, "documentation_url": "https://docs.github.com/v3/#http-redirects"}))
        .header("location", url)
}

async fn one(app: &Arc<App>, call: &Call<'_>, login: &str, repo: Repo) -> Reply {
    if !app.world().sees(Some(login), &repo) {
        return render::refusal(app.kind, &Refusal::NotFound);
    }
    match *call.method {
        Method::GET => {
            let body = render::repo(app, &app.world(), login, &repo);
            Reply::json(StatusCode::OK, body)
        }
        Method::PATCH => patch(app, call, login, &repo).await,
        Method::DELETE => {
            let result = app.world().delete(login, repo.id, "delete_repo");
            match result {
                Ok(gone) => {
                    effects::deleted(app, &gone).await;
                    Reply::empty(StatusCode::NO_CONTENT)
                }
                Err(r) => render::refusal(app.kind, &r),
            }
        }
        _ => render::error(
            app.kind,
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
        ),
    }
}

fn parse_body(app: &App, body: &[u8]) -> Result<serde_json::Map<String, Value>, Reply> {
    let text = if body.is_empty() {
        b"{}".as_slice()
    } else {
        body
    };
    match serde_json::from_slice::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(render::error(
            app.kind,
            StatusCode::BAD_REQUEST,
            "Problems parsing JSON",
        )),
    }
}

/// GitHub's limits on a description (Gitea's 2048 characters are not reached in tests):
/// at most 350 characters and no control characters, else 422 "Validation Failed" with the
/// words GitHub uses.
fn description_refused(kind: Kind, description: Option<&str>) -> Option<Refusal> {
    let d = description.filter(|_| kind == Kind::GitHub)?;
    if d.chars().count() > 350 {
        return Some(Refusal::Field(
            "description",
            "description is too long (maximum is 350 characters)".into(),
        ));
    }
    d.chars().any(char::is_control).then(|| {
        Refusal::Field(
            "description",
            "description control characters are not allowed".into(),
        )
    })
}

async fn create(app: &Arc<App>, call: &Call<'_>, login: &str, owner: &str) -> Reply {
    let map = match parse_body(app, call.body) {
        Ok(m) => m,
        Err(reply) => return reply,
    };
    let name = map.get("name").and_then(Value::as_str).unwrap_or_default();
    let description = map
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(r) = description_refused(app.kind, description.as_deref()) {
        return render::refusal(app.kind, &r);
    }
    let visibility = match (
        map.get("visibility").and_then(Value::as_str),
        map.get("private").and_then(Value::as_bool),
    ) {
        (Some(v @ ("public" | "private" | "internal")), _) => v,
        (Some(v), _) => {
            return render::refusal(
                app.kind,
                &Refusal::Invalid(format!(
                    "visibility `{v}` is not public, private or internal"
                )),
            );
        }
        (None, Some(true)) => "private",
        (None, _) => "public",
    };
    let created = app
        .world()
        .create(login, owner, name, None, description, visibility);
    match created {
        Ok(repo) => {
            effects::created(app, &repo).await;
            let body = render::repo(app, &app.world(), login, &repo);
            Reply::json(StatusCode::CREATED, body).header(
                "location",
                format!("{}{}/repos/{}", app.base, prefix(app), repo.full_name()),
            )
        }
        Err(r) => render::refusal(app.kind, &r),
    }
}

async fn patch(app: &Arc<App>, call: &Call<'_>, login: &str, repo: &Repo) -> Reply {
    let map = match parse_body(app, call.body) {
        Ok(m) => m,
        Err(reply) => return reply,
    };
    let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
    if let Some(r) = description_refused(app.kind, text("description").as_deref()) {
        return render::refusal(app.kind, &r);
    }
    let change = Change {
        name: text("name").filter(|n| n != &repo.name),
        title: None,
        description: map
            .get("description")
            .map(|v| v.as_str().map(str::to_string)),
        private: map.get("private").and_then(Value::as_bool),
        visibility: text("visibility"),
        archived: map.get("archived").and_then(Value::as_bool),
        default_branch: text("default_branch"),
    };
    let result = app.world().patch(login, repo.id, &change);
    match result {
        Ok((before, after)) => {
            effects::patched(app, &before, &after).await;
            let body = render::repo(app, &app.world(), login, &after);
            Reply::json(StatusCode::OK, body)
        }
        Err(r) => render::refusal(app.kind, &r),
    }
}

/// `/api/v3`, `/api/v1` or `/api/v4`.
#[must_use]
pub fn prefix(app: &App) -> &'static str {
    match app.kind {
        Kind::GitHub => "/api/v3",
        Kind::Gitea => "/api/v1",
        Kind::GitLab => "/api/v4",
    }
}
