//! `config.yaml`: forge instances, orgs and workspace bindings.
//!
//! A forge is an *instance* of a kind (GitHub, Gitea — Codeberg is one — or GitLab) with its
//! own API URL, so self-hosted forges and several accounts need no code change. An org's
//! name here is hyperforge's; its owner login may differ per forge (the earlier
//! implementation used the org name as the owner everywhere and broke when they differed).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{ForgeName, OrgName, TokenRef};

/// The whole of `config.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Schema version of the file (0 when absent: files of the earlier implementation).
    #[serde(default)]
    pub version: u32,
    /// The org commands act on when none is named and no workspace binds the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_org: Option<OrgName>,
    /// Forge instances by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub forges: BTreeMap<ForgeName, ForgeConfig>,
    /// Orgs by their hyperforge name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub orgs: BTreeMap<OrgName, OrgConfig>,
    /// Directory (absolute or `~/…`) → the org whose repos live under it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub workspaces: BTreeMap<String, OrgName>,
}

/// The API a forge speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    /// GitHub REST v3 (github.com or GitHub Enterprise).
    Github,
    /// Gitea / Forgejo API v1 (Codeberg is a Gitea instance).
    Gitea,
    /// GitLab API v4.
    Gitlab,
}

impl ForgeKind {
    /// The kind's name as written in `config.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Github => "github",
            Self::Gitea => "gitea",
            Self::Gitlab => "gitlab",
        }
    }
}

/// One forge instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgeConfig {
    /// Which API it speaks.
    pub kind: ForgeKind,
    /// Base URL of its API (`https://api.github.com`, `https://codeberg.org/api/v1`).
    pub api_url: String,
    /// Where its token is found; never the token.
    pub token: TokenRef,
    /// Base URL of its web pages, when it cannot be derived from `api_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
    /// SSH host for git remotes (`github.com`), when it differs from the web host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_host: Option<String>,
}

/// Public or private.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Visible to everyone.
    #[default]
    Public,
    /// Visible to the owner and collaborators.
    Private,
}

/// An org's owner login: the same on every forge, or one per forge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Owner {
    /// One login everywhere.
    Same(String),
    /// A login per forge; a forge not listed has no owner (an error where it is needed).
    PerForge(BTreeMap<ForgeName, String>),
}

impl Owner {
    /// The owner login on `forge`.
    pub fn login_on(&self, forge: &ForgeName) -> Option<&str> {
        match self {
            Self::Same(login) => Some(login),
            Self::PerForge(map) => map.get(forge).map(String::as_str),
        }
    }
}

/// Defaults for an org's repos that do not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgDefaults {
    /// Visibility of repos that do not set one.
    #[serde(default)]
    pub visibility: Visibility,
    /// Whether repos that do not say are protected from deletion.
    #[serde(default)]
    pub protected: bool,
    /// The largest share of the org's repositories, in percent, one apply may delete or
    /// change without `--allow-large` (25 when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_change_percent: Option<u8>,
    /// Days a removed repository stays retired (archived, private) before a sync deletes
    /// it (7 when not set; 0 deletes at the first sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_grace_days: Option<u32>,
}

/// One org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConfig {
    /// The owner login(s) on the forges.
    pub owner: Owner,
    /// The forges the org's repos live on.
    pub forges: BTreeSet<ForgeName>,
    /// The forge that is the source of truth (pushes go there first; others mirror it).
    pub origin: ForgeName,
    /// Defaults for its repos.
    #[serde(default, skip_serializing_if = "is_default")]
    pub defaults: OrgDefaults,
    /// SSH key for its remotes (a bare name means `~/.ssh/<name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_key: Option<String>,
}

/// Whether `s` is a plain host name: it is written into `~/.ssh/config`, where a space or
/// a newline would add options of its own.
pub fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// What is wrong with an API URL, if anything: not http(s), no host, credentials, a query
/// or fragment, or spaces and control characters.
pub fn api_url_problem(url: &str) -> Option<String> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Some("expected an http:// or https:// URL".to_owned());
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Some("expected a URL with a host".to_owned());
    }
    if authority.contains('@') {
        return Some("expected a URL without credentials (keep the token out of the URL: use a token reference)".to_owned());
    }
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(
            "expected a URL without a query, fragment, spaces or control characters".to_owned(),
        );
    }
    None
}

fn is_default(d: &OrgDefaults) -> bool {
    *d == OrgDefaults::default()
}

