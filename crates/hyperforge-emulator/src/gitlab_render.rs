//! How GitLab v4 spells a project, a namespace, a user, a token and an error: GitLab's
//! shapes share almost nothing with GitHub's and Gitea's (numeric ids everywhere, `path`
//! beside a display `name`, a `namespace` object, `visibility` instead of `private`, and
//! errors whose `message` is either `"404 Project Not Found"` or a map of field errors), so
//! they live apart from `render.rs`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::App;
use crate::http::Reply;
use crate::model::{Refusal, Repo, World};

/// The namespace (a group, or a user's own) that holds projects of `owner`.
#[must_use]
pub fn namespace(app: &App, world: &World, owner: &str) -> Value {
    let (id, path, is_group) = world
        .account(owner)
        .unwrap_or((0, owner.to_string(), false));
    json!({
        "id": id,
        "name": path,
        "path": path,
        "kind": if is_group { "group" } else { "user" },
        "full_path": path,
        "parent_id": null,
        "avatar_url": null,
        "web_url": format!("{}/{path}", app.base),
    })
}

/// A project as `login` sees it (`GET /projects/:id` and every listing).
#[must_use]
pub fn project(app: &App, world: &World, login: &str, r: &Repo) -> Value {
    let web_url = format!("{}/{}", app.base, r.full_name());
    let host = app.base.trim_start_matches("http://");
    let host = host.split(':').next().unwrap_or(host);
    let admin = world.administers(login, &r.owner);
    let name = r.title.clone().unwrap_or_else(|| r.name.clone());
    let owner_name = world.account(&r.owner).map_or(r.owner.clone(), |a| a.1);
    json!({
        "id": r.id,
        "description": r.description,
        "name": name,
        "name_with_namespace": format!("{owner_name} / {name}"),
        "path": r.name,
        "path_with_namespace": r.full_name(),
        "created_at": r.created_at,
        "default_branch": r.default_branch,
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": format!("git@{host}:{}.git", r.full_name()),
        "http_url_to_repo": format!("{web_url}.git"),
        "web_url": web_url,
        "readme_url": null,
        "forks_count": 0,
        "star_count": 0,
        "last_activity_at": r.updated_at,
        "namespace": namespace(app, world, &r.owner),
        "visibility": r.visibility,
        "archived": r.archived,
        "empty_repo": false,
        "permissions": {
            "project_access": null,
            "group_access": if admin { json!({"access_level": 50, "notification_level": 3}) } else { Value::Null },
        },
        "_links": {
            "self": format!("{}/api/v4/projects/{}", app.base, r.id),
        },
    })
}

/// A user (`GET /user`).
#[must_use]
pub fn user(app: &App, id: u64, username: &str) -> Value {
    json!({
        "id": id,
        "username": username,
        "name": username,
        "state": "active",
        "locked": false,
        "avatar_url": null,
        "web_url": format!("{}/{username}", app.base),
        "email": format!("{username}@noreply.emulator.invalid"),
        "bot": false,
    })
}

/// A group (`GET /groups/:id`).
#[must_use]
pub fn group(app: &App, id: u64, path: &str) -> Value {
    json!({
        "id": id,
        "name": path,
        "path": path,
        "full_name": path,
        "full_path": path,
        "description": "",
        "visibility": "public",
        "parent_id": null,
        "web_url": format!("{}/groups/{path}", app.base),
    })
}

/// The token itself (`GET /personal_access_tokens/self`); emulator tokens never expire.
#[must_use]
pub fn token(user_id: u64, scopes: &[String]) -> Value {
    json!({
        "id": user_id,
        "name": "forge-emulator",
        "revoked": false,
        "created_at": "2024-01-01T00:00:00.000Z",
        "description": null,
        "scopes": scopes,
        "user_id": user_id,
        "last_used_at": null,
        "active": true,
        "expires_at": null,
    })
}

/// An error with GitLab's plain body: `{"message": "404 Project Not Found"}`.
#[must_use]
pub fn error(status: StatusCode, what: &str) -> Reply {
    let reason = status.canonical_reason().unwrap_or("Error");
    let message = if what.is_empty() {
        format!("{} {reason}", status.as_str())
    } else {
        format!("{} {what}", status.as_str())
    };
    Reply::json(status, json!({ "message": message }))
}

/// A 400 with field errors, as GitLab's validations answer: `{"message": {"name": [...]}}`.
#[must_use]
pub fn invalid(fields: &[&str], message: &str) -> Reply {
    let map: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| ((*f).to_string(), json!([message])))
        .collect();
    Reply::json(StatusCode::BAD_REQUEST, json!({ "message": map }))
}

/// A refused change as GitLab answers it.
#[must_use]
pub fn refusal(refusal: &Refusal) -> Reply {
    match refusal {
        Refusal::NotFound => error(StatusCode::NOT_FOUND, "Project Not Found"),
        Refusal::Duplicate => invalid(&["name", "path"], "has already been taken"),
        Refusal::Forbidden(_) | Refusal::Archived => error(StatusCode::FORBIDDEN, ""),
        Refusal::Invalid(m) => invalid(&["path"], m),
        Refusal::Field(field, m) => invalid(&[field], m),
    }
}

/// GitLab's answer to a token without the scope a call needs.
#[must_use]
pub fn insufficient_scope(scope: &str) -> Reply {
    Reply::json(
        StatusCode::FORBIDDEN,
        json!({
            "error": "insufficient_scope",
            "error_description": "The request requires higher privileges than provided by the access token.",
            "scope": scope,
        }),
    )
    .header(
        "www-authenticate",
        format!("Bearer realm=\"\", error=\"insufficient_scope\", error_description=\"The request requires higher privileges than provided by the access token.\", scope=\"{scope}\""),
    )
}
