//! `orgs/<org>/staged-repos.yaml`: changes waiting for the next sync.
//!
//! At most one pending change per repo; staging another for the same repo folds the two
//! (create then update is a create; update then update merges the patches; create then
//! remove is nothing). An update is a patch, so merging it into `repos.yaml` keeps the
//! repo's `_synced` and `_discovered` records (the earlier implementation replaced the whole
//! entry and forgot them, spec §8 bug 5).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{ForgeName, Repo, RepoName, ReposFile, Visibility};

/// The whole of `staged-repos.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagedFile {
    /// Schema version of the file (0 when absent).
    #[serde(default)]
    pub version: u32,
    /// The pending change per repo.
    #[serde(default)]
    pub changes: BTreeMap<RepoName, StagedChange>,
}

/// The desired fields of a new repo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoSpec {
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Visibility; the org default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Forges; the org's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forges: Option<BTreeSet<ForgeName>>,
    /// Protected; the org default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Default branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// Topics (each listed once).
    #[serde(
        default,
        skip_serializing_if = "BTreeSet::is_empty",
        deserialize_with = "crate::limits::unique_topics"
    )]
    pub topics: BTreeSet<String>,
}

/// Fields to change on an existing repo; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoPatch {
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// New set of forges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forges: Option<BTreeSet<ForgeName>>,
    /// New protection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Archive or unarchive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// New default branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// New topics (each listed once).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::limits::unique_topics_opt"
    )]
    pub topics: Option<BTreeSet<String>>,
}

/// One pending change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StagedChange {
    /// Add the repo.
    Create(RepoSpec),
    /// Change some fields of the repo.
    Update(RepoPatch),
    /// Remove the repo (deleted on the forges by the next sync, unless protected).
    Remove,
    /// Rename the repo (on every forge holding it; its records follow it).
    Rename(RepoName),
}

impl RepoSpec {
    /// Values the forges would refuse, as (key, message) (see [`crate::limits`]).
    pub fn problems(&self, repo: &str) -> Vec<(&'static str, String)> {
        crate::limits::field_problems(
            repo,
            self.description.as_deref(),
            Some(&self.topics),
            self.default_branch.as_deref(),
        )
    }

    fn into_repo(self) -> Repo {
        Repo {
            description: self.description,
            visibility: self.visibility,
            forges: self.forges,
            protected: self.protected,
            default_branch: self.default_branch,
            topics: self.topics,
            ..Repo::default()
        }
    }

    fn patch(&mut self, p: RepoPatch) {
        let mut repo = std::mem::take(self).into_repo();
        p.apply(&mut repo);
        *self = Self {
            description: repo.description,
            visibility: repo.visibility,
            forges: repo.forges,
            protected: repo.protected,
            default_branch: repo.default_branch,
            topics: repo.topics,
        };
    }
}

impl RepoPatch {
    /// Values the forges would refuse, as (key, message) (see [`crate::limits`]).
    pub fn problems(&self, repo: &str) -> Vec<(&'static str, String)> {
        crate::limits::field_problems(
            repo,
            self.description.as_deref(),
            self.topics.as_ref(),
            self.default_branch.as_deref(),
        )
    }

    /// Applies the patch to `repo`, leaving `_synced` and `_discovered` alone.
    pub fn apply(self, repo: &mut Repo) {
        if self.description.is_some() {
            repo.description = self.description;
        }
        if self.visibility.is_some() {
            repo.visibility = self.visibility;
        }
        if self.forges.is_some() {
            repo.forges = self.forges;
        }
        if self.protected.is_some() {
            repo.protected = self.protected;
        }
        if let Some(archived) = self.archived {
            repo.archived = archived;
            // Unarchiving a retired repository takes its removal back.
            if !archived {
                repo.retired_at = None;
            }
        }
        if self.default_branch.is_some() {
            repo.default_branch = self.default_branch;
        }
        if let Some(topics) = self.topics {
            repo.topics = topics;
        }
    }

    fn then(mut self, later: Self) -> Self {
        // Merge field by field: a later value wins, an absent one keeps the earlier.
        macro_rules! pick {
            ($($f:ident),*) => { $( if later.$f.is_some() { self.$f = later.$f; } )* };
        }
        pick!(
            description,
            visibility,
            forges,
            protected,
            archived,
            default_branch,
            topics
        );
        self
    }
}

impl StagedFile {
    /// Stages `change` for `name`, folding it into any change already pending.
    pub fn stage(&mut self, name: RepoName, change: StagedChange) {
        use StagedChange::{Create, Remove, Update};
        let folded = match (self.changes.remove(&name), change) {
            (None, change) => Some(change),
            (Some(Create(mut spec)), Update(patch)) => {
                spec.patch(patch);
                Some(Create(spec))
            }
            (Some(Create(_)), Remove) => None,
            // A repository not yet created is renamed by creating it under the new name.
            (Some(Create(spec)), StagedChange::Rename(to)) => {
                self.changes.insert(to, Create(spec));
                None
            }
            (Some(Update(earlier)), Update(later)) => Some(Update(earlier.then(later))),
            (Some(_), change) => Some(change),
        };
        if let Some(change) = folded {
            self.changes.insert(name, change);
        }
    }

