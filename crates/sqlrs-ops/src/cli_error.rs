//! The one place where sqlrs's errors become user messages: each case picks the kind (hence
//! the exit code: 1 failure, 2 usage, 3 a value or file to fix) and the hints.

use infra_cli::{CliError, ErrorKind};
use sqlrs_client::ClientError;
use sqlrs_schema::ErrorCode;

use crate::OpsError;
use crate::env_vars::SQLRS_DAEMON_PATH;

/// The engine's `details` as lines under the message (a tool's last lines, the JSON field
/// at fault), leaving out what the message says already.
fn detail_lines(message: &str, details: Option<&str>) -> Vec<String> {
    details
        .into_iter()
        .flat_map(str::lines)
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !message.contains(l))
        .map(str::to_string)
        .collect()
}

fn client_error(e: ClientError) -> CliError {
    let (kind, hint) = match &e {
        ClientError::Unreachable { .. } => (
            ErrorKind::Failure,
            Some(
                "the engine may have stopped; run the command again to start a new one".to_string(),
            ),
        ),
        ClientError::Timeout { .. } => (
            ErrorKind::Failure,
            Some("the engine is still working on it; raise --timeout for large inputs".to_string()),
        ),
        ClientError::Unauthorized { .. } => (
            ErrorKind::Failure,
            Some("another engine may have replaced engine.json; run the command again".to_string()),
        ),
        ClientError::Api { error, .. } => match error.code {
            ErrorCode::InvalidArgument => (ErrorKind::Validation, None),
            ErrorCode::NotFound => (
                ErrorKind::Failure,
                Some("`sqlrs ls` lists what exists".to_string()),
            ),
            _ => (ErrorKind::Failure, None),
        },
        ClientError::Start { missing: true, .. } => (
            ErrorKind::Failure,
            Some(format!(
                "build it with `cargo build --release -p sqlrs-engine`, or point {SQLRS_DAEMON_PATH} at it"
            )),
        ),
        ClientError::Start { .. } => (ErrorKind::Failure, None),
        ClientError::Protocol { .. } | ClientError::Io { .. } => (ErrorKind::Failure, None),
    };
    let details = match &e {
        ClientError::Start { log, .. } => log.clone(),
        _ => e
            .api_error()
            .map(|a| detail_lines(&a.message, a.details.as_deref()))
            .unwrap_or_default(),
    };
    CliError::new(kind, e).maybe_hint(hint).details(details)
}

fn infra_cli_diag(y: infra_yaml::YamlError) -> infra_yaml::Diagnostic {
    y.into()
}

impl From<OpsError> for CliError {
    fn from(e: OpsError) -> Self {
        match e {
            OpsError::Client(c) => client_error(c),
            OpsError::Usage(_) | OpsError::Ambiguous { .. } => CliError::new(ErrorKind::Usage, e),
            OpsError::Read { .. } => CliError::new(ErrorKind::Validation, e),
            OpsError::NoMatch(_) => {
                CliError::new(ErrorKind::Failure, e).hint("`sqlrs ls --all` lists every id")
            }
            OpsError::JobFailed {
                ref error,
                ref job_id,
            } => {
                let details = detail_lines(&error.message, error.details.as_deref())
                    .into_iter()
                    .chain(std::iter::once(format!("job {job_id}")))
                    .collect::<Vec<_>>();
                let hint = (error.code == ErrorCode::InvalidArgument).then(|| {
                    "fix the script and prepare again: the steps before it stay cached".to_string()
                });
                CliError::new(ErrorKind::Failure, e)
                    .details(details)
                    .maybe_hint(hint)
            }
            OpsError::Config(y) => CliError::diagnostics(
                "invalid workspace settings",
                vec![infra_cli_diag(y)],
            )
            .hint("fix .sqlrs/config.yaml (keys: store, snapshot, runtime, image, idleTimeout, liquibase)"),
            OpsError::Interrupted => CliError::new(ErrorKind::Interrupted { signal: 2 }, e),
        }
    }
}
