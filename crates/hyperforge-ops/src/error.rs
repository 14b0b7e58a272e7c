//! Why an operation failed.

use std::path::PathBuf;

/// An operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The config directory.
    #[error(transparent)]
    State(#[from] hyperforge_state::StateError),
    /// A forge.
    #[error(transparent)]
    Forge(#[from] hyperforge_forge::ForgeError),
    /// Applying the plan.
    #[error(transparent)]
    Apply(#[from] hyperforge_apply::ApplyError),
    /// The safety rules refused the plan.
    #[error(transparent)]
    Safety(#[from] hyperforge_plan::SafetyError),
    /// git.
    #[error(transparent)]
    Git(#[from] hyperforge_git::GitError),
    /// A file.
    #[error(transparent)]
    Fs(infra_fs::FsError),
    /// `config.yaml` has problems its parser cannot see (cross-references, values written
    /// into `~/.ssh/config`).
    #[error("{} has {} problem(s)", file.display(), problems.len())]
    Problems {
        /// The file.
        file: PathBuf,
        /// What is wrong, located.
        problems: Vec<infra_yaml::Diagnostic>,
    },
    /// After applying, the forges still differ from the desired state.
    #[error("drift detected: {0} change(s) remain after the apply")]
    Drift(usize),
    /// A name read from a forge is not one hyperforge accepts.
    #[error("the forge reports a repository named `{0}`, which is not a valid name")]
    BadName(String),
    /// A value the user gave.
    #[error("{what} `{value}` is not valid: expected {expected}")]
    Invalid {
        /// What it is.
        what: String,
        /// The value (never a secret).
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A value a forge would refuse (see `hyperforge_schema::limits`); the message names
    /// the repository, the key and what is expected.
    #[error("{message}")]
    Limit {
        /// `description`, `topics` or `default_branch`.
        key: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
    /// Something to add exists already.
    #[error("{what} `{name}` exists already with other settings")]
    Exists {
        /// `forge`, `org`.
        what: &'static str,
        /// Its name.
        name: String,
        /// What to do.
        hint: &'static str,
    },
    /// A forge name that is not configured.
    #[error("forge `{0}` is not defined in config.yaml")]
    UnknownForge(String),
    /// An org without an owner login on one of its forges.
    #[error("org `{org}` has no owner login for forge `{forge}`")]
    NoOwner {
        /// The org.
        org: String,
        /// The forge.
        forge: String,
    },
    /// A token reference that resolves to nothing.
    #[error("cannot read the token `{reference}`: {why}")]
    Token {
        /// The reference (`env:GITHUB_TOKEN`).
        reference: String,
        /// Why.
        why: String,
    },
    /// `secrets.yaml` could not be read.
    #[error(transparent)]
    SecretsFile(Box<infra_yaml::YamlError>),
    /// The OS keyring failed.
    #[error("the keyring failed: {0}")]
    Keyring(String),
    /// `repos create` of a declared repository.
    #[error("repository `{0}` is declared already")]
    RepoExists(String),
    /// `repos update|remove` of an undeclared repository.
    #[error("repository `{0}` is not declared")]
    UnknownRepo(String),
    /// A rename of a repository with another change pending.
    #[error("repository `{0}` has a change staged; sync it before renaming")]
    PendingChange(String),
    /// `repos remove` of a protected repository.
    #[error("repository `{0}` is protected")]
    ProtectedRemove(String),
    /// `org remove` with changes pending.
    #[error("org `{org}` has {changes} staged change(s) ({creates} create(s)) not yet synced")]
    Pending {
        /// The org.
        org: String,
        /// Pending changes.
        changes: usize,
        /// Of which creates.
        creates: usize,
    },
    /// A name the forges would take for another repository's.
    #[error(
        "`{name}` differs from `{existing}` on {forge} only in case; forges treat them as one repository"
    )]
    CaseCollision {
        /// The forge.
        forge: String,
        /// The declared name.
        name: String,
        /// The name the forge holds.
        existing: String,
    },
    /// A new name equal, but for case, to a declared one.
    #[error(
        "`{name}` differs from the declared `{existing}` only in case; forges treat them as one repository"
    )]
    CaseTwin {
        /// The new name.
        name: String,
        /// The declared one.
        existing: String,
    },
    /// A rename onto a name a forge already holds.
    #[error(
        "cannot rename `{from}` to `{name}` on {forge}: a repository named `{name}` exists there"
    )]
    RenameTargetTaken {
        /// The forge.
        forge: String,
        /// The old name.
        from: String,
        /// The new name.
        name: String,
    },
    /// A saved plan whose steps are not what the desired state asks now.
    #[error(
        "the plan's steps are not what the desired state asks now (it was edited, or the desired state changed since)"
    )]
    PlanMismatch,
    /// A plan for another org.
    #[error("the plan is for org `{plan}`, not `{org}`")]
    PlanOrg {
        /// The plan's org.
        plan: String,
        /// The org asked for.
        org: String,
    },
    /// A plan file could not be read or written.
    #[error("plan file {}: {message}", path.display())]
    PlanFile {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// `workspace show <dir>` of an unbound directory.
    #[error("{0} is not a bound workspace")]
    NotBound(String),
    /// `workspace clone-all` of an org without a workspace.
    #[error("org `{0}` has no workspace bound")]
    NoWorkspace(String),
}

impl OpsError {
    /// The option that holds the bad value or would lift the refusal, named neutrally
    /// (`force`, `allow_large`, `forges`): the CLI renders it as a flag (`--allow-large`),
    /// the hub as a JSON-RPC param (`allow_large`), so messages name neither.
    pub fn param(&self) -> Option<&'static str> {
        match self {
            Self::Safety(s) => Some(s.param()),
            Self::ProtectedRemove(_) => Some("force"),
            Self::Invalid { what, .. } if what == "forge" => Some("forges"),
            Self::Limit { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// `e` and its causes on one line (`a: b: c`), for warnings.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}
