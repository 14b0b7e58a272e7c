//! `orgs/<org>/repos.yaml`: each repo's desired state plus what hyperforge last wrote
//! (`_synced`) and last saw (`_discovered`) on each forge — the seed's "Enhanced" shape.
//!
//! The desired fields are the user's; `_synced` and `_discovered` are hyperforge's records
//! and are kept apart by their leading underscore. `_discovered` keeps the seed's flat form
//! (`github: true`, `last_refresh: …`) and also accepts observed metadata per forge, which
//! the planner compares against the desired fields.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{ForgeName, RepoName, Visibility};

/// The whole of `repos.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReposFile {
    /// Schema version of the file (0 when absent).
    #[serde(default)]
    pub version: u32,
    /// The owner login the file was made for (informational; `config.yaml` decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Repos by name.
    #[serde(default)]
    pub repos: BTreeMap<RepoName, Repo>,
}

impl ReposFile {
    /// Problems serde cannot see, as (key path, message): repos whose names differ only in
    /// case, which every forge treats as one repo, and values the forges refuse (see
    /// [`crate::limits`]).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<String, &RepoName> = BTreeMap::new();
        for (name, repo) in &self.repos {
            for (key, message) in crate::limits::field_problems(
                name.as_str(),
                repo.description.as_deref(),
                Some(&repo.topics),
                repo.default_branch.as_deref(),
            ) {
                out.push((format!("repos.{name}.{key}"), message));
            }
            let folded = name.as_str().to_ascii_lowercase();
            if let Some(first) = seen.get(&folded) {
                out.push((
                    format!("repos.{name}"),
                    format!("repo `{name}` differs from `{first}` only in case; forges treat them as one repo"),
                ));
            } else {
                seen.insert(folded, name);
            }
        }
        out
    }
}

/// One repo: desired fields, then hyperforge's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repo {
    /// Description shown on the forges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Visibility; the org default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Forges it lives on; the org's forges when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forges: Option<BTreeSet<ForgeName>>,
    /// Protected from deletion; the org default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Archived (read-only) on the forges.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
    /// When its removal was applied: a removed repository is first retired (archived and
    /// made private on every forge) and deleted only once the org's grace period has
    /// passed (or with `--purge`), so a mistaken removal can be undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<String>,
    /// Default branch, when hyperforge should set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// Topics (each listed once).
    #[serde(
        default,
        skip_serializing_if = "BTreeSet::is_empty",
        deserialize_with = "crate::limits::unique_topics"
    )]
    pub topics: BTreeSet<String>,
    /// What hyperforge last created or updated on each forge.
    #[serde(
        rename = "_synced",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub synced: BTreeMap<ForgeName, Synced>,
    /// What hyperforge last saw on each forge.
    #[serde(
        rename = "_discovered",
        default,
        skip_serializing_if = "Discovered::is_empty"
    )]
    pub discovered: Discovered,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if signature"
)]
fn is_false(b: &bool) -> bool {
    !*b
}

/// A repo as hyperforge last wrote it on one forge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synced {
    /// Its web URL.
    pub url: String,
    /// The forge's id for it (GitHub node id or numeric id), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When (RFC 3339, UTC).
    pub synced_at: String,
}

/// What was seen of a repo on one forge at the last refresh.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    /// Whether it exists there.
    pub exists: bool,
    /// Its web URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The forge's id for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Description there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Visibility there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Archived there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Default branch there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// Topics there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<BTreeSet<String>>,
}

impl Observed {
    /// Only presence is known (written as a bare `true`/`false`).
    fn is_bare(&self) -> bool {
        *self
            == Self {
                exists: self.exists,
                ..Self::default()
            }
    }
}

/// `_discovered`: per forge what was seen, and when the last refresh ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Per forge.
    pub forges: BTreeMap<ForgeName, Observed>,
    /// When the last refresh ran (RFC 3339, UTC).
    pub last_refresh: Option<String>,
}

impl Discovered {
    /// Nothing recorded.
    pub fn is_empty(&self) -> bool {
        self.forges.is_empty() && self.last_refresh.is_none()
    }
}

/// A value under `_discovered`, in any of its written forms.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum DiscoveredValue {
    Bare(bool),
    Text(String),
    Full(Observed),
}

const LAST_REFRESH: &str = "last_refresh";

