//! The `/v1/config` routes: read, set and remove settings by path, and the schema.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AppState;
use crate::config::{Config, ConfigError};
use crate::reply::{error, invalid};

/// `?path=&effective=`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigQuery {
    path: Option<String>,
    #[serde(default)]
    effective: bool,
}

/// `{path, value}`: a PATCH body and every answer about one setting.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PathValue {
    path: String,
    value: Value,
}

fn refused(e: &ConfigError) -> Response {
    match e {
        ConfigError::Unknown { .. } => error(
            StatusCode::NOT_FOUND,
            sqlrs_schema::ErrorCode::NotFound,
            e.to_string(),
            Some("path".into()),
        ),
        ConfigError::Type { .. } => invalid(e.to_string(), Some("value")),
        ConfigError::Write { .. } => crate::reply::internal(e),
    }
}

/// `GET /v1/config`.
pub(crate) async fn get(
    State(s): State<AppState>,
    query: Result<Query<ConfigQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return invalid(
            "malformed query; use path=KEY and effective=true|false",
            None,
        );
    };
    match q.path {
        None => Json(s.engine.config.all(q.effective)).into_response(),
        Some(path) => match s.engine.config.get(&path, q.effective) {
            Ok(value) => Json(PathValue { path, value }).into_response(),
            Err(e) => refused(&e),
        },
    }
}

/// `PATCH /v1/config` with `{path, value}`.
pub(crate) async fn patch(State(s): State<AppState>, body: Bytes) -> Response {
    let pv: PathValue = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return invalid(format!("expected {{\"path\": …, \"value\": …}}: {e}"), None),
    };
    match s.engine.config.set(&pv.path, pv.value) {
        Ok(value) => Json(PathValue {
            path: pv.path,
            value,
        })
        .into_response(),
        Err(e) => refused(&e),
    }
}

/// `DELETE /v1/config?path=`: the value in effect afterwards.
pub(crate) async fn delete(
    State(s): State<AppState>,
    query: Result<Query<ConfigQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(ConfigQuery {
        path: Some(path), ..
    })) = query
    else {
        return invalid("give path=KEY", Some("path"));
    };
    match s.engine.config.remove(&path) {
        Ok(value) => Json(PathValue { path, value }).into_response(),
        Err(e) => refused(&e),
    }
}

/// `GET /v1/config/schema`.
pub(crate) async fn schema() -> Response {
    Json(Config::schema()).into_response()
}
