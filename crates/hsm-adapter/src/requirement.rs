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

/// How one requirement is satisfied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReqKind {
    /// From the package index: a full PEP 508 requirement (`requests>=2`).
    Index {
        /// The requirement string.
        spec: String,
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
    /// Package name as in the registry.
    pub name: String,
    /// Source.
    pub kind: ReqKind,
}

/// PEP 503 normalisation: lower case, runs of `-_.` become `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalizes() {
        assert_eq!(super::normalize_name("Neo4j__Client.x"), "neo4j-client-x");
    }
}
