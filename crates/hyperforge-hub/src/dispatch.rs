//! Running the calls of one request: each method's params read first (on the async side,
//! so a bad call costs no `Hub`), then the operation on the blocking pool against a fresh
//! `Hub` from the factory, its events sent to the stream when the client streams.

use std::sync::Arc;

use hyperforge_ops::{Event, Secret};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::methods;
use crate::org_locks::OrgLocks;
use crate::params::Method;
use crate::redact::Redactor;
use crate::rpc::{Call, INTERNAL_ERROR, Incoming, RpcError, failure, success};
use crate::server::HubFactory;

/// Where a streaming request's lines go (already scrubbed); `None` when not streaming.
pub(crate) type Sink = Option<UnboundedSender<String>>;

/// What every request shares.
pub(crate) struct App {
    /// Makes the `Hub` of one request.
    pub factory: HubFactory,
    /// The bearer token.
    pub token: Secret,
    /// One mutation per org at a time.
    pub locks: OrgLocks,
}

impl App {
    /// Runs `m` on this (blocking) thread; also returns what the response must be
    /// scrubbed of.
    fn run_blocking(&self, m: Method, sink: &Sink) -> (Result<Value, RpcError>, Redactor) {
        let hub = match (self.factory)() {
            Ok(h) => h,
            Err(e) => return (Err(e.into()), Redactor::of(&self.token)),
        };
        let red = Redactor::of(&self.token).with_forges(&hub);
        let emit = |ev: Event| {
            if let (Some(tx), Ok(text)) = (sink, serde_json::to_string(&ev)) {
                // A client that went away does not stop the operation half-way.
                let _ = tx.send(red.scrub(text));
            }
        };
        let out = methods::run(&hub, m, &emit, &self.locks);
        (out, red)
    }
}

/// Runs every call of `incoming` in order: the response to send (`None` when there were
/// only notifications) and what it must be scrubbed of.
pub(crate) async fn execute(
    app: &Arc<App>,
    incoming: Incoming,
    sink: &Sink,
) -> (Option<Value>, Redactor) {
    let mut red = Redactor::of(&app.token);
    match incoming {
        Incoming::Single(call) => {
            let (resp, r) = one(app, call, sink).await;
            red.merge(r);
            (resp, red)
        }
        Incoming::Batch(calls) => {
            let mut out = Vec::new();
            for call in calls {
                let (resp, r) = one(app, call, sink).await;
                red.merge(r);
                out.extend(resp);
            }
            ((!out.is_empty()).then_some(Value::Array(out)), red)
        }
    }
}

/// One call: its response (`None` for a notification).
async fn one(app: &Arc<App>, call: Result<Call, Value>, sink: &Sink) -> (Option<Value>, Redactor) {
    let call = match call {
        Ok(c) => c,
        Err(resp) => return (Some(resp), Redactor::default()),
    };
    let (outcome, red) = match Method::parse(&call.method, call.params) {
        Err(e) => (Err(e), Redactor::default()),
        Ok(m) => {
            let (app, sink) = (Arc::clone(app), sink.clone());
            tokio::task::spawn_blocking(move || app.run_blocking(m, &sink))
                .await
                .unwrap_or_else(|_| {
                    let e = RpcError::new(INTERNAL_ERROR, "the operation panicked");
                    (Err(e), Redactor::default())
                })
        }
    };
    let resp = call.id.map(|id| match outcome {
        Ok(v) => success(id, v),
        Err(e) => failure(id, &e),
    });
    (resp, red)
}
