//! How each forge spells a repository, a user and an error: the JSON shapes client libraries
//! deserialise, kept apart from the routing so the two APIs share every behaviour. GitLab's
//! shapes are in `gitlab_render.rs`; the functions here hand a GitLab emulator over to it,
//! so code shared by every kind (the fallback 404, faults) answers in the right dialect.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::App;
use crate::config::Kind;
use crate::gitlab_render;
use crate::http::Reply;
use crate::model::{Refusal, Repo, World};

const DOCS: &str = "https://docs.github.com/rest";

/// A repository as `login` sees it.
#[must_use]
pub fn repo(app: &App, world: &World, login: &str, r: &Repo) -> Value {
    let (owner_id, _, is_org) = world
        .account(&r.owner)
        .unwrap_or((0, r.owner.clone(), false));
    let admin = world.administers(login, &r.owner);
    let html_url = format!("{}/{}", app.base, r.full_name());
    let clone_url = format!("{html_url}.git");
    let host = app.base.trim_start_matches("http://");
    let ssh_url = format!(
        "git@{}:{}.git",
        host.split(':').next().unwrap_or(host),
        r.full_name()
    );
    match app.kind {
        Kind::GitHub => json!({
            "id": r.id,
            "node_id": format!("R_emu{}", r.id),
            "name": r.name,
            "full_name": r.full_name(),
            "private": r.private,
            "owner": account_github(app, &r.owner, owner_id, is_org),
            "html_url": html_url,
            "description": r.description,
            "fork": false,
            "url": format!("{}/api/v3/repos/{}", app.base, r.full_name()),
            "clone_url": clone_url,
            "ssh_url": ssh_url,
            "visibility": r.visibility,
            "archived": r.archived,
            "disabled": false,
            "default_branch": r.default_branch,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "pushed_at": r.updated_at,
            "permissions": {"admin": admin, "maintain": admin, "push": admin, "triage": admin, "pull": true},
        }),
        Kind::Gitea => json!({
            "id": r.id,
            "owner": account_gitea(app, &r.owner, owner_id),
            "name": r.name,
            "full_name": r.full_name(),
            "description": r.description.clone().unwrap_or_default(),
            "empty": false,
            "private": r.private,
            "internal": false,
            "fork": false,
            "template": false,
            "mirror": false,
            "html_url": html_url,
            "ssh_url": ssh_url,
            "clone_url": clone_url,
            "website": "",
            "default_branch": r.default_branch,
            "archived": r.archived,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "permissions": {"admin": admin, "push": admin, "pull": true},
        }),
        Kind::GitLab => gitlab_render::project(app, world, login, r),
    }
}

fn account_github(app: &App, login: &str, id: u64, is_org: bool) -> Value {
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_emu{id}"),
        "type": if is_org { "Organization" } else { "User" },
        "url": format!("{}/api/v3/users/{login}", app.base),
        "html_url": format!("{}/{login}", app.base),
        "site_admin": false,
    })
}

fn account_gitea(app: &App, login: &str, id: u64) -> Value {
    json!({
        "id": id,
        "login": login,
        "username": login,
        "full_name": "",
        "email": format!("{login}@noreply.emulator.invalid"),
        "avatar_url": format!("{}/avatars/{login}", app.base),
    })
}

/// An account (`GET /user`, `/users/{u}`, `/orgs/{o}`).
#[must_use]
pub fn account(app: &App, login: &str, id: u64, is_org: bool) -> Value {
    match app.kind {
        Kind::GitHub => account_github(app, login, id, is_org),
        Kind::Gitea => account_gitea(app, login, id),
        Kind::GitLab if is_org => gitlab_render::group(app, id, login),
        Kind::GitLab => gitlab_render::user(app, id, login),
    }
}

/// An error answer with the forge's body.
#[must_use]
pub fn error(kind: Kind, status: StatusCode, message: &str) -> Reply {
    match kind {
        Kind::GitHub => Reply::json(
            status,
            json!({
                "message": message,
                "documentation_url": DOCS,
                "status": status.as_str(),
            }),
        ),
        Kind::Gitea => Reply::json(status, json!({"message": message, "url": "/api/swagger"})),
        Kind::GitLab => gitlab_render::error(status, ""),
    }
}

/// A refused change as the forge answers it.
#[must_use]
pub fn refusal(kind: Kind, refusal: &Refusal) -> Reply {
    match (refusal, kind) {
        (r, Kind::GitLab) => gitlab_render::refusal(r),
        (Refusal::NotFound, Kind::GitHub) => error(kind, StatusCode::NOT_FOUND, "Not Found"),
        (Refusal::NotFound, Kind::Gitea) => {
            error(kind, StatusCode::NOT_FOUND, "The target couldn't be found.")
        }
        (Refusal::Duplicate, Kind::GitHub) => Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({
                "message": "Repository creation failed.",
                "errors": [{"resource": "Repository", "code": "custom", "field": "name", "message": "name already exists on this account"}],
                "documentation_url": "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user",
                "status": "422",
            }),
        ),
        (Refusal::Duplicate, Kind::Gitea) => error(
            kind,
            StatusCode::CONFLICT,
            "The repository with the same name already exists.",
        ),
        (Refusal::Forbidden(m), _) => error(kind, StatusCode::FORBIDDEN, m),
        (Refusal::Archived, _) => error(
            kind,
            StatusCode::FORBIDDEN,
            "Repository was archived so is read-only.",
        ),
        (Refusal::Invalid(m), Kind::GitHub) => Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({
                "message": "Validation Failed",
                "errors": [{"resource": "Repository", "code": "custom", "field": "name", "message": m}],
                "documentation_url": DOCS,
                "status": "422",
            }),
        ),
        (Refusal::Invalid(m), Kind::Gitea) => error(kind, StatusCode::UNPROCESSABLE_ENTITY, m),
        (Refusal::Field(field, m), Kind::GitHub) => Reply::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({
                "message": "Validation Failed",
                "errors": [{"resource": "Repository", "code": "custom", "field": field, "message": m}],
                "documentation_url": DOCS,
                "status": "422",
            }),
        ),
        (Refusal::Field(_, m), Kind::Gitea) => error(kind, StatusCode::UNPROCESSABLE_ENTITY, m),
    }
}
