//! Registry package files: `<registry>/packages/<name>.yaml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{DistributionName, EnvName, GitUrl, Implies, Mode, RequirementSpec, ScalarString};

/// A Python package the registry knows about.
///
/// A package with no source for the active mode is *virtual*: it contributes only its
/// `implies` and `env` (the seed's `auth-service` is exactly that).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSpec {
    /// Name; must match the file name.
    pub name: String,
    /// Version; used for PyPI sources without an explicit `spec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<ScalarString>,
    /// The Python distribution this entry installs, when it differs from the entry's name
    /// (an entry `torch-cpu` that installs `torch` from a CPU-only index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<DistributionName>,
    /// Free text shown by `hsm registry show/search`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the package comes from in each mode.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub sources: PackageSources,
    /// Environment for local processes; values may use `${VAR}`.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub env: BTreeMap<EnvName, ScalarString>,
    /// What selecting this package brings along.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Implies::is_empty"
    )]
    pub implies: Implies,
}

/// Per-mode package sources.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSources {
    /// Source in `prod` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prod: Option<PackageSource>,
    /// Source in `dev` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<PackageSource>,
}

impl PackageSources {
    /// The source in force in `mode`: dev uses the dev source and falls back to prod (a
    /// published package is still usable while developing); prod uses prod only. `None` makes
    /// the package virtual in that mode.
    pub fn active(&self, mode: Mode) -> Option<&PackageSource> {
        match mode {
            Mode::Dev => self.dev.as_ref().or(self.prod.as_ref()),
            Mode::Prod => self.prod.as_ref(),
        }
    }

    /// The source for `mode`, if the package has one (no fallback: a missing source makes the
    /// package virtual in that mode, which is explicit in the registry file).
    pub fn for_mode(&self, mode: Mode) -> Option<&PackageSource> {
        match mode {
            Mode::Dev => self.dev.as_ref(),
            Mode::Prod => self.prod.as_ref(),
        }
    }
}

/// Where a package's code comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum PackageSource {
    /// A package index (PyPI).
    Pypi {
        /// Requirement or version specifier: `requests>=2`, `>=2,<3`; defaults to the
        /// distribution pinned to `version` if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        spec: Option<RequirementSpec>,
        /// An index other than the default one to take the distribution from (only from).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<PackageIndex>,
    },
    /// A git repository.
    Git {
        /// Clone URL (`https://…`, `ssh://…`, `file://…`).
        url: GitUrl,
        /// A ref (commit SHA, tag or branch); written as `rev` for uv.
        #[serde(
            default,
            rename = "ref",
            skip_serializing_if = "crate::scalar::is_default"
        )]
        reference: Option<String>,
        /// A tag.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        tag: Option<String>,
        /// A branch.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        branch: Option<String>,
        /// A commit.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        rev: Option<String>,
        /// Sub-directory holding the package inside the repository.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        subdirectory: Option<String>,
    },
    /// A directory on disk, relative to the registry file that names it.
    Local {
        /// Path relative to the registry file's directory.
        path: String,
        /// Install as editable (defaults to `true` in dev mode, `false` in prod mode).
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        editable: Option<bool>,
        /// Clone this repository into `path` when it does not exist yet.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        git: Option<GitClone>,
    },
}

/// A repository to clone on demand into a dev source's `path`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GitClone {
    /// Clone URL.
    pub url: GitUrl,
    /// Branch, tag or commit to check out after cloning.
    #[serde(
        default,
        rename = "ref",
        deserialize_with = "git_ref",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference: Option<String>,
}

/// A ref is handed to `git checkout`: one starting with `-` would be read as an option, and
/// whitespace or control characters are never part of a branch, tag or commit name.
fn git_ref<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let r: Option<String> = Option::deserialize(d)?;
    if let Some(r) = &r {
        if r.starts_with('-') {
            return Err(serde::de::Error::custom(format!(
                "a git ref cannot start with `-` (`{}` would be read as an option of git)",
                r.escape_default()
            )));
        }
        if r.is_empty() || r.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(serde::de::Error::custom(format!(
                "`{}` is not a branch, tag or commit name",
                r.escape_default()
            )));
        }
    }
    Ok(r)
}

/// A package index other than the default one (`index: {name, url}` on a `pypi` source).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackageIndex {
    /// A name for it (uv's `[[tool.uv.index]] name`); entries naming the same index must
    /// agree on its URL.
    pub name: String,
    /// Its simple-API URL (`https://download.pytorch.org/whl/cpu`).
    pub url: String,
}

impl PackageSpec {
    /// The distribution this entry installs: `distribution:`, else the entry's name.
    pub fn distribution(&self) -> &str {
        self.distribution
            .as_ref()
            .map_or(self.name.as_str(), DistributionName::as_str)
    }
}
