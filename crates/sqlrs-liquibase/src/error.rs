//! Why a Liquibase operation failed, and what the user can do about it.

use std::path::PathBuf;

use crate::OutputError;

/// The command that installs the Liquibase sqlrs is tested with.
pub const INSTALL_HINT: &str = "install it: `scripts/sqlrs/install-liquibase --bin /usr/local/bin` (Liquibase 4.28 with the PostgreSQL driver, from npm), or set `liquibase.exec` to its launcher";

/// A Liquibase operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LbError {
    /// No executable was configured and none is on `PATH`.
    #[error("`liquibase` was not found on PATH")]
    NotFound,
    /// The configured executable does not exist or cannot be run.
    #[error("`liquibase.exec` names `{}`, which is not an executable file", path.display())]
    ExecMissing {
        /// The configured path.
        path: PathBuf,
    },
    /// `liquibase --version` failed (most often: no Java).
    #[error("`{} --version` failed", exec.display())]
    Version {
        /// The executable.
        exec: PathBuf,
        /// Its failure.
        #[source]
        source: infra_process::ProcessError,
    },
    /// `liquibase --version` printed no version sqlrs recognises.
    #[error("`{} --version` printed no `Liquibase Version: …` line", exec.display())]
    UnknownVersion {
        /// The executable.
        exec: PathBuf,
    },
    /// The Liquibase that ran is not the one located (it was replaced in between).
    #[error("Liquibase reported version `{ran}`, but `{located}` was located")]
    VersionChanged {
        /// The version `--version` printed.
        located: String,
        /// The version in `update-sql`'s output.
        ran: String,
    },
    /// A Liquibase command failed.
    #[error("`liquibase {command}` failed")]
    Tool {
        /// The Liquibase command (`update-sql`, `update-count`).
        command: String,
        /// Its failure (exit status and last lines).
        #[source]
        source: infra_process::ProcessError,
    },
    /// `update-sql` printed something sqlrs cannot split into changesets.
    #[error("`liquibase update-sql` printed output sqlrs cannot read")]
    Output(#[source] OutputError),
    /// A changelog file could not be read.
    #[error("failed to {op} `{}`", path.display())]
    Io {
        /// What was being done.
        op: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The search path holds more than sqlrs reads to hash a changelog.
    #[error("the search path `{}` holds more than {limit}", dir.display())]
    TooLarge {
        /// The search-path directory.
        dir: PathBuf,
        /// What was exceeded (`20000 files`, `512 MiB`).
        limit: String,
    },
    /// A changelog file changed between hashing and Liquibase reading it.
    #[error("changelog files under `{}` changed while Liquibase was reading them", dir.display())]
    Drift {
        /// The (first) search-path directory.
        dir: PathBuf,
    },
    /// After `update-count --count=1`, the expected changeset is not recorded.
    #[error("Liquibase applied a changeset, but not `{expected}`")]
    NotRecorded {
        /// `path::id::author` of the changeset that should have been applied.
        expected: String,
    },
    /// psql failed while applying a changeset's SQL.
    #[error("applying changeset `{changeset}` through psql failed")]
    Apply {
        /// `path::id::author`.
        changeset: String,
        /// psql's failure.
        #[source]
        source: sqlrs_runtime::RuntimeError,
    },
}

impl LbError {
    /// What the user can do, when sqlrs knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::NotFound | Self::ExecMissing { .. } => Some(INSTALL_HINT.to_string()),
            Self::Version { .. } => Some(
                "Liquibase needs Java 17 or newer: `apt-get install openjdk-17-jre-headless`, or set `JAVA_HOME`"
                    .to_string(),
            ),
            Self::UnknownVersion { .. } | Self::VersionChanged { .. } => {
                Some("check that `liquibase.exec` names a Liquibase 4 launcher".to_string())
            }
            Self::TooLarge { .. } => Some(
                "give a narrower `--search-path`: the directory that holds the changelog files"
                    .to_string(),
            ),
            Self::Drift { .. } => Some("run the prepare again once the files are saved".to_string()),
            Self::Output(_) | Self::NotRecorded { .. } => Some(
                "this Liquibase may format its output differently from 4.28: install the tested one with `scripts/sqlrs/install-liquibase`"
                    .to_string(),
            ),
            Self::Tool { .. } | Self::Io { .. } | Self::Apply { .. } => None,
        }
    }
}
