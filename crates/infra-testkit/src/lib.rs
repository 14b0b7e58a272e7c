//! Shared support for the products' integration tests.
//!
//! Every product of the workspace is tested the same way: its real binary runs in a
//! throw-away directory with a clean environment, and the test pins what a user would see —
//! exit code, stdout, stderr — in an inline snapshot, plus what happened on disk. This crate
//! owns that machinery so each product's suite only holds its scenarios:
//!
//! - [`Scratch`] — a temporary directory with fixture copies ([`Scratch::copy_tree`]), and
//!   [`TreeSnapshot`] / [`assert_unchanged`] to prove a failed command left every file
//!   byte-identical;
//! - [`TestCommand`] — the binary under test with an empty environment plus a fresh `HOME`,
//!   XDG directories and `TMPDIR`, stdin, a timeout, and spawning for signal tests;
//! - [`Transcript`] — exit status and output, rendered as one text for snapshots, with
//!   assertion helpers that print both streams on failure;
//! - [`Filters`] — literal replacements of scratch paths and versions, so snapshots are
//!   stable across machines and releases;
//! - [`require_tool`] — gating tests that need a real external tool behind an opt-in
//!   variable, without ever passing silently in CI;
//! - [`assert_test_files_are_registered`] — the guard that fails when a test file was never
//!   declared and so never runs;
//! - [`fake`] — a scriptable fake external program for failure, hang and signal scenarios;
//! - [`signal_group`], [`process_is_running`], [`wait_for`] — signal tests without sleeps.
//!
//! Nothing here knows a product: names, gate variables and fixtures come from the caller.
//! Test support reports failure by panicking, so every helper panics with the context a
//! reader needs (which path, which command, both output streams) rather than returning
//! errors.
//!
//! # The typical test
//!
//! ```ignore
//! use infra_testkit::{Filters, Scratch, TestCommand, TreeSnapshot, assert_unchanged};
//!
//! #[test]
//! fn sync_without_a_manifest_explains_itself() {
//!     let s = Scratch::new();
//!     let project = s.copy_tree(fixtures_dir(), "project", &|p| p.ends_with(".venv"));
//!     let before = TreeSnapshot::capture(&project);
//!     let t = TestCommand::new(env!("CARGO_BIN_EXE_mytool"), s.child("env"))
//!         .current_dir(&project)
//!         .arg("sync")
//!         .filters(&Filters::new().path(s.path(), "[TMP]").version("mytool", env!("CARGO_PKG_VERSION")))
//!         .output();
//!     insta::assert_snapshot!(t.render(), @r"
//!     exit: 2
//!     --- stderr
//!     error: no mytool.yaml in [TMP]/project or any parent directory
//!     ");
//!     assert_unchanged(&before, &TreeSnapshot::capture(&project));
//! }
//! ```
//!
//! The environment root (`s.child("env")`, where [`TestCommand::new`] creates `HOME`, the XDG
//! directories and `TMPDIR`) sits beside the project copy, so a snapshot of the project does
//! not see it; a snapshot of the whole scratch taken before `TestCommand::new` would.
#![warn(missing_docs)]
#![allow(
    clippy::disallowed_methods,
    reason = "test support reads the test process's own environment: PATH, the tool gates, the fake's script"
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod command;
pub mod fake;
mod filters;
mod guard;
mod scratch;
mod signals;
mod tools;
mod transcript;
mod wait;

pub use command::{TestCommand, default_env_names};
pub use fake::FakeTool;
pub use filters::Filters;
pub use guard::{assert_test_files_are_registered, assert_test_targets_are_declared};
pub use scratch::{Entry, Scratch, TreeSnapshot, assert_unchanged};
pub use signals::{Signal, process_is_running, read_pid_file, signal_group, signal_process};
pub use tools::{require_tool, require_tool_with_hint, which};
pub use transcript::Transcript;
pub use wait::wait_for;
