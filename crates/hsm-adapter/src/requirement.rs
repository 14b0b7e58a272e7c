//! Adapter-neutral requirements.

/// A git ref of one of the kinds package managers distinguish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitRef {
    /// Default branch.
    Default,
    /// A commit (or any ref the tool resolves as a revision).
    Rev(String),
    /// A tag.
    Tag(String),
    /// A branch.
    Branch(String),
}

/// A package index other than the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// A name for it (uv's `[[tool.uv.index]] name`).
    pub name: String,
    /// Its simple-API URL.
    pub url: String,
}

/// How one requirement is satisfied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReqKind {
    /// From a package index: a full PEP 508 requirement (`requests>=2`).
    Index {
        /// The requirement string, naming the distribution.
        spec: String,
        /// The index to take it from (only that one); `None` for the default index.
        index: Option<Index>,
    },
    /// From a git repository.
    Git {
        /// Clone URL.
        url: String,
        /// Ref.
        reference: GitRef,
        /// Sub-directory with the package.
        subdirectory: Option<String>,
    },
    /// From a directory.
    Path {
        /// Path relative to the project root, `/`-separated.
        path: String,
        /// Editable install.
        editable: bool,
    },
}

/// One package to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The registry entry's name (for messages).
    pub name: String,
    /// The Python distribution it installs (the entry's `distribution:`, else its name).
    pub distribution: String,
    /// Source.
    pub kind: ReqKind,
}

impl Requirement {
    /// A requirement whose distribution is the entry's own name.
    pub fn new(name: impl Into<String>, kind: ReqKind) -> Self {
        let name = name.into();
        Self {
            distribution: name.clone(),
            name,
            kind,
        }
    }
}
