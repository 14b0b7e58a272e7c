//! HTTP plumbing both APIs share: credentials from `Authorization`, query strings, replies
//! with ETags (`If-None-Match` → 304), and page slicing with RFC 5988 `Link` headers — the
//! parts a client library is most likely to depend on, so they are written once.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The token of `Authorization: token T`, `Bearer T` or `Basic base64(user:T)`.
#[must_use]
pub fn token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    match scheme.to_ascii_lowercase().as_str() {
        "token" | "bearer" => Some(rest.to_string()),
        "basic" => {
            let decoded = base64_decode(rest)?;
            let text = String::from_utf8(decoded).ok()?;
            let (user, pass) = text.split_once(':')?;
            Some(if pass.is_empty() { user } else { pass }.to_string())
        }
        _ => None,
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The query string's pairs, percent-decoded, in order.
#[must_use]
pub fn query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `s` percent-decoded (`+` as a space, as in a query string).
#[must_use]
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON reply under construction.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, String)>,
    pub body: Option<Value>,
}

impl Reply {
    #[must_use]
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    #[must_use]
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers
            .push((HeaderName::from_static(name), value.into()));
        self
    }

    /// The response; a 200 GET gets an ETag, and a matching `If-None-Match` makes it a 304.
    #[must_use]
    pub fn finish(self, request: &HeaderMap, get: bool) -> Response {
        let bytes = self
            .body
            .as_ref()
            .map(|b| serde_json::to_vec_pretty(b).unwrap_or_default());
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.append(name, v);
            }
        }
        let mut status = self.status;
        let mut body = bytes.clone().unwrap_or_default();
        if let (true, StatusCode::OK, Some(bytes)) = (get, status, &bytes) {
            let tag = format!("W/\"{:016x}\"", fnv(bytes));
            let matched = request
                .get("if-none-match")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.split(',').any(|t| {
                        t.trim().trim_start_matches("W/") == tag.trim_start_matches("W/")
                            || t.trim() == "*"
                    })
                });
            if let Ok(v) = HeaderValue::from_str(&tag) {
                headers.insert("etag", v);
            }
            if matched {
                status = StatusCode::NOT_MODIFIED;
                body = Vec::new();
            }
        }
        if self.body.is_some() && status != StatusCode::NOT_MODIFIED {
            headers.insert(
                "content-type",
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
        }
        (status, headers, Body::from(body)).into_response()
    }
}

/// FNV-1a: stable across runs, so an ETag survives a restart with the same content.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One page of `items` and the `Link` header for it.
///
/// `url` is the absolute URL of the path; `query` the request's pairs (page replaced);
/// `page` 1-based; `size` the page size.
#[must_use]
pub fn paginate<T: Clone>(
    items: &[T],
    url: &str,
    query: &[(String, String)],
    page: usize,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let size = size.max(1);
    let page = page.max(1);
    let last = items.len().div_ceil(size).max(1);
    let start = (page - 1).saturating_mul(size).min(items.len());
    let end = start.saturating_add(size).min(items.len());
    let link_to = |p: usize| format!("<{}>", page_url(url, query, p));
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link_to((page - 1).min(last))));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        links.push(format!("{}; rel=\"last\"", link_to(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", link_to(1)));
    }
    let link = (!links.is_empty()).then(|| links.join(", "));
    (items[start..end].to_vec(), link)
}

/// `url` with the request's `query` and `page=p` (any other `page` dropped).
#[must_use]
pub fn page_url(url: &str, query: &[(String, String)], p: usize) -> String {
    let mut pairs: Vec<String> = query
        .iter()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    pairs.push(format!("page={p}"));
    format!("{url}?{}", pairs.join("&"))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~,:".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A number from the query, or `default` when absent or malformed.
#[must_use]
pub fn number(query: &[(String, String)], key: &str, default: usize) -> usize {
    query
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tokens() {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("token abc"));
        assert_eq!(token(&h).as_deref(), Some("abc"));
        h.insert("authorization", HeaderValue::from_static("Bearer abc"));
        assert_eq!(token(&h).as_deref(), Some("abc"));
        h.insert(
            "authorization",
            HeaderValue::from_static("Basic dTpzZWNyZXQ="),
        );
        assert_eq!(token(&h).as_deref(), Some("secret"));
    }

    #[test]
    fn pages_and_links() {
        let items: Vec<u32> = (0..250).collect();
        let q = vec![("per_page".to_string(), "100".to_string())];
        let (p, link) = paginate(&items, "http://h/x", &q, 2, 100);
        assert_eq!(p.len(), 100);
        let link = link.unwrap();
        assert!(
            link.contains("<http://h/x?per_page=100&page=3>; rel=\"next\""),
            "{link}"
        );
        assert!(link.contains("rel=\"prev\"") && link.contains("rel=\"first\""));
        let (p, _) = paginate(&items, "http://h/x", &q, 3, 100);
        assert_eq!(p.len(), 50);
        assert_eq!(decode("a%2Fb+c"), "a/b c");
    }
}
