//! The `hyperforge` binary against two real emulated forges (a GitHub-kind and a
//! Gitea-kind `forge-emulator`), with real git.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    reason = "tests: a failed unwrap is a failed test, and each test tells one scenario"
)]

mod cli;
mod common;
mod criteria;
mod faults;
mod gitlab;
mod limits;
mod plan_apply;
mod review;
mod safety;
mod serve_review;

#[test]
fn every_test_file_is_registered() {
    infra_testkit::assert_test_files_are_registered(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it"
    ));
}
