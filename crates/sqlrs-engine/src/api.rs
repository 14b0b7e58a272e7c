//! The router: which route needs the token, and the small read-only routes.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sqlrs_schema::{ErrorCode, Health, InstanceId, StateId};

use crate::reply::{bad_id, error, found, internal, list};
use crate::{Engine, Token, config_api, jobs_api, runs};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// The bearer token.
    pub token: Token,
    /// The engine's version.
    pub version: String,
    /// This run's random id.
    pub instance_id: String,
    /// When the last request arrived (seconds since the epoch), for the idle timeout.
    pub last_seen: Arc<std::sync::atomic::AtomicU64>,
}

/// Seconds since the epoch.
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Notes every request, so an engine in use is not idle.
async fn touch(State(s): State<AppState>, req: Request, next: Next) -> Response {
    s.last_seen
        .store(now_secs(), std::sync::atomic::Ordering::Relaxed);
    let response = next.run(req).await;
    s.last_seen
        .store(now_secs(), std::sync::atomic::Ordering::Relaxed);
    response
}

async fn health(State(s): State<AppState>) -> Response {
    Json(Health {
        ok: true,
        version: s.version.clone(),
        instance_id: s.instance_id.clone(),
        pid: std::process::id(),
        snapshot: Some(s.engine.backend.name().to_string()),
        runtime: Some(s.engine.runtime.name().to_string()),
    })
    .into_response()
}

async fn states(State(s): State<AppState>, headers: HeaderMap) -> Response {
    match s.engine.store.states() {
        Ok(v) => list(&headers, &v),
        Err(e) => internal(&e),
    }
}

async fn cache_status(State(s): State<AppState>) -> Response {
    let engine = &s.engine;
    let (states, instances) = match (engine.store.states(), engine.store.instances()) {
        (Ok(s), Ok(i)) => (s, i),
        (Err(e), _) | (_, Err(e)) => return internal(&e),
    };
    let (total, free) = sqlrs_statefs::space(engine.layout.root()).unwrap_or((0, 0));
    Json(sqlrs_schema::CacheStatus {
        usage_bytes: states.iter().filter_map(|s| s.size_bytes).sum(),
        state_count: states.len() as u64,
        instance_count: instances.len() as u64,
        store_total_bytes: total,
        store_free_bytes: free,
    })
    .into_response()
}

async fn names(State(s): State<AppState>, headers: HeaderMap) -> Response {
    match s.engine.store.names() {
        Ok(v) => list(&headers, &v),
        Err(e) => internal(&e),
    }
}

async fn one_name(State(s): State<AppState>, Path(name): Path<String>) -> Response {
    found(s.engine.store.name(&name), "name", &name)
}

async fn one_state(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    match StateId::parse(&id) {
        Ok(id) => found(s.engine.store.state(&id), "state", id.as_str()),
        Err(e) => bad_id(e),
    }
}

async fn instances(State(s): State<AppState>, headers: HeaderMap) -> Response {
    match s.engine.store.instances() {
        Ok(v) => list(&headers, &v),
        Err(e) => internal(&e),
    }
}

async fn one_instance(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    match InstanceId::parse(&id) {
        Ok(id) => found(
            s.engine
                .store
                .instance(&id)
                .map(|o| o.map(|(entry, _)| entry)),
            "instance",
            id.as_str(),
        ),
        Err(e) => bad_id(e),
    }
}

/// 401 with an empty body unless the request carries the bearer token.
async fn require_token(
    State(s): State<AppState>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if s.token.accepts(given) {
        next.run(req).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such endpoint",
        None,
    )
}

/// The `/v1` routes over `state`.
pub fn router(state: AppState) -> Router {
    let protected = Router::new()
        .route("/v1/states", get(states))
        .route(
            "/v1/states/{id}",
            get(one_state).delete(jobs_api::delete_state),
        )
        .route("/v1/instances", get(instances))
        .route(
            "/v1/instances/{id}",
            get(one_instance).delete(jobs_api::delete_instance),
        )
        .route(
            "/v1/prepare-jobs",
            get(jobs_api::jobs).post(jobs_api::create),
        )
        .route(
            "/v1/prepare-jobs/{id}",
            get(jobs_api::job).delete(jobs_api::delete),
        )
        .route("/v1/prepare-jobs/{id}/cancel", post(jobs_api::cancel))
        .route("/v1/prepare-jobs/{id}/events", get(jobs_api::events))
        .route("/v1/tasks", get(jobs_api::tasks))
        .route("/v1/names", get(names))
        .route("/v1/cache/status", get(cache_status))
        .route("/v1/names/{name}", get(one_name))
        .route("/v1/runs", post(runs::run))
        .route(
            "/v1/config",
            get(config_api::get)
                .patch(config_api::patch)
                .delete(config_api::delete),
        )
        .route("/v1/config/schema", get(config_api::schema))
        // Only requests that carried the token keep the engine from going idle.
        .route_layer(middleware::from_fn_with_state(state.clone(), touch))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token))
        // `-f -` carries a whole script (a dump, say) in the request.
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024 * 1024));
    Router::new()
        .route("/v1/health", get(health))
        .merge(protected)
        .fallback(not_found)
        .with_state(state)
}
