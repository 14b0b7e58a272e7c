//! The `/v1/prepare-jobs` and `/v1/tasks` routes.

use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlrs_schema::{
    BlockReason, DeleteNode, DeleteOutcome, DeleteResult, ErrorCode, InstanceId, JobId, NodeKind,
    PrepareAccepted, StateId,
};

use crate::reply::{bad_id, found, internal, invalid, list, ndjson_lines, not_found};
use crate::{AppState, DeleteOptions, Engine, SubmitError};
use sqlrs_store::StoreError;

/// `POST /v1/prepare-jobs`: 201 with the job's URLs, or 400 naming the field at fault.
pub(crate) async fn create(State(s): State<AppState>, body: Bytes) -> Response {
    let request = match crate::decode_prepare(&body) {
        Ok(r) => r,
        Err(SubmitError::Invalid { message, field }) => return invalid(message, field),
        Err(e) => return internal(&e),
    };
    let engine = Arc::clone(&s.engine);
    let submitted = tokio::task::spawn_blocking(move || engine.submit(request)).await;
    let job = match submitted {
        Ok(Ok(job)) => job,
        Ok(Err(SubmitError::Invalid { message, field })) => return invalid(message, field),
        Ok(Err(e)) => return internal(&e),
        Err(e) => return internal(&e),
    };
    let status_url = format!("/v1/prepare-jobs/{}", job.job_id);
    let accepted = PrepareAccepted {
        events_url: format!("{status_url}/events"),
        status_url: status_url.clone(),
        job_id: job.job_id,
        status: job.status,
    };
    (
        StatusCode::CREATED,
        [(header::LOCATION, status_url)],
        Json(accepted),
    )
        .into_response()
}

/// `?job=` of the list routes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobFilter {
    job: Option<String>,
}

/// `GET /v1/prepare-jobs?job=PREFIX`.
pub(crate) async fn jobs(
    State(s): State<AppState>,
    headers: HeaderMap,
    filter: Result<Query<JobFilter>, QueryRejection>,
) -> Response {
    let Ok(Query(filter)) = filter else {
        return invalid("unknown or malformed query parameter; use `job`", None);
    };
    match s.engine.store.jobs() {
        Ok(mut v) => {
            if let Some(prefix) = &filter.job {
                v.retain(|j| j.job_id.as_str().starts_with(&prefix.to_ascii_lowercase()));
            }
            list(&headers, &v)
        }
        Err(e) => internal(&e),
    }
}

/// `GET /v1/tasks?job=ID`.
pub(crate) async fn tasks(
    State(s): State<AppState>,
    headers: HeaderMap,
    filter: Result<Query<JobFilter>, QueryRejection>,
) -> Response {
    let Ok(Query(filter)) = filter else {
        return invalid("unknown or malformed query parameter; use `job`", None);
    };
    let job = match filter.job.as_deref().map(JobId::parse).transpose() {
        Ok(j) => j,
        Err(e) => return invalid(e.0, Some("job")),
    };
    match s.engine.store.tasks(job.as_ref()) {
        Ok(v) => list(&headers, &v),
        Err(e) => internal(&e),
    }
}

/// `GET /v1/prepare-jobs/{id}`.
pub(crate) async fn job(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    match JobId::parse(&id) {
        Ok(id) => found(s.engine.store.job(&id), "job", id.as_str()),
        Err(e) => bad_id(e),
    }
}

/// `POST /v1/prepare-jobs/{id}/cancel`: 202 when cancelling, 200 when already over.
pub(crate) async fn cancel(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match JobId::parse(&id) {
        Ok(id) => id,
        Err(e) => return bad_id(e),
    };
    let job = match s.engine.store.job(&id) {
        Ok(Some(j)) => j,
        Ok(None) => return not_found("job", id.as_str()),
        Err(e) => return internal(&e),
    };
    if job.status.is_terminal() {
        return Json(job).into_response();
    }
    if !s.engine.cancel_job(id.as_str()) {
        s.engine
            .fail_job(&id, ErrorCode::Cancelled, "cancelled before it started");
    }
    match s.engine.store.job(&id) {
        Ok(Some(j)) => (StatusCode::ACCEPTED, Json(j)).into_response(),
        Ok(None) => not_found("job", id.as_str()),
        Err(e) => internal(&e),
    }
}

/// `?force=&dry_run=&recurse=` of the delete routes.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeleteFlags {
    #[serde(default)]
    pub(crate) force: bool,
    #[serde(default)]
    pub(crate) dry_run: bool,
    #[serde(default)]
    pub(crate) recurse: bool,
}

impl DeleteFlags {
    fn options(&self) -> DeleteOptions {
        DeleteOptions {
            recurse: self.recurse,
            force: self.force,
            dry_run: self.dry_run,
        }
    }
}

