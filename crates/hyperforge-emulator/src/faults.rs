//! Fault injection, armed per test at run time through `/_emulator/faults`: latency, 5xx,
//! 429 and GitHub's secondary rate limit, and dropped connections (each in the emulated
//! forge's dialect) — the failures a client's
//! retry logic exists for, which a real forge cannot be made to produce on demand.

use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::{App, RATE_LIMIT, epoch};
use crate::config::Kind;
use crate::http::Reply;

/// One armed fault. It applies to requests whose path starts with `path_prefix` (every
/// request but `/_emulator/*` when absent), `count` times (for ever when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Answer with this status (500, 502, 503, …) instead of serving.
    #[serde(default)]
    pub status: Option<u16>,
    /// Answer 429 with `retry-after` and an exhausted `x-ratelimit-*`.
    #[serde(default)]
    pub rate_limit: bool,
    /// Answer 403 with GitHub's secondary-rate-limit message and `retry-after`.
    #[serde(default)]
    pub secondary_rate_limit: bool,
    /// Drop the connection without an answer.
    #[serde(default)]
    pub reset: bool,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Seconds in `retry-after` (default 1).
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// What an armed fault does to a request.
#[derive(Debug)]
pub enum Effect {
    /// Serve normally (after any latency).
    Serve,
    /// Answer this instead.
    Answer(Reply),
    /// Drop the connection.
    Reset,
}

/// Take one use of the first fault matching `path`, sleep its latency, and say what to do.
pub async fn apply(app: &App, path: &str) -> Effect {
    let fault = {
        let mut faults = app
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let index = faults.iter().position(|f| {
            f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p)) && f.count != Some(0)
        });
        let Some(index) = index else {
            return Effect::Serve;
        };
        let fault = faults[index].clone();
        if let Some(n) = faults[index].count.as_mut() {
            *n -= 1;
            if *n == 0 {
                faults.remove(index);
            }
        }
        fault
    };
    if let Some(ms) = fault.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if app.kind == Kind::GitLab {
        return gitlab_effect(&fault);
    }
    effect(&fault)
}

fn effect(fault: &Fault) -> Effect {
    let retry = fault.retry_after.unwrap_or(1);
    let reset = (epoch() + retry).to_string();
    if fault.reset {
        return Effect::Reset;
    }
    if fault.rate_limit {
        return Effect::Answer(
            Reply::json(StatusCode::TOO_MANY_REQUESTS, json!({
                "message": "API rate limit exceeded for user ID 1.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
            }))
            .header("retry-after", retry.to_string())
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-used", "5000")
            .header("x-ratelimit-reset", reset)
            .header("x-ratelimit-resource", "core"),
        );
    }
    if fault.secondary_rate_limit {
        return Effect::Answer(
            Reply::json(StatusCode::FORBIDDEN, json!({
                "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
            }))
            .header("retry-after", retry.to_string()),
        );
    }
    match fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) => Effect::Answer(Reply::json(
            status,
            json!({
                "message": status.canonical_reason().unwrap_or("Server Error")
            }),
        )),
        None => Effect::Serve,
    }
}

/// The same faults as GitLab answers them: a rate limit is a 429 with `Retry-After` and
/// `RateLimit-*` headers (GitLab has no secondary rate limit: that arms a plain 429 too),
/// errors carry `{"message": "503 Service Unavailable"}`.
fn gitlab_effect(fault: &Fault) -> Effect {
    let retry = fault.retry_after.unwrap_or(1);
    if fault.reset {
        return Effect::Reset;
    }
    if fault.rate_limit || fault.secondary_rate_limit {
        return Effect::Answer(
            Reply::json(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"message": "429 Too Many Requests", "error": "Retry later"}),
            )
            .header("retry-after", retry.to_string())
            .header("ratelimit-name", "throttle_authenticated_api")
            .header("ratelimit-limit", RATE_LIMIT.to_string())
            .header("ratelimit-observed", RATE_LIMIT.to_string())
            .header("ratelimit-remaining", "0")
            .header("ratelimit-reset", (epoch() + retry).to_string()),
        );
    }
    match fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) => Effect::Answer(crate::gitlab_render::error(status, "")),
        None => Effect::Serve,
    }
}
