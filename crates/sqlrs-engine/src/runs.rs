//! `POST /v1/runs`: psql or pgbench against an instance, its server started again from
//! the instance's directory if it is not running (after a reboot, say).
//!
//! The answer is NDJSON: a `log` line when the server had to be started, `start`, the
//! tool's `stdout` and `stderr`, then `exit` with the tool's own exit code — a failing
//! tool is a result, not an HTTP error, so the CLI can exit with that code.

use std::path::PathBuf;
use std::sync::{Arc, PoisonError};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use infra_process::Interrupt;
use sqlrs_runtime::{Owner, Tool, ToolIo};
use sqlrs_schema::{ErrorCode, InstanceId, RunEvent, RunEventType, RunKind, RunRequest, RunStep};
use sqlrs_store::InstanceRow;

use crate::reply::{error, internal, invalid, ndjson_lines};
use crate::{AppState, Engine, SubmitError};

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RunError {
    /// No such instance.
    #[error("no instance matches `{0}`")]
    NotFound(String),
    /// A prefix matching several.
    #[error("`{0}` matches several instances; give more of the id")]
    Ambiguous(String),
    /// The store or the runtime failed.
    #[error("{0}")]
    Internal(String),
}

fn event(event_type: RunEventType) -> RunEvent {
    RunEvent {
        event_type,
        instance_id: None,
        data: None,
        exit_code: None,
        message: None,
    }
}

impl Engine {
    /// The instance `reference` names: its full id, or a unique prefix of 8+ hex digits.
    fn resolve_instance(&self, reference: &str) -> Result<InstanceRow, RunError> {
        let internal = |e: sqlrs_store::StoreError| RunError::Internal(e.to_string());
        let r = reference.to_ascii_lowercase();
        if let Ok(id) = InstanceId::parse(&r) {
            return match self.store.instance(&id).map_err(internal)? {
                Some((_, row)) => Ok(row),
                None => Err(RunError::NotFound(reference.to_string())),
            };
        }
        let hex = r.len() >= 8 && r.bytes().all(|b| b.is_ascii_hexdigit());
        let matches: Vec<_> = if hex {
            self.store
                .instances()
                .map_err(internal)?
                .into_iter()
                .filter(|i| i.instance_id.as_str().starts_with(&r))
                .collect()
        } else {
            Vec::new()
        };
        match matches.as_slice() {
            [one] => match self.store.instance(&one.instance_id).map_err(internal)? {
                Some((_, row)) => Ok(row),
                None => Err(RunError::NotFound(reference.to_string())),
            },
            [] => {
                // A name.
                let named = self.store.name(reference).map_err(internal)?;
                match named.and_then(|n| n.instance_id) {
                    Some(id) => match self.store.instance(&id).map_err(internal)? {
                        Some((_, row)) => Ok(row),
                        None => Err(RunError::NotFound(reference.to_string())),
                    },
                    None => Err(RunError::NotFound(reference.to_string())),
                }
            }
            _ => Err(RunError::Ambiguous(reference.to_string())),
        }
    }

    /// Starts the instance's server again when it is not running.
    pub(crate) fn ensure_running(
        &self,
        row: &InstanceRow,
        events: &mut Vec<RunEvent>,
    ) -> Result<u16, RunError> {
        let port = row
            .port
            .ok_or_else(|| RunError::Internal("the instance has no port recorded".into()))?;
        if self.runtime.ready(port) {
            return Ok(port);
        }
        let _guard = self
            .build_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !self.runtime.ready(port) {
            let data = PathBuf::from(&row.data_dir);
            self.backend.reattach(&data).map_err(|e| {
                RunError::Internal(format!("cannot mount the instance's data again: {e}"))
            })?;
            let owner = Owner::Instance(row.instance_id.to_string());
            self.runtime
                .start(&data, port, &owner, &Interrupt::none())
                .map_err(|e| {
                    RunError::Internal(format!("cannot start the instance's server again: {e}"))
                })?;
            events.push(RunEvent {
                message: Some(format!(
                    "started the server of instance {} again",
                    row.instance_id
                )),
                ..event(RunEventType::Log)
            });
        }
        Ok(port)
    }

    /// Runs `request` to its end; the events to send.
    pub(crate) fn run_tool(&self, request: &RunRequest) -> Result<Vec<RunEvent>, RunError> {
        let row = self.resolve_instance(&request.instance_ref)?;
        let mut events = Vec::new();
        let port = self.ensure_running(&row, &mut events)?;
        events.push(RunEvent {
            instance_id: Some(row.instance_id.to_string()),
            ..event(RunEventType::Start)
        });
        let (tool, steps) = match request.kind {
            RunKind::Psql if !request.steps.is_empty() => (Tool::Psql, request.steps.clone()),
            kind => (
                if kind == RunKind::Psql {
                    Tool::Psql
                } else {
                    Tool::Pgbench
                },
                vec![RunStep {
                    args: request.args.clone(),
                    stdin: request.stdin.clone(),
                }],
            ),
        };
        let mut code = Some(0);
        for step in steps {
            let io = ToolIo::Capture {
                stdin: step.stdin.map(String::into_bytes),
            };
            let ran = self
                .runtime
                .run_tool(port, tool, &step.args, io, &Interrupt::none())
                .map_err(|e| RunError::Internal(e.to_string()))?;
            for (kind, text) in [
                (RunEventType::Stdout, ran.stdout),
                (RunEventType::Stderr, ran.stderr),
            ] {
                if !text.is_empty() {
                    events.push(RunEvent {
                        data: Some(text),
                        ..event(kind)
                    });
                }
            }
            code = ran.code;
            if code != Some(0) {
                break;
            }
        }
        events.push(RunEvent {
            exit_code: Some(code.unwrap_or(128 + 9)),
            ..event(RunEventType::Exit)
        });
        Ok(events)
    }
}

/// `POST /v1/runs`.
pub(crate) async fn run(State(s): State<AppState>, body: Bytes) -> Response {
    let request = match crate::decode_run(&body) {
        Ok(r) => r,
        Err(SubmitError::Invalid { message, field }) => return invalid(message, field),
        Err(e) => return internal(&e),
    };
    let engine = Arc::clone(&s.engine);
    match tokio::task::spawn_blocking(move || engine.run_tool(&request)).await {
        Ok(Ok(events)) => (
            [(header::CONTENT_TYPE, "application/x-ndjson")],
            ndjson_lines(&events),
        )
            .into_response(),
        Ok(Err(e @ RunError::NotFound(_))) => error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            e.to_string(),
            Some("instance_ref".into()),
        ),
        Ok(Err(e @ RunError::Ambiguous(_))) => invalid(e.to_string(), Some("instance_ref")),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}
