//! The JSON-RPC 2.0 envelope: reading calls out of a request body (one call or a batch),
//! and writing responses. Strict on purpose — a malformed call is answered with the
//! spec's error, never guessed at.

use serde_json::{Map, Value, json};

/// The body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON is not a JSON-RPC 2.0 request.
pub const INVALID_REQUEST: i64 = -32600;
/// No such method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// The params do not fit the method (the message names the field).
pub const INVALID_PARAMS: i64 = -32602;
/// The hub failed (not the operation).
pub const INTERNAL_ERROR: i64 = -32603;
/// The operation failed; the message says why.
pub const OPERATION_FAILED: i64 = -32000;
/// The call would change the forges and did not pass `"yes": true`.
pub const CONFIRMATION_REQUIRED: i64 = -32001;
/// The safety rules refused the plan (a protected repository, the blast radius); `force`
/// or `allow_large` lift them.
pub const SAFETY_REFUSED: i64 = -32002;

/// The most calls one batch may hold: each runs in turn on the blocking pool, so a batch
/// of thousands would hold a connection (and an org's lock, call after call) for as long
/// as it pleases; the body limit alone lets through tens of thousands of tiny calls.
pub const MAX_BATCH: usize = 100;

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// One of the codes above.
    pub code: i64,
    /// What went wrong.
    pub message: String,
    /// More, machine-readable (the offending field, the kind of failure).
    pub data: Option<Value>,
}

impl RpcError {
    /// An error without data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// The same error with `data`.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    fn to_json(&self) -> Value {
        let mut e = Map::new();
        e.insert("code".into(), self.code.into());
        e.insert("message".into(), self.message.clone().into());
        if let Some(d) = &self.data {
            e.insert("data".into(), d.clone());
        }
        Value::Object(e)
    }
}

/// One well-formed call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Its id; `None` for a notification (which gets no response).
    pub id: Option<Value>,
    /// The method.
    pub method: String,
    /// The by-name params (`{}` when absent).
    pub params: Value,
}

/// What a request body holds.
#[derive(Debug)]
pub enum Incoming {
    /// One call (or the error response for a malformed one).
    Single(Result<Call, Value>),
    /// A batch: each call or its error response.
    Batch(Vec<Result<Call, Value>>),
}

/// The success response to the call with `id`.
pub fn success(id: Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "result": result, "id": id})
}

/// The error response to the call with `id` (`null` when it could not be read).
pub fn failure(id: Value, error: &RpcError) -> Value {
    json!({"jsonrpc": "2.0", "error": error.to_json(), "id": id})
}

/// Reads a request body; `Err` is the response to send (a parse error, an empty batch, a
/// batch of more than [`MAX_BATCH`] calls — refused whole, none of its calls run).
pub fn parse(body: &[u8]) -> Result<Incoming, Value> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        failure(
            Value::Null,
            &RpcError::new(PARSE_ERROR, format!("parse error: {e}")),
        )
    })?;
    match value {
        Value::Array(items) if items.is_empty() => Err(failure(
            Value::Null,
            &RpcError::new(INVALID_REQUEST, "invalid request: an empty batch"),
        )),
        Value::Array(items) if items.len() > MAX_BATCH => Err(failure(
            Value::Null,
            &RpcError::new(
                INVALID_REQUEST,
                format!(
                    "invalid request: batch of {} requests exceeds the limit of {MAX_BATCH}",
                    items.len()
                ),
            )
            .with_data(json!({ "limit": MAX_BATCH, "size": items.len() })),
        )),
        Value::Array(items) => Ok(Incoming::Batch(items.into_iter().map(call).collect())),
        other => Ok(Incoming::Single(call(other))),
    }
}

/// Checks one call object.
fn call(value: Value) -> Result<Call, Value> {
    let invalid = |id: Value, why: &str| {
        failure(
            id,
            &RpcError::new(INVALID_REQUEST, format!("invalid request: {why}")),
        )
    };
    let Value::Object(mut m) = value else {
        return Err(invalid(Value::Null, "expected an object"));
    };
    let id = m.remove("id");
    let reply_id = id.clone().unwrap_or(Value::Null);
    if id
        .as_ref()
        .is_some_and(|i| !(i.is_string() || i.is_number() || i.is_null()))
    {
        return Err(invalid(
            Value::Null,
            "`id` must be a string, a number or null",
        ));
    }
    if m.remove("jsonrpc").as_ref().and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(reply_id, "`jsonrpc` must be \"2.0\""));
    }
    let Some(Value::String(method)) = m.remove("method") else {
        return Err(invalid(reply_id, "`method` must be a string"));
    };
    let params = match m.remove("params") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(p @ Value::Object(_)) => p,
        Some(_) => {
            let e = RpcError::new(
                INVALID_PARAMS,
                "invalid params: params must be an object of named fields",
            );
            return Err(failure(reply_id, &e));
        }
    };
    if let Some(extra) = m.keys().next() {
        return Err(invalid(reply_id, &format!("unknown member `{extra}`")));
    }
    Ok(Call { id, method, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(v: &Value) -> i64 {
        v["error"]["code"].as_i64().unwrap()
    }

    #[test]
    fn malformed_calls_get_the_spec_codes() {
        assert_eq!(code(&parse(b"{").unwrap_err()), PARSE_ERROR);
        assert_eq!(code(&parse(b"[]").unwrap_err()), INVALID_REQUEST);
        let Ok(Incoming::Single(Err(e))) = parse(br#"{"method":"x","id":1}"#) else {
            panic!("not refused")
        };
        assert_eq!((code(&e), e["id"].clone()), (INVALID_REQUEST, json!(1)));
        let Ok(Incoming::Single(Err(e))) =
            parse(br#"{"jsonrpc":"2.0","method":"x","params":[1],"id":2}"#)
        else {
            panic!("not refused")
        };
        assert_eq!(code(&e), INVALID_PARAMS);
    }

    #[test]
    fn a_batch_over_the_limit_is_refused_whole() {
        let call = json!({"jsonrpc": "2.0", "method": "org.list", "id": 1});
        let at = serde_json::to_vec(&vec![call.clone(); MAX_BATCH]).unwrap();
        assert!(matches!(parse(&at), Ok(Incoming::Batch(b)) if b.len() == MAX_BATCH));
        let over = serde_json::to_vec(&vec![call; MAX_BATCH + 1]).unwrap();
        let e = parse(&over).unwrap_err();
        assert_eq!((code(&e), e["id"].clone()), (INVALID_REQUEST, Value::Null));
        assert_eq!(
            e["error"]["message"],
            "invalid request: batch of 101 requests exceeds the limit of 100"
        );
    }

    #[test]
    fn a_call_without_id_is_a_notification() {
        let Ok(Incoming::Single(Ok(c))) = parse(br#"{"jsonrpc":"2.0","method":"org.list"}"#) else {
            panic!("refused")
        };
        assert!(c.id.is_none());
        assert_eq!(c.params, json!({}));
        let Ok(Incoming::Single(Ok(c))) =
            parse(br#"{"jsonrpc":"2.0","method":"org.list","id":null}"#)
        else {
            panic!("refused")
        };
        assert_eq!(c.id, Some(Value::Null));
    }
}
