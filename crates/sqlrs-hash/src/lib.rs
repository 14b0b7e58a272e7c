//! What makes two database states the same: sqlrs's content-addressed identities.
//!
//! A state is the result of one step (a SQL script, a Liquibase changeset) applied to a
//! parent (the initialised base of a PostgreSQL version, or an earlier state). Its id is a
//! hash of the parent and of *every* semantic input of the step, so an unchanged prefix of
//! steps maps to the same cached states and a changed script rebuilds only the tail. The
//! earlier implementation hashed a `key=len:value` text stream and left psql variables,
//! flags and the PostgreSQL version out; here the encoding is binary, length-prefixed and
//! versioned by a schema tag ([`Fingerprint`]), and each script is read once ([`expand`])
//! so the bytes hashed are exactly the bytes executed.

#![warn(missing_docs)]

mod expand;
mod fingerprint;
mod state_id;
mod task;

pub use expand::{ExpandError, Expanded, LineOrigin, expand};
pub use fingerprint::Fingerprint;
pub use state_id::{Digest, InputRef, StateId};
pub use task::{PsqlStep, STATE_SCHEMA, chain, psql_task_hash};