impl Config {
    /// Cross-reference problems: orgs naming unknown forges, an origin outside an org's
    /// forges, a per-forge owner missing a forge, workspaces or `default_org` naming unknown
    /// orgs. Each message names the key path it is about.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (name, forge) in &self.forges {
            let at = format!("forges.{name}");
            if let Some(why) = api_url_problem(&forge.api_url) {
                out.push((format!("{at}.api_url"), why));
            }
            if let Some(host) = &forge.ssh_host
                && !is_host(host)
            {
                out.push((
                    format!("{at}.ssh_host"),
                    "expected a host name (letters, digits, `.` and `-`)".to_owned(),
                ));
            }
        }
        for (name, org) in &self.orgs {
            if let Some(key) = &org.ssh_key
                && (key.is_empty()
                    || key
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || c == '"'))
            {
                out.push((
                    format!("orgs.{name}.ssh_key"),
                    "expected a key file path without spaces, quotes or control characters"
                        .to_owned(),
                ));
            }
        }
        for (name, org) in &self.orgs {
            let at = format!("orgs.{name}");
            for forge in &org.forges {
                if !self.forges.contains_key(forge) {
                    out.push((
                        format!("{at}.forges"),
                        format!("forge `{forge}` is not defined under `forges:`"),
                    ));
                }
                if org.owner.login_on(forge).is_none() {
                    out.push((
                        format!("{at}.owner"),
                        format!("no owner login for forge `{forge}`"),
                    ));
                }
            }
            if !org.forges.contains(&org.origin) {
                out.push((
                    format!("{at}.origin"),
                    format!("origin `{}` is not one of the org's forges", org.origin),
                ));
            }
        }
        for (path, org) in &self.workspaces {
            if !self.orgs.contains_key(org) {
                out.push((
                    format!("workspaces.{path}"),
                    format!("org `{org}` is not defined under `orgs:`"),
                ));
            }
        }
        if let Some(org) = &self.default_org
            && !self.orgs.contains_key(org)
        {
            out.push((
                "default_org".to_owned(),
                format!("org `{org}` is not defined under `orgs:`"),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const SAMPLE: &str = "\
version: 1
forges:
  codeberg:
    kind: gitea
    api_url: https://codeberg.org/api/v1
    token: keyring:codeberg
  github:
    kind: github
    api_url: https://api.github.com
    token: env:GITHUB_TOKEN
    ssh_host: github.com
orgs:
  hm:
    owner:
      codeberg: hm-mirror
      github: hypermemetic
    forges: [github, codeberg]
    origin: github
    defaults:
      visibility: private
      protected: true
  solo:
    owner: me
    forges: [github]
    origin: github
workspaces:
  ~/src/hm: hm
";

    fn load(text: &str) -> Result<Config, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("config.yaml"), text)
    }

    #[test]
    fn sample_loads_and_round_trips() {
        let config = load(SAMPLE).unwrap();
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        let hm = &config.orgs[&OrgName::new("hm").unwrap()];
        assert_eq!(
            hm.owner.login_on(&ForgeName::new("codeberg").unwrap()),
            Some("hm-mirror")
        );
        assert_eq!(hm.defaults.visibility, Visibility::Private);
        let solo = &config.orgs[&OrgName::new("solo").unwrap()];
        assert_eq!(
            solo.owner.login_on(&ForgeName::new("github").unwrap()),
            Some("me")
        );
        let text = serde_saphyr::to_string(&config).unwrap();
        assert_eq!(load(&text).unwrap(), config);
    }

    #[test]
    fn typos_and_tokens_are_refused_with_location() {
        let typo = SAMPLE.replace(
            "api_url: https://api.github.com",
            "api_ulr: https://api.github.com",
        );
        let err = load(&typo).unwrap_err().to_string();
        assert!(err.contains("api_ulr"), "{err}");
        assert!(err.starts_with("config.yaml:"), "{err}");

        let pasted = SAMPLE.replace("env:GITHUB_TOKEN", "ghp_0123456789abcdef");
        let err = load(&pasted).unwrap_err().to_string();
        assert!(err.contains("looks like a token value"), "{err}");

        let kind = SAMPLE.replace("kind: gitea", "kind: forgejo");
        assert!(load(&kind).is_err());
    }

    #[test]
    fn cross_references_are_checked() {
        let bad = SAMPLE.replace(
            "forges: [github]\n    origin: github",
            "forges: [gitlab]\n    origin: github",
        );
        let problems = load(&bad).unwrap().problems();
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["orgs.solo.forges", "orgs.solo.origin"]);
        assert_eq!(
            problems[0].1,
            "forge `gitlab` is not defined under `forges:`"
        );
    }
}
