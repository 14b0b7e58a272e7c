//! One shape for every problem a user can fix in a file they wrote.
//!
//! Products read YAML manifests, `.env` files, TOML, compose files and — next — SQL
//! scripts, HTTP request bodies and JSON. Whatever the format, a user needs the same four
//! things to act: the file, the position (line and column, when the format has them), the
//! key path or JSON field, and what was expected, plus hints. Parsers keep their own error
//! types (`infra_yaml::YamlError`, `infra_interp::DotenvError`, …) and convert into
//! [`Diagnostic`], so checks, renderers and the JSON error envelope deal with one type.

#![warn(missing_docs)]

mod diagnostic;
mod position;
mod text;

pub use diagnostic::{Diagnostic, sort_and_dedup};
pub use position::Loc;
pub use text::{escape_invisible, is_invisible, utf8_text};
