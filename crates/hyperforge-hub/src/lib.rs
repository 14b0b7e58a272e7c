//! The hub daemon behind `hyperforge serve`: the same operations as the command line, for
//! editors, scripts and other tools that would rather talk HTTP than spawn the binary and
//! parse its output.
//!
//! Why it looks the way it does:
//! * **JSON-RPC 2.0 at `POST /rpc`** ([`rpc`]): one envelope for every operation, with
//!   by-name params checked strictly (an unknown param is an error naming it), so a client
//!   typo never turns into a silently different operation.
//! * **Loopback only, bearer token** ([`auth`]): the hub can change every repository an org
//!   has on every forge, so it refuses any other address and compares the token in constant
//!   time; `GET /health` is the one open route.
//! * **A fresh [`Hub`](hyperforge_ops::Hub) per request**: config edits the CLI makes while
//!   the daemon runs are seen by the next request, exactly as by the next command.
//! * **Blocking operations on the blocking pool**, their [`Event`](hyperforge_ops::Event)s
//!   streamed as NDJSON when the client asks (`Accept: application/x-ndjson`), so a long
//!   sync shows progress as the CLI does.
//! * **One mutation per org at a time** (`org_locks`): two syncs of one org would plan
//!   against the same forge state and race to apply it; the files are already safe
//!   (hyperforge-state locks them), the forges need this.
//! * **Nothing secret leaves**: operation errors name token references, never values, and
//!   every outgoing line is scrubbed of the hub's and the forges' token values anyway
//!   (`redact`).

#![warn(missing_docs)]

pub mod auth;
mod dispatch;
mod error;
mod failure;
mod methods;
mod org_locks;
mod params;
mod redact;
mod routes;
pub mod rpc;
mod server;
mod stop;
mod sync;

pub use error::HubError;
pub use server::{HubFactory, MAX_BODY, serve, serve_until};
pub use stop::Stop;
