//! The command-line layer every product binary shares.
//!
//! hsm, sqlrs and hyperforge must look and behave like one family: data on stdout and
//! everything else on stderr, the same exit codes, the same error layout with `hint:` lines,
//! the same JSON error envelope, the same colours (and none when `NO_COLOR` is set or stderr
//! is not a terminal). That lives here, once:
//!
//! - [`Printer`] — where each kind of output goes; `--json`, `-q`, `-v`; never panics on a
//!   closed pipe; [`Progress`] for long work (a spinner on a terminal, plain lines otherwise).
//! - [`CliError`] — an error ready for the user: an [`ErrorKind`] (hence the exit code), the
//!   real error with its `source()` chain, located [`Diagnostic`]s, hints, listed details and
//!   the tail of a failed child's output. Each product converts its library errors into it
//!   in one file of `From` impls, which is where kinds and hints are chosen.
//! - [`render_text`] / [`ErrorEnvelope`] — the one renderer, walking `source()`.
//! - [`Setting`] / [`Provenance`] and [`Environment`] — settings resolved in the order flag,
//!   environment, file, default, remembering where each value came from, and the only reader
//!   of the process environment.
//!
//! Styles are `anstyle` values ([`style`]); nothing here writes a raw escape sequence.

#![warn(missing_docs)]

mod env;
mod error;
mod exit;
mod plural;
mod printer;
mod progress;
mod render;
mod settings;
pub mod style;
mod usage;

pub use env::Environment;
pub use error::{ChildOutput, CliError, Message, find_source};
pub use exit::{ErrorKind, code};
pub use infra_diag::Diagnostic;
pub use plural::count;
pub use printer::{ColorMode, Printer, PrinterOptions, stdout_failure};
pub use progress::Progress;
pub use render::{ErrorEnvelope, escape_output, render_text};
pub use settings::{Provenance, Setting};
pub use usage::usage_from_rendered;
