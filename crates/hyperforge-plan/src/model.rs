//! The plan's inputs and output.

use std::collections::{BTreeMap, BTreeSet};

use hyperforge_forge::RemoteRepo;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// A repository as declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredRepo {
    /// Its name.
    pub name: String,
    /// Its description (`None`: none).
    pub description: Option<String>,
    /// Private or public.
    pub private: bool,
    /// Archived.
    pub archived: bool,
    /// Never deleted or made private without `--force`.
    pub protected: bool,
    /// The forges it lives on.
    pub forges: BTreeSet<String>,
    /// Its name before a staged rename: a forge holding it under this name renames it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

/// What the forges hold: forge → repository name → repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed(pub BTreeMap<String, BTreeMap<String, RemoteRepo>>);

impl Observed {
    /// A hash of everything observed that a plan depends on (canonical JSON; maps are
    /// sorted), so an apply can tell whether the forges changed since.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// One field going from one value to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// `description`, `private`, `archived`.
    pub field: String,
    /// Its value now.
    pub from: serde_json::Value,
    /// Its value after.
    pub to: serde_json::Value,
}

/// One change on one forge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Step {
    /// Create the repository.
    Create {
        /// The forge.
        forge: String,
        /// The repository.
        name: String,
        /// Its description.
        description: Option<String>,
        /// Private or public.
        private: bool,
        /// Archive it once created.
        archived: bool,
    },
    /// Change some of its fields.
    Update {
        /// The forge.
        forge: String,
        /// The repository.
        name: String,
        /// The fields, in a fixed order.
        changes: Vec<FieldChange>,
    },
    /// Rename it (a rename was staged); its `_synced` record follows it.
    Rename {
        /// The forge.
        forge: String,
        /// The name it has.
        from: String,
        /// The name it gets.
        name: String,
    },
    /// Delete it (a removal was staged).
    Delete {
        /// The forge.
        forge: String,
        /// The repository.
        name: String,
        /// It is protected (the safety check refuses without `--force`).
        protected: bool,
    },
}

impl Step {
    /// The forge it acts on.
    pub fn forge(&self) -> &str {
        match self {
            Self::Create { forge, .. }
            | Self::Update { forge, .. }
            | Self::Rename { forge, .. }
            | Self::Delete { forge, .. } => forge,
        }
    }

    /// The repository it acts on (its new name, for a rename).
    pub fn name(&self) -> &str {
        match self {
            Self::Create { name, .. }
            | Self::Update { name, .. }
            | Self::Rename { name, .. }
            | Self::Delete { name, .. } => name,
        }
    }

    /// `create`, `update`, `rename`, `delete`.
    pub fn op(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Update { .. } => "update",
            Self::Rename { .. } => "rename",
            Self::Delete { .. } => "delete",
        }
    }
}

/// What to do, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The org.
    pub org: String,
    /// The hash of the observed state it was computed from.
    pub observed_hash: String,
    /// The steps, sorted by repository, then forge, then kind.
    pub steps: Vec<Step>,
    /// Declared repositories that need nothing.
    pub in_sync: Vec<String>,
    /// `forge/name` of repositories the forges hold that nobody declared (never deleted).
    pub untracked_remote: Vec<String>,
    /// Content to carry to mirror forges after the steps: a repository created on a forge
    /// other than its origin gets the origin's branches and tags (or a workspace clone's).
    #[serde(default)]
    pub mirrors: Vec<Mirror>,
}

/// Content carried from the origin forge to a mirror.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mirror {
    /// The repository.
    pub repo: String,
    /// The origin forge.
    pub from: String,
    /// The mirror forge.
    pub to: String,
}

impl Plan {
    /// A hash of the whole plan (its steps, and the observed hash they were computed
    /// from): the key of its apply's step log, so only this very plan resumes from it.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}
