//! The HTTP core every forge client shares: base URL, token, timeouts, retries with
//! backoff and jitter, ETag conditional GETs, and a request count.
//!
//! What is retried: 5xx, 429, GitHub's secondary rate limit (403 with `retry-after` or a
//! body saying so), `x-ratelimit-remaining: 0`, and dropped connections — each after the
//! wait the forge asked for (`retry-after`, `x-ratelimit-reset`) or an exponential backoff
//! with jitter, within a budget. What is not: 401 and other 4xx (a wrong token does not get
//! better by asking again).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use reqwest::blocking::{Client, Response};
use reqwest::header::{ETAG, HeaderMap, IF_NONE_MATCH};

use crate::ForgeError;

/// How persistent the client is.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all (the first included).
    pub attempts: u32,
    /// The first backoff; doubled each time, with up to ±50 % jitter.
    pub base: Duration,
    /// The longest single wait (a `retry-after` beyond it fails at once).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            base: Duration::from_millis(200),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// One answered request.
#[derive(Debug)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Vec<u8>,
}

/// A client of one forge API.
#[derive(Debug)]
pub struct Http {
    base: String,
    /// The header the credential goes in (`Authorization`, GitLab's `PRIVATE-TOKEN`).
    auth_header: &'static str,
    auth: String,
    client: Client,
    retry: RetryPolicy,
    requests: AtomicU64,
    etags: Mutex<HashMap<String, (String, Vec<u8>)>>,
}

/// A cheap, per-call source of jitter in [0, 1): no RNG crate needed for spreading retries.
fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    f64::from(nanos % 1000) / 1000.0
}

/// How long the forge asked us to wait: `retry-after` seconds, else until the reset time
/// when nothing remains (`x-ratelimit-*` on GitHub and Gitea, `ratelimit-*` on GitLab).
pub fn requested_wait(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(secs) = get("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    for prefix in ["x-ratelimit", "ratelimit"] {
        if get(&format!("{prefix}-remaining")).is_some_and(|v| v.trim() == "0") {
            let reset = get(&format!("{prefix}-reset"))?
                .trim()
                .parse::<u64>()
                .ok()?;
            let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
            return Some(Duration::from_secs(reset.saturating_sub(now)));
        }
    }
    None
}

/// Whether an answer is a rate limit (429; or 403 that the headers or body mark as one).
fn rate_limited(status: u16, headers: &HeaderMap, body: &[u8]) -> bool {
    status == 429
        || (status == 403
            && (headers.contains_key("retry-after")
                || headers
                    .get("x-ratelimit-remaining")
                    .is_some_and(|v| v.as_bytes() == b"0")
                || String::from_utf8_lossy(body)
                    .to_ascii_lowercase()
                    .contains("rate limit")))
}

impl Http {
    /// A client of the API at `base` (`https://api.github.com`, `http://127.0.0.1:PORT/api/v1`)
    /// sending `auth` as the `Authorization` header value (`Bearer T`, `token T`).
    pub fn new(
        base: &str,
        auth: String,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ForgeError> {
        Self::with_auth_header(base, "Authorization", auth, timeout, retry)
    }

    /// A client like [`Http::new`] that sends `auth` in the header `name` instead
    /// (GitLab's `PRIVATE-TOKEN: T`).
    pub fn with_auth_header(
        base: &str,
        name: &'static str,
        auth: String,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ForgeError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("hyperforge/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ForgeError::Network {
                forge: base.to_string(),
                message: e.to_string(),
            })?;
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            auth_header: name,
            auth,
            client,
            retry,
            requests: AtomicU64::new(0),
            etags: Mutex::new(HashMap::new()),
        })
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// An absolute URL for `path` (a path below the base, or a full URL from a `Link`).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    fn network(&self, message: impl Into<String>) -> ForgeError {
        ForgeError::Network {
            forge: self.base.clone(),
            message: message.into(),
        }
    }

    /// Sends one request (no retries); a 304 to a conditional GET answers the cached body.
    fn send_once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, reqwest::Error> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut req = self
            .client
            .request(method.clone(), url)
            .header(self.auth_header, &self.auth)
            .header("Accept", "application/vnd.github+json, application/json");
        let cached = (*method == Method::GET)
            .then(|| self.etags.lock().ok().and_then(|m| m.get(url).cloned()))
            .flatten();
        if let Some((etag, _)) = &cached {
            req = req.header(IF_NONE_MATCH, etag);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let response: Response = req.send()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes()?.to_vec();
        if status == 304
            && let Some((_, body)) = cached
        {
            return Ok(Answer {
                status: 200,
                headers,
                body,
            });
        }
        if *method == Method::GET
            && status == 200
            && let Some(etag) = headers.get(ETAG).and_then(|v| v.to_str().ok())
            && let Ok(mut m) = self.etags.lock()
        {
            m.insert(url.to_string(), (etag.to_string(), bytes.clone()));
        }
        Ok(Answer {
            status,
            headers,
            body: bytes,
        })
    }

    /// Sends a request, retrying what is worth retrying; the final answer, whatever its
    /// status, or the error once the budget is spent.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, ForgeError> {
        let url = self.url(path);
        let mut last = String::new();
        for attempt in 0..self.retry.attempts {
            let wait = match self.send_once(&method, &url, body) {
                Ok(a) if rate_limited(a.status, &a.headers, &a.body) => {
                    last = format!("rate limited ({})", a.status);
                    let asked = requested_wait(&a.headers);
                    if asked.is_some_and(|w| w > self.retry.max_wait)
                        || attempt + 1 == self.retry.attempts
                    {
                        return Err(ForgeError::RateLimited {
                            forge: self.base.clone(),
                            retry_after_s: asked.map_or(0, |w| w.as_secs()),
                        });
                    }
                    asked
                }
                Ok(a) if a.status >= 500 => {
                    last = format!("HTTP {}", a.status);
                    None
                }
                Ok(a) => return Ok(a),
                Err(e) => {
                    last = e.to_string();
                    None
                }
            };
            if attempt + 1 < self.retry.attempts {
                let backoff = self
                    .retry
                    .base
                    .mul_f64(2f64.powi(i32::try_from(attempt).unwrap_or(0)) * (0.5 + jitter()));
                std::thread::sleep(wait.unwrap_or(backoff).min(self.retry.max_wait));
            }
        }
        Err(self.network(format!("{last} (after {} attempts)", self.retry.attempts)))
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn waits_come_from_retry_after_or_the_reset_time() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(requested_wait(&h), Some(Duration::from_secs(7)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1"));
        assert_eq!(
            requested_wait(&h),
            Some(Duration::ZERO),
            "a reset in the past: no wait"
        );
        let mut h = HeaderMap::new();
        h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("ratelimit-reset", HeaderValue::from_static("1"));
        assert_eq!(
            requested_wait(&h),
            Some(Duration::ZERO),
            "GitLab's spelling"
        );
        assert_eq!(requested_wait(&HeaderMap::new()), None);
    }

    #[test]
    fn rate_limits_are_told_apart_from_auth_failures() {
        let empty = HeaderMap::new();
        assert!(rate_limited(429, &empty, b""));
        assert!(rate_limited(
            403,
            &empty,
            b"You have exceeded a secondary rate limit"
        ));
        assert!(!rate_limited(
            403,
            &empty,
            b"Resource not accessible by integration"
        ));
        assert!(!rate_limited(401, &empty, b"Bad credentials"));
    }
}
