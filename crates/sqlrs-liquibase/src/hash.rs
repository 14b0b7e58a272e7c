//! The task hash of a changeset: what makes two applications of it the same.
//!
//! The earlier implementation hashed only Liquibase's checksum (or the SQL when there was
//! none) and left out the Liquibase version and the changelog parameters. Here:
//!
//! - a changeset applied through psql hashes exactly the script psql runs (its rendered
//!   SQL and `DATABASECHANGELOG` row, `DEPLOYMENT_ID` masked), as psql steps do: the row
//!   carries Liquibase's checksum of the definition (which covers `sqlFile` and CSV
//!   contents), the file name, contexts, labels and the Liquibase version;
//! - every hash also names its identity `path::id::author`, the Liquibase version, the
//!   options that change what a changelog does (contexts, labels, default schema,
//!   parameters) and the apply mode;
//! - a changeset Liquibase applies itself also hashes the digest of every file under the
//!   search path, because what it does is then not all in its rendered SQL (preconditions,
//!   files read at run time).
//!
//! Whole files are not hashed for the psql path on purpose: in a formatted-SQL changelog
//! every changeset shares one file, and hashing it would give a changeset a new state each
//! time a later one is added or edited, defeating the cache the states are for.

use sqlrs_hash::{Digest, Fingerprint};

use crate::{ApplyMode, ChangelogContent, Changeset};

/// The schema tag of Liquibase task hashes.
pub const LB_TASK_SCHEMA: &str = "sqlrs-lb-task-v1";

/// The hash of applying `changeset` with Liquibase `lb_version`, the semantic `options`
/// ([`LbArgs::semantic_options`](crate::LbArgs::semantic_options)) and the changelog files
/// `content` it was planned from.
pub fn lb_task_hash(
    changeset: &Changeset,
    lb_version: &str,
    options: &[String],
    content: &ChangelogContent,
) -> Digest {
    let mut f = Fingerprint::new(LB_TASK_SCHEMA);
    f.field("kind", b"lb")
        .field("liquibase", lb_version.as_bytes())
        .list("options", options)
        .field("path", changeset.path.as_bytes())
        .field("id", changeset.id.as_bytes())
        .field("author", changeset.author.as_bytes())
        .field(
            "checksum",
            changeset.checksum.as_deref().unwrap_or("").as_bytes(),
        )
        .field("sql", changeset.hashed_sql().as_bytes());
    match &changeset.apply {
        ApplyMode::Psql => f.field("apply", b"psql"),
        ApplyMode::Liquibase(_) => f
            .field("apply", b"liquibase")
            .field("content", content.digest.as_bytes()),
    };
    f.finish()
}
