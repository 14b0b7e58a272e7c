//! `POST /v1/runs`: a tool run against an instance.

use serde::{Deserialize, Serialize};

/// Which tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunKind {
    /// psql, connected by a connection string.
    Psql,
    /// pgbench, connected by `-h/-p/-U/-d`.
    Pgbench,
}

/// One psql invocation of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunStep {
    /// Its arguments.
    pub args: Vec<String>,
    /// Its stdin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
}

/// The request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// The instance: id, id prefix or name.
    pub instance_ref: String,
    /// The tool.
    pub kind: RunKind,
    /// Its arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Its stdin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
    /// psql only: several invocations in order, instead of `args` and `stdin`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<RunStep>,
}

/// What a run line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunEventType {
    /// The engine's own note (a restarted server).
    Log,
    /// The tool started on this instance.
    Start,
    /// Tool output on stdout.
    Stdout,
    /// Tool output on stderr.
    Stderr,
    /// The tool ended with `exit_code`.
    Exit,
}

/// One NDJSON line of `POST /v1/runs`: `{type, instance_id?, data?, exit_code?, message?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunEvent {
    /// What it reports.
    #[serde(rename = "type")]
    pub event_type: RunEventType,
    /// For `start`: the instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// For `stdout`/`stderr`: the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// For `exit`: the tool's exit code (the run itself succeeded; a failing tool is not an
    /// HTTP error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// For `log`: the note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
