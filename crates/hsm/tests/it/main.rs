//! Integration tests: they drive the real `hsm` binary on copies of the bundled examples
//! (and on purpose-built fixtures), with real uv, real git, a real Compose validator and,
//! when the suite runs with `HSM_TEST_DOCKER=1`, a real Docker engine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod bad_input;
mod cli;
mod docker;
mod faults;
mod original;
mod pip;
mod seeds;
mod services;
mod uv;
