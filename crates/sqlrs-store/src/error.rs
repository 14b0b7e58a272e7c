//! Why the store failed.

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed (the file is unreadable, locked for too long, full, …).
    #[error("the metadata database failed")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value no longer reads as what it was written as.
    #[error("the metadata database holds a malformed {what}: {detail}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// Why it does not read.
        detail: String,
    },
    /// The database was written by a newer sqlrs.
    #[error(
        "the metadata database has schema version {found}, newer than this sqlrs knows ({known})"
    )]
    TooNew {
        /// The file's version.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A reference points to nothing (an instance of a state that is not stored).
    #[error("{0}")]
    Missing(String),
}

impl StoreError {
    pub(crate) fn corrupt(what: &'static str, detail: impl ToString) -> Self {
        Self::Corrupt {
            what,
            detail: detail.to_string(),
        }
    }
}
