//! How handlers answer: JSON, NDJSON lists, and the error envelope.
//!
//! Every error a client sees is `{code, message, details}` with the status that matches
//! its code, so the CLI has one place to turn them into messages.

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sqlrs_schema::{ErrorCode, ErrorResponse};

/// An error envelope with `status`.
pub(crate) fn error(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
    details: Option<String>,
) -> Response {
    (
        status,
        Json(ErrorResponse {
            code,
            message: message.into(),
            details,
        }),
    )
        .into_response()
}

/// 500 for a store failure.
pub(crate) fn internal(e: &impl std::fmt::Display) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InternalError,
        e.to_string(),
        None,
    )
}

/// 400 naming the field at fault in `details`.
pub(crate) fn invalid(message: impl Into<String>, field: Option<&str>) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidArgument,
        message,
        field.map(str::to_string),
    )
}

/// 404 for `what` `id`.
pub(crate) fn not_found(what: &str, id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("{what} `{id}` does not exist"),
        None,
    )
}

/// 400 for an id that is not one (the error names the `id` path segment).
pub(crate) fn bad_id(e: sqlrs_schema::IdError) -> Response {
    invalid(e.0, Some("id"))
}

/// Whether the client asked for NDJSON.
fn wants_ndjson(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/x-ndjson"))
}

/// One JSON line per item.
pub(crate) fn ndjson_lines<T: Serialize>(items: &[T]) -> String {
    let mut out = String::new();
    for item in items {
        if let Ok(line) = serde_json::to_string(item) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A list as a JSON array, or as NDJSON when the client accepts it.
pub(crate) fn list<T: Serialize>(headers: &HeaderMap, items: &[T]) -> Response {
    if wants_ndjson(headers) {
        (
            [(header::CONTENT_TYPE, "application/x-ndjson")],
            ndjson_lines(items),
        )
            .into_response()
    } else {
        Json(items).into_response()
    }
}

/// The found entry as JSON, 404 naming `what` and `id`, or 500.
pub(crate) fn found<T: Serialize, E: std::fmt::Display>(
    result: Result<Option<T>, E>,
    what: &str,
    id: &str,
) -> Response {
    match result {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => not_found(what, id),
        Err(e) => internal(&e),
    }
}
