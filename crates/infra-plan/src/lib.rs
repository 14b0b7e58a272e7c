//! The plan of what a command is about to do, and its presentation.
//!
//! This crate owns the *dry-run contract*: every command first computes a [`Plan`] — the
//! files it would create, update or delete (with their full before/after text) and the
//! external steps it would run — and only then applies it. Keeping the plan a plain value
//! lets `--dry-run` show exactly what would happen, lets tests assert on it, and gives one
//! place to guarantee that secrets in sensitive files (`.env` style) are never printed:
//! their values are redacted before any diff is computed, in text ([`render_text`]) and
//! JSON ([`render_json`]) output alike.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod diff;
mod plan;
mod redact;
mod render;

pub use diff::unified_diff;
pub use plan::{Action, FileChange, Plan, Redaction, Step, Summary};
pub use redact::redact_dotenv;
pub use render::{ChangeJson, PlanJson, render_json, render_text};
