//! Integration tests: they drive the real `sqlrs` binary, which starts the real
//! `sqlrs-engine`, in an isolated environment (HOME, XDG directories, store in a scratch
//! directory). Tests on real PostgreSQL are gated by `SQLRS_TEST_PG=1` (required under
//! `CI=true`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod cli;
mod concurrency;
mod crash;
mod e2e;
mod lb;
mod review;

#[test]
fn every_test_file_is_part_of_a_test_target() {
    infra_testkit::assert_test_files_are_registered(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
}
