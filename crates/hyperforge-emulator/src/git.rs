//! Git smart HTTP at `/<owner>/<repo>.git/…`, by running `git http-backend` as a CGI: pushes
//! and clones are real git, so a test sees exactly what a forge would store. Reading a
//! public repository needs no credentials; pushing needs a token (as the basic-auth
//! password, the way git sends it) of someone who administers the owner, and an archived
//! repository refuses pushes.

use std::process::Stdio;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt as _;

use crate::app::App;
use crate::effects::log;
use crate::http;

/// One smart-HTTP request.
#[derive(Debug)]
pub struct GitCall<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: Vec<u8>,
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [("content-type", "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

fn challenge() -> Response {
    let mut r = plain(StatusCode::UNAUTHORIZED, "Authentication required");
    r.headers_mut().insert(
        "www-authenticate",
        HeaderValue::from_static("Basic realm=\"forge-emulator\""),
    );
    r
}

/// A renamed repository's old URL, as GitHub answers it: 301 to the new one (git follows).
fn redirect(app: &App, full_name: &str, rest: &str, query: &str) -> Response {
    let mut location = format!("{}/{full_name}.git{rest}", app.base);
    if !query.is_empty() {
        location.push('?');
        location.push_str(query);
    }
    let mut r = plain(StatusCode::MOVED_PERMANENTLY, "Moved Permanently");
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert("location", v);
    }
    r
}

/// `/<owner>/<name>.git/<rest>` → (owner, name, rest).
fn split(path: &str) -> Option<(&str, &str, &str)> {
    let path = path.strip_prefix('/')?;
    let (owner, rest) = path.split_once('/')?;
    let (name, rest) = rest.split_once(".git")?;
    (!owner.is_empty() && !name.is_empty() && !name.contains('/')).then_some((owner, name, rest))
}

/// Whether `path` is a git smart-HTTP path.
#[must_use]
pub fn is_git(path: &str) -> bool {
    split(path).is_some()
}

/// Serve one smart-HTTP request.
pub async fn handle(app: &Arc<App>, call: GitCall<'_>) -> Response {
    let Some((owner, name, rest)) = split(call.path) else {
        return plain(StatusCode::NOT_FOUND, "Repository not found.");
    };
    let push =
        rest.ends_with("git-receive-pack") || call.query.contains("service=git-receive-pack");
    let token = http::token(call.headers);
    let (repo, login, moved) = {
        let world = app.world();
        let login = token
            .as_deref()
            .and_then(|t| world.user_by_token(t))
            .map(|u| u.login.clone());
        let moved = world
            .redirect(owner, name)
            .map(crate::model::Repo::full_name);
        (world.find(owner, name).cloned(), login, moved)
    };
    if let (None, Some(full_name)) = (&repo, moved) {
        return redirect(app, &full_name, rest, call.query);
    }
    if token.is_some() && login.is_none() {
        return challenge();
    }
    let Some(repo) = repo else {
        return plain(StatusCode::NOT_FOUND, "Repository not found.");
    };
    let may_admin = login
        .as_deref()
        .is_some_and(|l| app.world().administers(l, &repo.owner));
    if (push || repo.private) && login.is_none() {
        return challenge();
    }
    if (push || repo.private) && !may_admin {
        return plain(StatusCode::FORBIDDEN, "Permission denied.");
    }
    if push && repo.archived {
        return plain(
            StatusCode::FORBIDDEN,
            "This repository was archived so it is read-only.",
        );
    }
    let path_info = format!("/{}/{}.git{rest}", repo.owner, repo.name);
    match cgi(app, &call, &path_info, login.as_deref()).await {
        Ok(response) => response,
        Err(e) => {
            log(&format!("git http-backend failed: {e}"));
            plain(StatusCode::INTERNAL_SERVER_ERROR, "git http-backend failed")
        }
    }
}

async fn cgi(
    app: &App,
    call: &GitCall<'_>,
    path_info: &str,
    user: Option<&str>,
) -> std::io::Result<Response> {
    let header = |name: &str| {
        call.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut command = tokio::process::Command::new("git");
    command
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", app.dir.join("git"))
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", path_info)
        .env("QUERY_STRING", call.query)
        .env("REQUEST_METHOD", call.method.as_str())
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", call.body.len().to_string())
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("HTTP_GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(user) = user {
        command.env("REMOTE_USER", user);
    }
    let mut child = command.spawn()?;
    let mut stdin = child.stdin.take();
    let body = call.body.clone();
    let writer = tokio::spawn(async move {
        if let Some(stdin) = stdin.as_mut() {
            let _ = stdin.write_all(&body).await;
            let _ = stdin.shutdown().await;
        }
    });
    let out = child.wait_with_output().await?;
    let _ = writer.await;
    if !out.stderr.is_empty() {
        log(&format!(
            "git http-backend: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(parse_cgi(&out.stdout))
}

/// A CGI answer (headers, a blank line, the body) as an HTTP response.
fn parse_cgi(out: &[u8]) -> Response {
    let (head, body) = match find(out, b"\r\n\r\n") {
        Some(i) => (&out[..i], &out[i + 4..]),
        None => match find(out, b"\n\n") {
            Some(i) => (&out[..i], &out[i + 2..]),
            None => (&out[..0], out),
        },
    };
    let mut status = StatusCode::OK;
    let mut headers = HeaderMap::new();
    for line in String::from_utf8_lossy(head).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value.split_whitespace().next().and_then(|c| c.parse().ok());
            status = code
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        } else if let (Ok(n), Ok(v)) = (
            axum::http::HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(n, v);
        }
    }
    (status, headers, Body::from(body.to_vec())).into_response()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paths() {
        assert_eq!(split("/a/b.git/info/refs"), Some(("a", "b", "/info/refs")));
        assert_eq!(split("/a/b.git"), Some(("a", "b", "")));
        assert_eq!(split("/api/v3/user"), None);
    }
}
