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
