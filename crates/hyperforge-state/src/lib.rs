//! hyperforge's config directory on disk (being written: loading, atomic writes, per-org
//! locks and schema versions follow in the next commits).
