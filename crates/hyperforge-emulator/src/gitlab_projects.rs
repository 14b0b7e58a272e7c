//! GitLab's project calls: listings with GitLab's pagination (`page`/`per_page`, default 20
//! and at most 100, `X-Page`, `X-Next-Page`, `X-Total`… beside `Link`), create, get, update,
//! archive and unarchive (separate calls: GitLab's `PUT` ignores `archived`, so a client
//! that sends it is caught here rather than on gitlab.com) and delete (202).

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::api::Call;
use crate::app::App;
use crate::effects;
use crate::gitlab::{Caller, account};
use crate::gitlab_render as render;
use crate::http::{self, Reply};
use crate::model::{Change, Repo};

/// Which kind of namespace an `:id` must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Group,
    User,
}

/// `GET /groups/:id/projects`, `GET /users/:id/projects`: what the caller may see of the
/// namespace's projects, newest first unless `order_by`/`sort` say otherwise.
pub fn list(app: &App, call: &Call<'_>, caller: &Caller, raw: &str, want: Owner) -> Reply {
    let world = app.world();
    let Some((_, owner)) = account(&world, raw, want) else {
        let what = match want {
            Owner::Group => "Group Not Found",
            Owner::User => "User Not Found",
        };
        return render::error(StatusCode::NOT_FOUND, what);
    };
    let param = |k: &str| {
        call.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let mut repos: Vec<&Repo> = world
        .repos
        .values()
        .filter(|r| r.owner.eq_ignore_ascii_case(&owner) && world.sees(Some(&caller.login), r))
        .filter(|r| param("archived").is_none_or(|a| (a == "true") == r.archived))
        .filter(|r| param("visibility").is_none_or(|v| v == r.visibility))
        .collect();
    let title = |r: &Repo| r.title.clone().unwrap_or_else(|| r.name.clone());
    match param("order_by").unwrap_or("created_at") {
        "name" => repos.sort_by_key(|r| (title(r).to_lowercase(), r.id)),
        "path" => repos.sort_by_key(|r| (r.name.to_lowercase(), r.id)),
        "updated_at" | "last_activity_at" => repos.sort_by_key(|r| (r.updated_at.clone(), r.id)),
        _ => repos.sort_by_key(|r| r.id),
    }
    if param("sort").unwrap_or("desc") == "desc" {
        repos.reverse();
    }
    let body: Vec<Value> = page_of(&repos, call)
        .0
        .iter()
        .map(|r| render::project(app, &world, &caller.login, r))
        .collect();
    let headers = page_headers(app, call, repos.len());
    headers.into_iter().fold(
        Reply::json(StatusCode::OK, Value::Array(body)),
        |r, (k, v)| r.header(k, v),
    )
}

/// The page asked for and its size (`per_page` defaults to 20, at most 100).
fn page_of<T: Clone>(items: &[T], call: &Call<'_>) -> (Vec<T>, usize, usize) {
    let size = http::number(&call.query, "per_page", 20).clamp(1, 100);
    let page = http::number(&call.query, "page", 1).max(1);
    let start = (page - 1).saturating_mul(size).min(items.len());
    let end = start.saturating_add(size).min(items.len());
    (items[start..end].to_vec(), page, size)
}

/// GitLab's pagination headers for a listing of `total` items.
fn page_headers(app: &App, call: &Call<'_>, total: usize) -> Vec<(&'static str, String)> {
    let (_, page, size) = page_of::<()>(&[], call);
    let last = total.div_ceil(size).max(1);
    let mut query: Vec<(String, String)> = call
        .query
        .iter()
        .filter(|(k, _)| k != "per_page")
        .cloned()
        .collect();
    query.push(("per_page".to_string(), size.to_string()));
    let url = format!("{}{}", app.base, call.path);
    let link =
        |p: usize, rel: &str| format!("<{}>; rel=\"{rel}\"", http::page_url(&url, &query, p));
    let mut links = Vec::new();
    if page > 1 {
        links.push(link((page - 1).min(last), "prev"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
    }
    links.push(link(1, "first"));
    links.push(link(last, "last"));
    let next = if page < last {
        (page + 1).to_string()
    } else {
        String::new()
    };
    let prev = if page > 1 {
        (page - 1).min(last).to_string()
    } else {
        String::new()
    };
    vec![
        ("x-page", page.to_string()),
        ("x-per-page", size.to_string()),
        ("x-next-page", next),
        ("x-prev-page", prev),
        ("x-total", total.to_string()),
        ("x-total-pages", last.to_string()),
        ("link", links.join(", ")),
    ]
}

/// The request's parameters: a JSON object, or a form (GitLab takes both), as JSON.
fn params(call: &Call<'_>) -> Option<Map<String, Value>> {
    let form = call
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        let text = String::from_utf8_lossy(call.body);
        let pairs = http::query(Some(&text));
        return Some(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        );
    }
    match serde_json::from_slice::<Value>(if call.body.is_empty() {
        b"{}"
    } else {
        call.body
    }) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn bad_json() -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        json!({"error": "The provided content-type 'application/json' is not supported or the body is not valid JSON."}),
    )
}

/// `POST /projects`: `path` (else `name`), `namespace_id` (numeric or a path; the caller's
/// own namespace without), `description`, `visibility` (GitLab's default: private).
pub async fn create(app: &Arc<App>, call: &Call<'_>, caller: &Caller) -> Reply {
    let Some(map) = params(call) else {
        return bad_json();
    };
    let (name, path) = (text(&map, "name"), text(&map, "path"));
    let Some(path) = path.clone().or_else(|| name.clone()) else {
        return Reply::json(
            StatusCode::BAD_REQUEST,
            json!({"error": "name, path are missing, at least one parameter must be provided"}),
        );
    };
    let visibility = text(&map, "visibility").unwrap_or_else(|| "private".to_string());
    if !matches!(visibility.as_str(), "public" | "private" | "internal") {
        return Reply::json(
            StatusCode::BAD_REQUEST,
            json!({"error": "visibility does not have a valid value"}),
        );
    }
    let owner = match text(&map, "namespace_id") {
        None => caller.login.clone(),
        Some(ns) => {
            let world = app.world();
            let found =
                account(&world, &ns, Owner::Group).or_else(|| account(&world, &ns, Owner::User));
            match found {
                Some((_, owner)) => owner,
                None => return render::error(StatusCode::NOT_FOUND, "Namespace Not Found"),
            }
        }
    };
    let description = text(&map, "description");
    let created = app
        .world()
        .create(&caller.login, &owner, &path, name, description, &visibility);
    match created {
        Ok(repo) => {
            effects::created(app, &repo).await;
            let body = render::project(app, &app.world(), &caller.login, &repo);
            Reply::json(StatusCode::CREATED, body)
        }
        Err(r) => render::refusal(&r),
    }
}

/// `GET`, `PUT`, `DELETE /projects/:id`, `POST /projects/:id/archive` and `/unarchive`.
pub async fn one(app: &Arc<App>, call: &Call<'_>, caller: &Caller, repo: &Repo) -> Reply {
    let rest = call.segments.get(2..).unwrap_or_default();
    match (call.method, rest) {
        (&Method::GET, []) => Reply::json(
            StatusCode::OK,
            render::project(app, &app.world(), &caller.login, repo),
        ),
        (&Method::PUT, []) => {
            let Some(map) = params(call) else {
                return bad_json();
            };
            let change = Change {
                name: text(&map, "path").filter(|p| p != &repo.name),
                title: text(&map, "name").map(Some),
                description: map
                    .get("description")
                    .map(|v| v.as_str().map(str::to_string)),
                visibility: text(&map, "visibility"),
                default_branch: text(&map, "default_branch"),
                ..Change::default()
            };
            change_to(app, caller, repo, &change, StatusCode::OK).await
        }
        (&Method::POST, [action @ ("archive" | "unarchive")]) => {
            let archived = *action == "archive";
            if repo.archived == archived {
                let body = render::project(app, &app.world(), &caller.login, repo);
                return Reply::json(StatusCode::CREATED, body);
            }
            let change = Change {
                archived: Some(archived),
                ..Change::default()
            };
            change_to(app, caller, repo, &change, StatusCode::CREATED).await
        }
        (&Method::DELETE, []) => {
            let result = app.world().delete(&caller.login, repo.id, "api");
            match result {
                Ok(gone) => {
                    effects::deleted(app, &gone).await;
                    Reply::json(StatusCode::ACCEPTED, json!({"message": "202 Accepted"}))
                }
                Err(r) => render::refusal(&r),
            }
        }
        (_, []) => Reply::json(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"error": "405 Not Allowed"}),
        ),
        _ => Reply::json(StatusCode::NOT_FOUND, json!({"error": "404 Not Found"})),
    }
}

async fn change_to(
    app: &Arc<App>,
    caller: &Caller,
    repo: &Repo,
    change: &Change,
    status: StatusCode,
) -> Reply {
    if change
        .visibility
        .as_deref()
        .is_some_and(|v| !matches!(v, "public" | "private" | "internal"))
    {
        return Reply::json(
            StatusCode::BAD_REQUEST,
            json!({"error": "visibility does not have a valid value"}),
        );
    }
    let result = app.world().patch(&caller.login, repo.id, change);
    match result {
        Ok((before, after)) => {
            effects::patched(app, &before, &after).await;
            Reply::json(
                status,
                render::project(app, &app.world(), &caller.login, &after),
            )
        }
        Err(r) => render::refusal(&r),
    }
}
