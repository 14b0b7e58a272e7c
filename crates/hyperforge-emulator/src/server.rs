//! The listening side: one fallback handler that sends each request to the fault injector,
//! the admin API, the forge API (GitHub's and Gitea's in `api.rs`, GitLab's in `gitlab.rs`)
//! or git smart HTTP, and the serve loop that announces its
//! address and stops cleanly on SIGTERM or SIGINT.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::api::{self, Call};
use crate::app::App;
use crate::config::{Config, Kind};
use crate::faults::{self, Effect, Fault};
use crate::git::{self, GitCall};
use crate::gitlab;
use crate::http::{self, Reply};
use crate::{EmulatorError, render};

/// The largest request body accepted (a push of a big repository fits).
const MAX_BODY: usize = 1 << 30;

/// Bind, announce `listening on http://ADDR` through `announce`, and serve until SIGTERM or
/// SIGINT. Without `--state` the state lives in a temporary directory removed on return.
///
/// # Errors
/// The address cannot be bound, or the state directory cannot be used.
pub async fn run(config: &Config, announce: impl FnOnce(&str)) -> Result<(), EmulatorError> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|source| EmulatorError::Listen {
            addr: config.listen.clone(),
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| EmulatorError::Listen {
            addr: config.listen.clone(),
            source,
        })?;
    let base = format!("http://{addr}");
    let temp;
    let dir = match &config.state {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::Builder::new()
                .prefix("forge-emulator-")
                .tempdir()
                .map_err(|source| EmulatorError::State {
                    path: std::env::temp_dir(),
                    source,
                })?;
            temp.path().to_path_buf()
        }
    };
    let app = App::open(config, &dir, base.clone())?;
    announce(&format!("listening on {base}"));
    let router = axum::Router::new().fallback(handle).with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(stopped())
        .await
        .map_err(|source| EmulatorError::Listen {
            addr: addr.to_string(),
            source,
        })
}

async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or_default().to_string();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response();
    };
    if let Some(rest) = path.strip_prefix("/_emulator/") {
        return admin(&app, &parts.method, rest, &parts.headers, &body);
    }
    match faults::apply(&app, &path).await {
        Effect::Serve => {}
        Effect::Answer(reply) => return reply.finish(&parts.headers, false),
        // Unwinding out of the connection's task drops its socket without an answer; unlike
        // `panic!`, `resume_unwind` runs no panic hook, so nothing is printed.
        Effect::Reset => std::panic::resume_unwind(Box::new("connection reset by fault injection")),
    }
    let prefix = api::prefix(&app);
    if let Some(rest) = path
        .strip_prefix(prefix)
        .filter(|r| r.is_empty() || r.starts_with('/'))
    {
        let call = Call {
            method: &parts.method,
            segments: rest.split('/').filter(|s| !s.is_empty()).collect(),
            path: &path,
            query: http::query(Some(&raw_query)),
            headers: &parts.headers,
            body: &body,
        };
        let reply = match app.kind {
            Kind::GitLab => gitlab::handle(&app, &call).await,
            Kind::GitHub | Kind::Gitea => api::handle(&app, &call).await,
        };
        return reply.finish(&parts.headers, parts.method == Method::GET);
    }
    if git::is_git(&path) {
        let call = GitCall {
            method: &parts.method,
            path: &path,
            query: &raw_query,
            headers: &parts.headers,
            body: body.to_vec(),
        };
        return git::handle(&app, call).await;
    }
    render::error(app.kind, StatusCode::NOT_FOUND, "Not Found").finish(&parts.headers, false)
}

/// `/_emulator/faults`: GET lists the armed faults, POST arms one (JSON [`Fault`]), DELETE
/// disarms all. Guarded by the admin token (`--admin-token`, else the first `--user`'s).
fn admin(
    app: &App,
    method: &Method,
    rest: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Response {
    let allowed = match &app.admin_token {
        Some(expected) => http::token(headers).is_some_and(|t| &t == expected),
        None => true,
    };
    if !allowed {
        return Reply::json(
            StatusCode::UNAUTHORIZED,
            json!({"message": "the admin token is required"}),
        )
        .finish(headers, false);
    }
    if rest != "faults" {
        return Reply::json(StatusCode::NOT_FOUND, json!({"message": "Not Found"}))
            .finish(headers, false);
    }
    let mut faults = app
        .faults
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let reply = match *method {
        Method::GET => Reply::json(StatusCode::OK, json!(*faults)),
        Method::DELETE => {
            faults.clear();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        Method::POST => match serde_json::from_slice::<Fault>(body) {
            Ok(fault) => {
                faults.push(fault);
                Reply::json(StatusCode::CREATED, json!(*faults))
            }
            Err(e) => Reply::json(
                StatusCode::BAD_REQUEST,
                json!({"message": format!("not a fault: {e}")}),
            ),
        },
        _ => Reply::empty(StatusCode::METHOD_NOT_ALLOWED),
    };
    drop(faults);
    reply.finish(headers, false)
}
