//! The arguments sqlrs passes to psql, pgbench and Liquibase, checked before anything runs.
//!
//! sqlrs owns the connection (it starts the server and knows its address), so connection
//! options are refused; it owns failure (a step that hits an SQL error must fail, so
//! `ON_ERROR_STOP=1` is enforced); and it needs each input as a separate step (one state
//! per script). The earlier implementation appended its enforced options *after* the
//! inputs, so they reached no step unless the user wrote them first; here every step runs
//! with every option. Problems name the argument by position (`psql_args[3]`), as the API
//! reports them.

#![warn(missing_docs)]

mod composite;
mod error;
mod psql;

pub use composite::{Composite, split_composite};
pub use error::ArgsError;
pub use psql::{PsqlArgs, PsqlInput, parse_psql};
