//! What each method takes: one by-name params struct per method, unknown fields refused
//! (`-32602` naming the field), so the wire contract is written down in one place and
//! checked before any operation runs.

use std::collections::BTreeSet;

use hyperforge_schema::{ForgeName, RepoName, Visibility};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::rpc::{INVALID_PARAMS, METHOD_NOT_FOUND, RpcError};

/// No params.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Nothing {}

/// `forge.auth`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForgeAuth {
    /// Forges to check (all when empty).
    #[serde(default)]
    pub names: Vec<ForgeName>,
}

/// A method of one org, which must be named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Org {
    pub org: String,
}

/// A method of one org, the default org when not named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaybeOrg {
    #[serde(default)]
    pub org: Option<String>,
}

/// `repos.create`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Create {
    pub org: String,
    #[serde(alias = "name")]
    pub repo: RepoName,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    pub forges: Option<BTreeSet<ForgeName>>,
    #[serde(default)]
    pub protected: Option<bool>,
    #[serde(default)]
    pub default_branch: Option<String>,
    #[serde(default, deserialize_with = "hyperforge_schema::limits::unique_topics")]
    pub topics: BTreeSet<String>,
}

/// `repos.update`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Update {
    pub org: String,
    #[serde(alias = "name")]
    pub repo: RepoName,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    pub forges: Option<BTreeSet<ForgeName>>,
    #[serde(default)]
    pub protected: Option<bool>,
    #[serde(default)]
    pub archived: Option<bool>,
    #[serde(default)]
    pub default_branch: Option<String>,
    #[serde(
        default,
        deserialize_with = "hyperforge_schema::limits::unique_topics_opt"
    )]
    pub topics: Option<BTreeSet<String>>,
    /// A new name (staged alone).
    #[serde(default)]
    pub rename: Option<RepoName>,
}

/// `repos.remove`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Remove {
    pub org: String,
    #[serde(alias = "name")]
    pub repo: RepoName,
    #[serde(default)]
    pub force: bool,
}

/// `repos.diff`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Diff {
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub repo: Option<RepoName>,
    #[serde(default)]
    pub purge: bool,
}

/// `repos.sync`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sync {
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub repo: Option<RepoName>,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub yes: bool,
    #[serde(default)]
    pub force: bool,
    #[serde(default)]
    pub allow_large: bool,
    #[serde(default)]
    pub purge: bool,
}

/// `repos.converge`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Converge {
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub yes: bool,
    #[serde(default)]
    pub force: bool,
    #[serde(default)]
    pub allow_large: bool,
    #[serde(default)]
    pub purge: bool,
}

/// `workspace.show`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkspaceShow {
    #[serde(default)]
    pub dir: Option<std::path::PathBuf>,
}

/// A call, its params read.
#[derive(Debug)]
pub(crate) enum Method {
    ForgeList,
    ForgeAuth(ForgeAuth),
    OrgList,
    OrgShow(Org),
    OrgImport(Org),
    ReposList(MaybeOrg),
    ReposCreate(Box<Create>),
    ReposUpdate(Box<Update>),
    ReposRemove(Remove),
    ReposDiff(Diff),
    ReposPlan(MaybeOrg),
    ReposSync(Sync),
    ReposRefresh(MaybeOrg),
    ReposConverge(Converge),
    WorkspaceShow(WorkspaceShow),
}

/// Every method's name, for the "no such method" message.
pub(crate) const METHODS: &[&str] = &[
    "forge.list",
    "forge.auth",
    "org.list",
    "org.show",
    "org.import",
    "repos.list",
    "repos.create",
    "repos.update",
    "repos.remove",
    "repos.diff",
    "repos.plan",
    "repos.sync",
    "repos.refresh",
    "repos.converge",
    "workspace.show",
];

impl Method {
    /// `name` with `params` read, or the error to answer with.
    pub(crate) fn parse(name: &str, params: Value) -> Result<Self, RpcError> {
        let p = params;
        Ok(match name {
            "forge.list" => read::<Nothing>(p).map(|_| Self::ForgeList)?,
            "forge.auth" => Self::ForgeAuth(read(p)?),
            "org.list" => read::<Nothing>(p).map(|_| Self::OrgList)?,
            "org.show" => Self::OrgShow(read(p)?),
            "org.import" => Self::OrgImport(read(p)?),
            "repos.list" => Self::ReposList(read(p)?),
            "repos.create" => Self::ReposCreate(Box::new(read(p)?)),
            "repos.update" => Self::ReposUpdate(Box::new(read(p)?)),
            "repos.remove" => Self::ReposRemove(read(p)?),
            "repos.diff" => Self::ReposDiff(read(p)?),
            "repos.plan" => Self::ReposPlan(read(p)?),
            "repos.sync" => Self::ReposSync(read(p)?),
            "repos.refresh" => Self::ReposRefresh(read(p)?),
            "repos.converge" => Self::ReposConverge(read(p)?),
            "workspace.show" => Self::WorkspaceShow(read(p)?),
            other => {
                return Err(RpcError::new(
                    METHOD_NOT_FOUND,
                    format!("method not found: `{other}`"),
                )
                .with_data(json!({ "methods": METHODS })));
            }
        })
    }
}

/// `params` as `T`; the error names the offending field where serde says which.
fn read<T: DeserializeOwned>(params: Value) -> Result<T, RpcError> {
    serde_json::from_value(params).map_err(|e| {
        let message = e.to_string();
        let field = ["unknown field `", "missing field `"]
            .iter()
            .find_map(|p| message.strip_prefix(p))
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string);
        let err = RpcError::new(INVALID_PARAMS, format!("invalid params: {message}"));
        match field {
            Some(f) => err.with_data(json!({ "field": f })),
            None => err,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let e = Method::parse("repos.sync", json!({"org": "acme", "yess": true})).unwrap_err();
        assert_eq!(e.code, INVALID_PARAMS);
        assert!(e.message.contains("yess"), "{}", e.message);
        assert_eq!(e.data, Some(json!({"field": "yess"})));
        let e = Method::parse("org.show", json!({})).unwrap_err();
        assert_eq!(e.data, Some(json!({"field": "org"})));
        let e = Method::parse("repos.remove", json!({"org": "a", "repo": "bad name"}));
        assert_eq!(e.unwrap_err().code, INVALID_PARAMS);
    }

    #[test]
    fn unknown_methods_are_not_found() {
        let e = Method::parse("repos.frobnicate", json!({})).unwrap_err();
        assert_eq!(e.code, METHOD_NOT_FOUND);
        assert!(matches!(
            Method::parse("repos.create", json!({"org": "a", "name": "r"})),
            Ok(Method::ReposCreate(_))
        ));
    }
}