    /// Nothing pending.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// `repos` with every pending change applied: creates add (or replace the desired
    /// fields of) a repo, updates patch it, removes drop it. `_synced` and `_discovered`
    /// of existing repos are kept.
    pub fn merged_into(&self, repos: &ReposFile) -> ReposFile {
        let mut out = repos.clone();
        for (name, change) in &self.changes {
            match change.clone() {
                StagedChange::Create(spec) => {
                    let entry = out.repos.entry(name.clone()).or_default();
                    let fresh = spec.into_repo();
                    *entry = Repo {
                        synced: std::mem::take(&mut entry.synced),
                        discovered: std::mem::take(&mut entry.discovered),
                        ..fresh
                    };
                }
                StagedChange::Update(patch) => {
                    if let Some(repo) = out.repos.get_mut(name) {
                        patch.apply(repo);
                    }
                }
                StagedChange::Remove => {
                    out.repos.remove(name);
                }
                StagedChange::Rename(to) => {
                    if let Some(repo) = out.repos.remove(name) {
                        out.repos.insert(to, repo);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Synced;

    fn name(s: &str) -> RepoName {
        RepoName::new(s).unwrap()
    }

    #[test]
    fn round_trips_each_change() {
        let mut staged = StagedFile {
            version: 1,
            ..StagedFile::default()
        };
        staged.stage(
            name("new"),
            StagedChange::Create(RepoSpec {
                description: Some("fresh".into()),
                visibility: Some(Visibility::Private),
                ..RepoSpec::default()
            }),
        );
        staged.stage(name("old"), StagedChange::Remove);
        staged.stage(
            name("mid"),
            StagedChange::Update(RepoPatch {
                archived: Some(true),
                ..RepoPatch::default()
            }),
        );
        let text = serde_saphyr::to_string(&staged).unwrap();
        let back: StagedFile = infra_yaml::from_str(Path::new("staged-repos.yaml"), &text).unwrap();
        assert_eq!(back, staged);
    }

    #[test]
    fn changes_fold() {
        let mut staged = StagedFile::default();
        staged.stage(name("a"), StagedChange::Create(RepoSpec::default()));
        staged.stage(
            name("a"),
            StagedChange::Update(RepoPatch {
                description: Some("d".into()),
                ..RepoPatch::default()
            }),
        );
        assert_eq!(
            staged.changes[&name("a")],
            StagedChange::Create(RepoSpec {
                description: Some("d".into()),
                ..RepoSpec::default()
            })
        );
        staged.stage(name("a"), StagedChange::Remove);
        assert!(staged.is_empty());

        staged.stage(
            name("b"),
            StagedChange::Update(RepoPatch {
                protected: Some(true),
                ..RepoPatch::default()
            }),
        );
        staged.stage(
            name("b"),
            StagedChange::Update(RepoPatch {
                archived: Some(true),
                ..RepoPatch::default()
            }),
        );
        assert_eq!(
            staged.changes[&name("b")],
            StagedChange::Update(RepoPatch {
                protected: Some(true),
                archived: Some(true),
                ..RepoPatch::default()
            })
        );
    }

    #[test]
    fn merging_keeps_synced_records() {
        let mut repos = ReposFile::default();
        let mut repo = Repo::default();
        repo.synced.insert(
            ForgeName::new("github").unwrap(),
            Synced {
                url: "https://github.com/o/a".into(),
                id: None,
                synced_at: "2025-01-08T12:00:00Z".into(),
            },
        );
        repos.repos.insert(name("a"), repo);
        repos.repos.insert(name("gone"), Repo::default());
        let mut staged = StagedFile::default();
        staged.stage(
            name("a"),
            StagedChange::Create(RepoSpec {
                description: Some("again".into()),
                ..RepoSpec::default()
            }),
        );
        staged.stage(name("gone"), StagedChange::Remove);
        let merged = staged.merged_into(&repos);
        let a = &merged.repos[&name("a")];
        assert_eq!(a.description.as_deref(), Some("again"));
        assert_eq!(a.synced.len(), 1);
        assert!(!merged.repos.contains_key(&name("gone")));
    }

    #[test]
    fn unknown_operations_are_refused() {
        let err = infra_yaml::from_str::<StagedFile>(
            Path::new("staged-repos.yaml"),
            "changes:\n  a: delete\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("staged-repos.yaml:2"), "{err}");
    }
}
