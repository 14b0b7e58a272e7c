//! Which `${VAR}`s a generated artifact uses, and where each one is written.
//!
//! A variable referenced by something hsm generates must have a value (or a default) before
//! anything is written, and its value must reach `.hsm/env` so Compose and local processes
//! see it. Generators record a [`Usage`] for every string they emit, so "every variable the
//! generator emits is checked" holds by construction rather than by a hand-kept list.

use std::path::{Path, PathBuf};

use infra_yaml::{Loc, PathIndex};

use crate::MERGED_PARAMS_PREFIX;

/// One use of a variable.
#[derive(Debug, Clone)]
pub struct Usage {
    /// Variable name.
    pub var: String,
    /// The registry file using it.
    pub file: PathBuf,
    /// Key path inside the file.
    pub key: String,
    /// Key positions of the file, looked up only when an error needs them.
    pub index: Option<PathIndex>,
    /// `${VAR:-default}` / `${VAR-default}` (renders without the variable).
    pub has_default: bool,
    /// `${VAR:?message}`: the message.
    pub message: Option<String>,
}

impl PartialEq for Usage {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.var,
            &self.file,
            &self.key,
            self.has_default,
            &self.message,
        ) == (
            &other.var,
            &other.file,
            &other.key,
            other.has_default,
            &other.message,
        )
    }
}

impl Eq for Usage {}

impl Usage {
    /// Where the key is written.
    pub fn loc(&self) -> Option<Loc> {
        self.index.as_ref().and_then(|i| i.locate(&self.key))
    }
}

/// Every variable `text` (written at `key` of `file`) references, merged params excepted
/// (they are substituted by hsm). Malformed templates yield nothing here: the generator that
/// renders them reports the syntax error.
pub fn usages_in(text: &str, file: &Path, index: Option<&PathIndex>, key: &str) -> Vec<Usage> {
    if !text.contains('$') {
        return Vec::new();
    }
    let Ok(t) = infra_interp::parse(text) else {
        return Vec::new();
    };
    t.vars()
        .into_iter()
        .filter(|v| !v.name.starts_with(MERGED_PARAMS_PREFIX))
        .map(|v| Usage {
            var: v.name,
            file: file.to_path_buf(),
            key: key.to_string(),
            index: index.cloned(),
            has_default: v.has_default,
            message: v.required_message,
        })
        .collect()
}
