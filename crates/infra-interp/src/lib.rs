//! Compose-compatible `${VAR}` interpolation and `.env` loading.
//!
//! This crate owns the variable syntax shared by the tool's own configuration and the
//! Docker Compose files it generates: `$NAME`, `${NAME}`, `${NAME:-default}`,
//! `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, `${NAME:+alt}`, `${NAME+alt}`
//! and `$$`. Templates are parsed once ([`parse`]) so that callers can list the variables
//! a value needs ([`Template::vars`]), render it fully ([`Template::render`]) or substitute
//! only what they know and leave the rest, byte for byte, for Compose to resolve later
//! ([`Template::render_only`]). Values come from the process environment and a `.env` file
//! ([`EnvSource`], [`load_dotenv`]), with process variables taking precedence as in Compose.
//! Values written to a dotenv file are quoted so that this crate and
//! `docker-compose --env-file` read them back the same ([`quote_dotenv_value`]).
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod dotenv;
mod env_source;
mod error;
mod quote;
mod template;

pub use dotenv::{DotenvError, load_dotenv};
pub use env_source::EnvSource;
pub use error::InterpError;
pub use quote::{UnrepresentableValue, quote_dotenv_value};
pub use template::{Template, VarRef, parse};
