//! Running external programs (`uv`, `pip`, `git`, `docker compose`, ...) and stopping them
//! cleanly when the user interrupts us.
//!
//! This crate owns the process boundary. Commands are described with [`Cmd`] so they can be
//! shown to the user as a copy-pasteable shell line ([`Cmd::display`]) without ever leaking
//! environment values. [`run`] decides where child output goes ([`Output`]), keeps the tail
//! of it for error messages, and turns every way a child can end — success, failure, death
//! by signal, missing program — into a typed result. SIGINT/SIGTERM are caught by
//! [`Interrupt`] instead of killing us outright, so that a running child — together with
//! the helpers it started, which share its process group — is terminated first and callers
//! get a chance to roll back half-done work before exiting with the conventional
//! `128 + signal` code. [`split_command_line`] turns a user-configured command such as
//! `'/opt/my tools/compose'` into words with shell quoting rules but without a shell.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod cmd;
mod error;
mod interrupt;
mod output;
mod redact;
mod run;
mod stop;
mod which;
mod words;

pub use cmd::Cmd;
pub use error::ProcessError;
pub use interrupt::{Deferred, Interrupt};
pub use output::Output;
pub use redact::REDACTED;
pub use run::{Finished, run, run_foreground};
pub use which::which;
pub use words::{SplitError, split_command_line};
