//! The JSON error envelope of the API.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed or refers to something invalid (400).
    InvalidArgument,
    /// No such resource (404).
    NotFound,
    /// The resource is in a state that forbids the request (409).
    Conflict,
    /// No or a wrong bearer token (401).
    Unauthenticated,
    /// The job was cancelled.
    Cancelled,
    /// The engine failed (500).
    InternalError,
}

/// `{code, message, details}`: what went wrong, in words, and where (`details` names the
/// JSON field or the file and line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The code.
    pub code: ErrorCode,
    /// What went wrong.
    pub message: String,
    /// Where, or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}
