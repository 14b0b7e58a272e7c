//! Integration tests: they drive the real `hsm` binary on copies of the bundled examples
//! (and on purpose-built fixtures). Real tools are gated: uv (`HSM_TEST_UV=1`), pip
//! (`HSM_TEST_PYTHON=1`), docker-compose (`HSM_TEST_COMPOSE=1`), kubernetes-validate
//! (`HSM_TEST_KUBE=1`), a Docker engine
//! (`HSM_TEST_DOCKER=1`); without a gate those tests skip, under `CI=true` a missing tool
//! fails them. Fault injection needs `--features test-fakes` (a scripted fake uv).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod bad_input;
mod cli;
mod completion;
mod defects;
#[cfg(feature = "test-fakes")]
mod defects_fakes;
mod docker;
mod error_classes;
#[cfg(feature = "test-fakes")]
mod faults;
mod index;
mod json_output;
mod kube;
mod migrate;
mod original;
mod package_init;
mod pip;
mod review;
mod seeds;
mod services;
mod settings;
mod uv;

#[test]
fn every_test_file_is_part_of_a_test_target() {
    infra_testkit::assert_test_files_are_registered(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
}
