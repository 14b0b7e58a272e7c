//! The container adapter's artifact: `docker-compose.hsm.yml`.
//!
//! The file is generated whole from the resolved stack, as typed Compose structures
//! ([`model`]): one service per managed container, sorted by name, with relative paths, so
//! that two runs on two machines produce the same bytes. It is usable alone or layered onto
//! the user's `docker-compose.yml`. Selection is resolved by hsm, so generated services are
//! never gated behind compose `profiles:`; the user's own profiled services are switched on
//! by [`profiles_to_activate`]. Every string written goes through one emitter that records
//! the `${VAR}`s it leaves for Compose, so they can be checked and exported.

#![warn(missing_docs)]

mod emit;
mod generate;
pub mod model;
mod profiles;

pub use generate::{ComposeError, GENERATED_FILE, Generated, generate};
pub use profiles::{UserCompose, profiles_to_activate, user_compose_file};
