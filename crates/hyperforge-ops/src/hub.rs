//! The context every operation runs in: the config directory, how to read token
//! references, the HTTP settings, the clock — and the forge clients built from them.
//!
//! The CLI builds one `Hub` per command and the daemon one per request, so both run the
//! same operations the same way.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyperforge_forge::{Dialect, Forge, GitLabForge, RestForge, RetryPolicy};
use hyperforge_schema::{ForgeConfig, ForgeKind, ForgeName, OrgName};
use hyperforge_state::Store;
use infra_process::Interrupt;

use crate::{EnvLookup, OpsError, OrgForges, Secret, Secrets, token};

/// How forge clients behave.
#[derive(Debug, Clone, Copy)]
pub struct HttpSettings {
    /// Per request.
    pub timeout: Duration,
    /// Retries on rate limits and server errors.
    pub retry: RetryPolicy,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }
}

/// What operations run with.
#[derive(Clone)]
pub struct Hub {
    /// The config directory.
    pub store: Store,
    /// Reads environment variables (for `env:` token references).
    pub env: EnvLookup,
    /// Where `keyring:` references are looked up.
    pub secrets: Secrets,
    /// Client behaviour.
    pub http: HttpSettings,
    /// The largest fraction of an org's repositories one apply may delete or change
    /// without `--yes`.
    pub max_fraction: f64,
    /// The time to record.
    pub clock: Arc<dyn Fn() -> String + Send + Sync>,
    /// The home directory (`~/` in workspace paths).
    pub home: Option<PathBuf>,
    /// `~/.ssh/config`, for the org's Host blocks (`None`: left alone).
    pub ssh_config: Option<PathBuf>,
    /// Stops git children on Ctrl-C.
    pub interrupt: Interrupt,
}

/// Live clients of an org's forges, with the tokens git needs to push.
pub struct Connected {
    /// Client per forge name.
    pub clients: BTreeMap<String, Box<dyn Forge>>,
    /// Owner login per forge name.
    pub owners: BTreeMap<String, String>,
    /// Token per forge name (for git over HTTPS).
    pub tokens: BTreeMap<String, Secret>,
    /// The org's origin forge.
    pub origin: String,
}

impl Connected {
    /// The requests sent so far, as an event.
    pub fn requests(&self) -> crate::Event {
        let forges: BTreeMap<String, u64> = self
            .clients
            .iter()
            .map(|(name, c)| (name.clone(), c.requests()))
            .collect();
        crate::Event::Requests {
            total: forges.values().sum(),
            forges,
        }
    }

    /// The borrowed view the convergence functions take.
    pub fn org_forges(&self) -> OrgForges<'_> {
        OrgForges {
            forges: self
                .clients
                .iter()
                .map(|(k, v)| (k.clone(), v.as_ref()))
                .collect(),
            owners: self.owners.clone(),
        }
    }
}

impl Hub {
    /// A client of forge `name` as configured, with its token.
    pub fn client(&self, name: &ForgeName) -> Result<(Box<dyn Forge>, Secret), OpsError> {
        let fc = self
            .store
            .config()
            .forges
            .get(name)
            .ok_or_else(|| OpsError::UnknownForge(name.to_string()))?;
        let token = token::resolve(&fc.token, &self.env, &self.secrets, self.store.dir())?;
        Ok((connect(fc, &token, self.http)?, token))
    }

    /// Clients of every forge of `org`.
    pub fn connect(&self, org: &OrgName) -> Result<Connected, OpsError> {
        let (_, oc) = self.store.org(org.as_str())?;
        let mut out = Connected {
            clients: BTreeMap::new(),
            owners: BTreeMap::new(),
            tokens: BTreeMap::new(),
            origin: oc.origin.to_string(),
        };
        for forge in &oc.forges {
            let (client, token) = self.client(forge)?;
            let owner = oc.owner.login_on(forge).ok_or_else(|| OpsError::NoOwner {
                org: org.to_string(),
                forge: forge.to_string(),
            })?;
            out.clients.insert(forge.to_string(), client);
            out.owners.insert(forge.to_string(), owner.to_string());
            out.tokens.insert(forge.to_string(), token);
        }
        Ok(out)
    }

    /// Where apply step logs live.
    pub fn log_dir(&self) -> PathBuf {
        self.store.dir().join("logs")
    }
}

/// The client for a forge of `fc.kind` at `fc.api_url`.
pub fn connect(
    fc: &ForgeConfig,
    token: &Secret,
    http: HttpSettings,
) -> Result<Box<dyn Forge>, OpsError> {
    let dialect = match fc.kind {
        ForgeKind::Github => Dialect::GitHub,
        ForgeKind::Gitea => Dialect::Gitea,
        ForgeKind::Gitlab => {
            return Ok(Box::new(GitLabForge::new(
                &fc.api_url,
                token.expose(),
                http.timeout,
                http.retry,
            )?));
        }
    };
    Ok(Box::new(RestForge::new(
        dialect,
        &fc.api_url,
        token.expose(),
        http.timeout,
        http.retry,
    )?))
}

impl Hub {
    /// The safety rules for an apply to `org`: `force` and `allow_large` as given, the
    /// blast-radius limit from the org's `defaults.max_change_percent`, else the hub's.
    pub fn safety(&self, org: &OrgName, force: bool, allow_large: bool) -> hyperforge_plan::Safety {
        let percent = self
            .store
            .config()
            .orgs
            .get(org)
            .and_then(|o| o.defaults.max_change_percent);
        hyperforge_plan::Safety {
            force,
            confirmed: allow_large,
            max_fraction: percent.map_or(self.max_fraction, |p| f64::from(p) / 100.0),
        }
    }
}
