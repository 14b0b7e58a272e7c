//! The HTTP surface: `GET /health` open, everything else behind the bearer token (401 with
//! an empty body, so nothing is learnt without it), `POST /rpc` answering with one JSON
//! response or — with `Accept: application/x-ndjson` — a stream of event lines ending in
//! the response line.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::dispatch::{App, execute};
use crate::redact::Redactor;
use crate::rpc;
use crate::server::MAX_BODY;

/// The NDJSON media type.
const NDJSON: &str = "application/x-ndjson";

/// The routes over `app`.
pub(crate) fn router(app: Arc<App>) -> Router {
    let protected = Router::new()
        .route("/rpc", post(call))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            require_token,
        ));
    Router::new()
        .route("/health", get(health))
        .merge(protected)
        .with_state(app)
}

async fn health() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
        .into_response()
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// 401 with an empty body unless the request carries the bearer token.
async fn require_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    let given = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if crate::auth::accepts(&app.token, given) {
        next.run(req).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

fn wants_ndjson(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(NDJSON))
}

/// `POST /rpc`.
async fn call(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let streaming = wants_ndjson(&headers);
    let incoming = match rpc::parse(&body) {
        Ok(i) => i,
        Err(resp) => {
            let text = Redactor::of(&app.token).scrub(resp.to_string());
            return whole(streaming, Some(text));
        }
    };
    if streaming {
        return stream(app, incoming);
    }
    let (resp, red) = execute(&app, incoming, &None).await;
    whole(false, resp.map(|r| red.scrub(r.to_string())))
}

/// A response sent at once (204 when there is nothing to say: only notifications).
fn whole(streaming: bool, text: Option<String>) -> Response {
    let Some(mut text) = text else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let kind = if streaming {
        text.push('\n');
        NDJSON
    } else {
        "application/json"
    };
    ([(header::CONTENT_TYPE, kind)], text).into_response()
}

/// Events as they come, one per line, then the response line. The calls run on a task of
/// their own: a client that disconnects does not cut an operation short.
fn stream(app: Arc<App>, incoming: rpc::Incoming) -> Response {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        let (resp, red) = execute(&app, incoming, &Some(tx.clone())).await;
        if let Some(r) = resp {
            let _ = tx.send(red.scrub(r.to_string()));
        }
    });
    let lines = futures_util::stream::unfold(rx, |mut rx| async move {
        let mut line = rx.recv().await?;
        line.push('\n');
        Some((Ok::<_, Infallible>(line), rx))
    });
    ([(header::CONTENT_TYPE, NDJSON)], Body::from_stream(lines)).into_response()
}
