//! `sqlrs rm [-r] [-f] [--dry-run] <id-prefix|job-id>`.

use sqlrs_client::Client;
use sqlrs_schema::DeleteResult;

use crate::{OpsError, resolve};

/// How to delete.
#[derive(Debug, Clone, Copy, Default)]
pub struct RmOptions {
    /// Delete everything built on a state too.
    pub recurse: bool,
    /// Ignore connected clients.
    pub force: bool,
    /// Only report.
    pub dry_run: bool,
}

/// Deletes what `word` names.
pub fn rm(client: &Client, word: &str, options: RmOptions) -> Result<DeleteResult, OpsError> {
    let (kind, id) = resolve::resolve(client, word)?;
    Ok(client.delete(kind, &id, [options.recurse, options.force, options.dry_run])?)
}