/// The HTTP status of a delete: 409 when blocked (unless a dry run), else 200.
pub(crate) fn delete_reply(result: &DeleteResult) -> Response {
    let status = if result.outcome == DeleteOutcome::Blocked && !result.dry_run {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    (status, Json(result)).into_response()
}

/// `DELETE /v1/instances/{id}?force=&dry_run=`.
pub(crate) async fn delete_instance(
    State(s): State<AppState>,
    Path(id): Path<String>,
    flags: Result<Query<DeleteFlags>, QueryRejection>,
) -> Response {
    let usage = "malformed query; use force=true|false, dry_run=true|false";
    let Ok(Query(flags)) = flags else {
        return invalid(usage, None);
    };
    match InstanceId::parse(&id) {
        Ok(id) => delete_one(&s, "instance", id, flags, Engine::delete_instance).await,
        Err(e) => bad_id(e),
    }
}

/// `DELETE /v1/states/{id}?recurse=&force=&dry_run=`.
pub(crate) async fn delete_state(
    State(s): State<AppState>,
    Path(id): Path<String>,
    flags: Result<Query<DeleteFlags>, QueryRejection>,
) -> Response {
    let Ok(Query(flags)) = flags else {
        return invalid(
            "malformed query; use recurse=, force=, dry_run= with true or false",
            None,
        );
    };
    match StateId::parse(&id) {
        Ok(id) => delete_one(&s, "state", id, flags, Engine::delete_state).await,
        Err(e) => bad_id(e),
    }
}

/// One delete of an instance or a state: the engine's delete run off the async threads
/// (it waits for the build lock and removes files), then its reply (404 when there is no
/// such `what`).
async fn delete_one<I: std::fmt::Display + Send + 'static>(
    s: &AppState,
    what: &'static str,
    id: I,
    flags: DeleteFlags,
    delete: fn(&Engine, &I, DeleteOptions) -> Result<Option<DeleteResult>, StoreError>,
) -> Response {
    let engine = Arc::clone(&s.engine);
    let opts = flags.options();
    let done =
        tokio::task::spawn_blocking(move || delete(&engine, &id, opts).map(|r| (r, id))).await;
    match done {
        Ok(Ok((Some(result), _))) => delete_reply(&result),
        Ok(Ok((None, id))) => not_found(what, &id.to_string()),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}

/// `DELETE /v1/prepare-jobs/{id}?force=&dry_run=`: blocked while it runs, unless forced
/// (then it is cancelled first).
pub(crate) async fn delete(
    State(s): State<AppState>,
    Path(id): Path<String>,
    flags: Result<Query<DeleteFlags>, QueryRejection>,
) -> Response {
    let Ok(Query(flags)) = flags else {
        return invalid(
            "malformed query; use force=true|false, dry_run=true|false",
            None,
        );
    };
    let id = match JobId::parse(&id) {
        Ok(id) => id,
        Err(e) => return bad_id(e),
    };
    match s.engine.store.job(&id) {
        Ok(Some(_)) => {}
        Ok(None) => return not_found("job", id.as_str()),
        Err(e) => return internal(&e),
    }
    let engine = Arc::clone(&s.engine);
    match tokio::task::spawn_blocking(move || engine.delete_job(&id, &flags)).await {
        Ok(Ok(result)) => delete_reply(&result),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}

impl Engine {
    /// Deletes a job with its tasks, events and scratch directory.
    fn delete_job(
        &self,
        id: &JobId,
        flags: &DeleteFlags,
    ) -> Result<DeleteResult, sqlrs_store::StoreError> {
        let running = self.is_running(id.as_str());
        let blocked = running && !flags.force;
        let outcome = match (blocked, flags.dry_run) {
            (true, _) => DeleteOutcome::Blocked,
            (false, true) => DeleteOutcome::WouldDelete,
            (false, false) => DeleteOutcome::Deleted,
        };
        if outcome == DeleteOutcome::Deleted {
            if running {
                self.cancel_job(id.as_str());
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
                while self.is_running(id.as_str()) && std::time::Instant::now() < deadline {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
            self.store.delete_job(id)?;
            if let Some(job_dir) = self.layout.job_runtime(id.as_str()).parent() {
                let _ = std::fs::remove_dir_all(job_dir);
            }
            self.notify();
        }
        Ok(DeleteResult {
            dry_run: flags.dry_run,
            outcome,
            root: DeleteNode {
                kind: NodeKind::Job,
                id: id.to_string(),
                connections: None,
                blocked: blocked.then_some(BlockReason::ActiveTasks),
                runtime_id: None,
                children: Vec::new(),
            },
        })
    }
}

/// `GET /v1/prepare-jobs/{id}/events`: every stored event, then new ones as they come,
/// one JSON object per line; ends once the job is over and everything was sent.
pub(crate) async fn events(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match JobId::parse(&id) {
        Ok(id) => id,
        Err(e) => return bad_id(e),
    };
    match s.engine.store.job(&id) {
        Ok(Some(_)) => {}
        Ok(None) => return not_found("job", id.as_str()),
        Err(e) => return internal(&e),
    }
    let rx = s.engine.subscribe();
    let start = (Arc::clone(&s.engine), id, 0u64, rx, false);
    let stream =
        futures_util::stream::unfold(start, |(engine, id, sent, mut rx, done)| async move {
            if done {
                return None;
            }
            loop {
                let terminal = engine
                    .store
                    .job(&id)
                    .ok()
                    .flatten()
                    .is_none_or(|j| j.status.is_terminal());
                let events = engine.store.events(&id, sent).unwrap_or_default();
                if !events.is_empty() {
                    let next = sent + events.len() as u64;
                    let chunk = ndjson_lines(&events);
                    return Some((
                        Ok::<_, std::convert::Infallible>(chunk),
                        (engine, id, next, rx, false),
                    ));
                }
                if terminal {
                    return None;
                }
                tokio::select! {
                    _ = rx.changed() => {}
                    () = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
                }
            }
        });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}
