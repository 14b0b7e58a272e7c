//! Liquibase changelogs as chains of sqlrs states, one state per changeset.
//!
//! A Liquibase start costs 2.5–3.5 s of JVM start-up; the PostgreSQL work of a typical
//! changeset costs milliseconds. The earlier implementation started Liquibase once to plan
//! (`updateSQL`) and once more per changeset to apply it (`update-count --count 1`), so a
//! changelog of 40 changesets spent two minutes starting JVMs. Here a plan is still one
//! `update-sql` on the parent state ([`plan`]), but its output is split into one script
//! per changeset — the changeset's SQL and the `DATABASECHANGELOG` row Liquibase would
//! write — and each script is applied by psql ([`Applier`]), so a state can be snapshotted
//! after every changeset with no further JVM start. Liquibase applies a changeset itself
//! only when its rendered SQL is provably not what `update` would run ([`ApplyMode`]: data
//! loads, commands, preconditions…). The tracking tables end up as `liquibase update`
//! leaves them, so a later `liquibase status` on an instance says it is up to date.
//!
//! Identity: [`lb_task_hash`] covers the changeset's identity, the exact script, the
//! Liquibase version and the options that change what a changelog does; a changeset that
//! Liquibase applies also covers every changelog file ([`ChangelogContent`]).
//!
//! Liquibase is located from the `liquibase.exec` setting or `PATH` ([`Liquibase`]);
//! `scripts/sqlrs/install-liquibase` installs the tested version (4.28, with the PostgreSQL
//! driver). Its arguments are checked first ([`parse_liquibase`]): sqlrs owns the
//! connection and refuses anything that would change what Liquibase does behind the hash.

#![warn(missing_docs)]

mod apply;
mod args;
mod classify;
mod content;
mod error;
mod hash;
mod locate;
mod output;
mod plan;
mod row;
mod target;

pub use apply::{Applied, Applier};
pub use args::{LbArgs, LbCommand, parse_liquibase};
pub use classify::{ApplyMode, Fallback};
pub use content::{ChangelogContent, SourceFile};
pub use error::{INSTALL_HINT, LbError};
pub use hash::{LB_TASK_SCHEMA, lb_task_hash};
pub use locate::Liquibase;
pub use output::{OutputError, Rendered, RenderedChangeset, split_update_sql};
pub use plan::{Changeset, Plan, plan};
pub use target::Target;
