//! Why a component is in the stack: the chain of steps that brought it in.

use std::fmt;
use std::path::PathBuf;

use infra_yaml::{Diagnostic, Loc, PathIndex};

/// The chain that brought something in, plus the spot to point at when it goes wrong.
#[derive(Debug, Clone)]
pub struct Via {
    /// Human steps, outermost first: `hsm.yaml packages[0]`, `package auth-service`, …
    pub chain: Vec<String>,
    /// The file holding the last step.
    pub file: PathBuf,
    /// Key path of the last step inside `file`.
    pub key: String,
    /// Key positions of `file`, looked up only when an error needs them.
    pub index: Option<PathIndex>,
}

impl PartialEq for Via {
    fn eq(&self, other: &Self) -> bool {
        (&self.chain, &self.file, &self.key) == (&other.chain, &other.file, &other.key)
    }
}

impl Eq for Via {}

impl Via {
    /// A step written in a file.
    pub fn root(file: PathBuf, key: String, index: Option<PathIndex>, label: String) -> Self {
        Self {
            chain: vec![label],
            file,
            key,
            index,
        }
    }

    /// Extends the chain with one more step located in another file.
    #[must_use]
    pub fn then(
        &self,
        label: String,
        file: PathBuf,
        key: String,
        index: Option<PathIndex>,
    ) -> Self {
        let mut chain = self.chain.clone();
        chain.push(label);
        Self {
            chain,
            file,
            key,
            index,
        }
    }

    /// Where the last step is written.
    pub fn loc(&self) -> Option<Loc> {
        self.index.as_ref().and_then(|i| i.locate(&self.key))
    }

    /// Whether `hsm.yaml` asked for it itself (directly or as a group selection), rather
    /// than an implication bringing it in.
    pub fn is_from_manifest(&self) -> bool {
        !self.chain.iter().any(|s| s.starts_with("implies"))
    }

    /// Whether this came straight from `hsm.yaml`.
    pub fn is_direct(&self) -> bool {
        self.chain.len() == 1
    }

    /// A located error at the last step.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.file, message)
            .at(self.loc())
            .key(self.key.clone())
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.chain.join(" → "))
    }
}
