//! Registry package files: `<registry>/packages/<name>.yaml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Implies, Mode, ScalarString};

/// A Python package the registry knows about.
///
/// A package with no source for the active mode is *virtual*: it contributes only its
/// `implies` and `env` (the seed's `auth-service` is exactly that).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSpec {
    /// Name; must match the file name.
    pub name: String,
    /// Version; used for PyPI sources without an explicit `spec`.
    #[serde(default)]
    pub version: Option<ScalarString>,
    /// Free text shown by `hsm registry show/search`.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the package comes from in each mode.
    #[serde(default)]
    pub sources: PackageSources,
    /// Environment for local processes; values may use `${VAR}`.
    #[serde(default)]
    pub env: BTreeMap<String, ScalarString>,
    /// What selecting this package brings along.
    #[serde(default)]
    pub implies: Implies,
}

/// Per-mode package sources.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSources {
    /// Source in `prod` mode.
    #[serde(default)]
    pub prod: Option<PackageSource>,
    /// Source in `dev` mode.
    #[serde(default)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum PackageSource {
    /// A package index (PyPI).
    Pypi {
        /// Requirement or version specifier: `requests>=2`, `>=2,<3`; defaults to the
        /// package name pinned to `version` if given.
        #[serde(default)]
        spec: Option<String>,
    },
    /// A git repository.
    Git {
        /// Clone URL (`https://…`, `ssh://…`, `file://…`).
        url: String,
        /// A ref (commit SHA, tag or branch); written as `rev` for uv.
        #[serde(default, rename = "ref")]
        reference: Option<String>,
        /// A tag.
        #[serde(default)]
        tag: Option<String>,
        /// A branch.
        #[serde(default)]
        branch: Option<String>,
        /// A commit.
        #[serde(default)]
        rev: Option<String>,
        /// Sub-directory holding the package inside the repository.
        #[serde(default)]
        subdirectory: Option<String>,
    },
    /// A directory on disk, relative to the registry file that names it.
    Local {
        /// Path relative to the registry file's directory.
        path: String,
        /// Install as editable (defaults to `true` in dev mode, `false` in prod mode).
        #[serde(default)]
        editable: Option<bool>,
        /// Clone this repository into `path` when it does not exist yet.
        #[serde(default)]
        git: Option<GitClone>,
    },
}

/// A repository to clone on demand into a dev source's `path`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitClone {
    /// Clone URL.
    pub url: String,
    /// Branch, tag or commit to check out after cloning.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
}
