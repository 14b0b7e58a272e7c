//! sqlrs-liquibase against the real Liquibase and PostgreSQL.
//!
//! Gated: `SQLRS_TEST_LIQUIBASE=1` needs `liquibase` on `PATH`
//! (`scripts/sqlrs/install-liquibase --bin /usr/local/bin`), `SQLRS_TEST_PG=1` PostgreSQL's
//! binaries (run as the `sqlrs` user under root, as `scripts/setup` arranges); under
//! `CI=true` a missing tool fails instead of skipping.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod args;
mod hash;
mod locate;
mod pipeline;
mod support;

#[test]
fn every_test_file_is_compiled() {
    infra_testkit::assert_test_files_are_registered(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
}