impl Serialize for Discovered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // One sorted map, so `last_refresh` sits among the forge names in key order.
        let mut all: BTreeMap<&str, DiscoveredValue> = BTreeMap::new();
        for (forge, seen) in &self.forges {
            let value = if seen.is_bare() {
                DiscoveredValue::Bare(seen.exists)
            } else {
                DiscoveredValue::Full(seen.clone())
            };
            all.insert(forge.as_str(), value);
        }
        if let Some(at) = &self.last_refresh {
            all.insert(LAST_REFRESH, DiscoveredValue::Text(at.clone()));
        }
        all.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Discovered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, DiscoveredValue>::deserialize(d)?;
        let mut out = Self::default();
        for (key, value) in raw {
            match (key.as_str(), value) {
                (LAST_REFRESH, DiscoveredValue::Text(at)) => out.last_refresh = Some(at),
                (LAST_REFRESH, _) => {
                    return Err(D::Error::custom("`last_refresh` must be a timestamp"));
                }
                (_, DiscoveredValue::Text(_)) => {
                    return Err(D::Error::custom(format!(
                        "`{key}` must be true, false or a mapping of what was seen"
                    )));
                }
                (_, DiscoveredValue::Bare(exists)) => {
                    let forge = ForgeName::new(key).map_err(D::Error::custom)?;
                    out.forges.insert(
                        forge,
                        Observed {
                            exists,
                            ..Observed::default()
                        },
                    );
                }
                (_, DiscoveredValue::Full(seen)) => {
                    let forge = ForgeName::new(key).map_err(D::Error::custom)?;
                    out.forges.insert(forge, seen);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The seed's "Enhanced" example, plus a version.
    const SEED: &str = r#"version: 1
owner: hypermemetic
repos:
  substrate:
    # Desired state (user-controlled)
    description: "Core infrastructure"
    visibility: public
    forges: [github, codeberg]
    protected: true

    _synced:
      github:
        url: "https://github.com/hypermemetic/substrate"
        id: "R_kgDOxxxxxxx"
        synced_at: "2025-01-08T12:00:00Z"
      codeberg:
        url: "https://codeberg.org/hypermemetic/substrate"
        id: "12345"
        synced_at: "2025-01-08T12:00:00Z"

    _discovered:
      github: true
      codeberg: true
      last_refresh: "2025-01-08T12:00:00Z"
"#;

    fn load(text: &str) -> Result<ReposFile, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("repos.yaml"), text)
    }

    #[test]
    fn seed_shape_loads_and_round_trips() {
        let file = load(SEED).unwrap();
        let repo = &file.repos[&RepoName::new("substrate").unwrap()];
        assert_eq!(repo.protected, Some(true));
        assert_eq!(repo.synced.len(), 2);
        assert!(repo.discovered.forges[&ForgeName::new("github").unwrap()].exists);
        assert_eq!(
            repo.discovered.last_refresh.as_deref(),
            Some("2025-01-08T12:00:00Z")
        );
        let text = serde_saphyr::to_string(&file).unwrap();
        assert!(text.contains("github: true"), "{text}");
        assert_eq!(load(&text).unwrap(), file);
    }

    #[test]
    fn observed_metadata_round_trips() {
        let mut file = load(SEED).unwrap();
        let repo = file
            .repos
            .get_mut(&RepoName::new("substrate").unwrap())
            .unwrap();
        repo.discovered.forges.insert(
            ForgeName::new("gitlab").unwrap(),
            Observed {
                exists: true,
                description: Some("other".into()),
                visibility: Some(Visibility::Private),
                ..Observed::default()
            },
        );
        let text = serde_saphyr::to_string(&file).unwrap();
        assert_eq!(load(&text).unwrap(), file);
    }

    #[test]
    fn names_differing_in_case_are_a_problem() {
        let text = SEED.replace("repos:\n", "repos:\n  Substrate: {}\n");
        let problems = load(&text).unwrap().problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "repos.substrate");
        assert_eq!(
            problems[0].1,
            "repo `substrate` differs from `Substrate` only in case; forges treat them as one repo"
        );
    }

    #[test]
    fn values_the_forges_refuse_are_problems_at_their_keys() {
        let long = "d".repeat(351);
        let text = SEED.replace(
            "    protected: true\n",
            &format!(
                "    protected: true\n    description: {long}\n    topics: [Rust]\n    default_branch: a..b\n"
            ),
        )
        .replace("    description: \"Core infrastructure\"\n", "");
        let problems = load(&text).unwrap().problems();
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "repos.substrate.description",
                "repos.substrate.topics",
                "repos.substrate.default_branch"
            ]
        );
        assert!(
            problems[0].1.contains("expected at most 350"),
            "{problems:?}"
        );

        let twice = SEED.replace("protected: true", "protected: true\n    topics: [a, a]");
        let err = load(&twice).unwrap_err().to_string();
        assert!(err.contains("topic `a` is listed twice"), "{err}");
    }

    #[test]
    fn mistakes_are_refused() {
        let typo = SEED.replace("protected: true", "protectd: true");
        let err = load(&typo).unwrap_err().to_string();
        assert!(err.contains("protectd"), "{err}");
        assert!(err.starts_with("repos.yaml:"), "{err}");

        let bad_name = SEED.replace("  substrate:", "  \"..\":");
        let err = load(&bad_name).unwrap_err().to_string();
        assert!(err.contains("repo name `..` is reserved"), "{err}");

        let vis = SEED.replace("visibility: public", "visibility: internal");
        assert!(load(&vis).is_err());
    }
}
