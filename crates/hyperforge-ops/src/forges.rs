//! `hyperforge forge add|list|auth`: forge instances in `config.yaml` and a check of
//! their tokens.

use hyperforge_forge::ForgeError;
use hyperforge_schema::{ForgeConfig, ForgeKind, ForgeName, TokenRef};
use hyperforge_state::Store;
use serde::Serialize;

use crate::{Hub, OpsError};

/// Checks an API URL: http(s), a host, no credentials or query in it (a token pasted into
/// a URL would land in `config.yaml`).
pub fn check_api_url(url: &str) -> Result<String, OpsError> {
    match hyperforge_schema::api_url_problem(url) {
        Some(expected) => Err(OpsError::Invalid {
            what: "--api-url".into(),
            value: redact_url(url),
            expected: expected.trim_start_matches("expected ").to_string(),
        }),
        None => Ok(url.trim_end_matches('/').to_string()),
    }
}

/// `url` with any userinfo, query and fragment replaced, for messages.
fn redact_url(url: &str) -> String {
    let url = match url.find(['?', '#']) {
        Some(i) => format!("{}…", &url[..i]),
        None => url.to_string(),
    };
    let shown = match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}<redacted>{}", &url[..s + 3], &url[at..]),
        _ => url,
    };
    shown
        .chars()
        .take(200)
        .collect::<String>()
        .escape_default()
        .to_string()
}

/// What `forge add` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Added {
    /// A new forge.
    Added,
    /// An existing forge's settings replaced (`--replace`).
    Replaced,
    /// Already exactly so.
    Unchanged,
}

/// `forge add`: records forge `name` (the token only as a reference).
pub fn add(
    store: &mut Store,
    name: &ForgeName,
    forge: ForgeConfig,
    replace: bool,
) -> Result<Added, OpsError> {
    let forge = ForgeConfig {
        api_url: check_api_url(&forge.api_url)?,
        ..forge
    };
    if let Some(host) = &forge.ssh_host
        && !hyperforge_schema::is_host(host)
    {
        return Err(OpsError::Invalid {
            what: "--ssh-host".into(),
            value: host.escape_default().to_string(),
            expected: "a host name (letters, digits, `.` and `-`)".into(),
        });
    }
    store.update_config(|c| match c.forges.get(name) {
        Some(existing) if *existing == forge => Ok(Added::Unchanged),
        Some(_) if !replace => Err(OpsError::Exists {
            what: "forge",
            name: name.to_string(),
            hint: "pass --replace to change its settings",
        }),
        Some(_) => {
            c.forges.insert(name.clone(), forge);
            Ok(Added::Replaced)
        }
        None => {
            c.forges.insert(name.clone(), forge);
            Ok(Added::Added)
        }
    })
}

/// One configured forge, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ForgeRow {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: ForgeKind,
    /// Its API.
    pub api_url: String,
    /// The token reference (never a value).
    pub token: TokenRef,
    /// Orgs using it.
    pub orgs: Vec<String>,
}

/// `forge list`.
pub fn list(store: &Store) -> Vec<ForgeRow> {
    let c = store.config();
    c.forges
        .iter()
        .map(|(name, f)| ForgeRow {
            name: name.to_string(),
            kind: f.kind,
            api_url: f.api_url.clone(),
            token: f.token.clone(),
            orgs: c
                .orgs
                .iter()
                .filter(|(_, o)| o.forges.contains(name))
                .map(|(n, _)| n.to_string())
                .collect(),
        })
        .collect()
}

/// How a forge answered a token check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthStatus {
    /// The token works.
    Ok,
    /// The token reference points at nothing.
    NoToken,
    /// The forge refused the token.
    Refused,
    /// The forge could not be reached (or kept failing).
    Unreachable,
    /// Something else went wrong.
    Error,
}

/// One forge's token check.
#[derive(Debug, Clone, Serialize)]
pub struct AuthRow {
    /// The forge.
    pub forge: String,
    /// The outcome.
    pub status: AuthStatus,
    /// The token's owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// Its scopes, when the forge says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// When it expires, when the forge says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `forge auth [names…]`: asks each forge who its token is; an auth failure is told apart
/// from a network failure.
pub fn auth(hub: &Hub, names: &[ForgeName]) -> Result<Vec<AuthRow>, OpsError> {
    let all: Vec<ForgeName> = if names.is_empty() {
        hub.store.config().forges.keys().cloned().collect()
    } else {
        names.to_vec()
    };
    let mut rows = Vec::new();
    for name in &all {
        let mut row = AuthRow {
            forge: name.to_string(),
            status: AuthStatus::Ok,
            login: None,
            scopes: None,
            expires_at: None,
            message: None,
        };
        match hub.client(name) {
            Err(OpsError::UnknownForge(n)) => return Err(OpsError::UnknownForge(n)),
            Err(e) => {
                row.status = AuthStatus::NoToken;
                row.message = Some(e.to_string());
            }
            Ok((client, _)) => match client.identity() {
                Ok(id) => {
                    row.login = Some(id.login);
                    row.scopes = id.scopes;
                    row.expires_at = id.expires_at;
                }
                Err(e) => {
                    row.status = match e {
                        ForgeError::Auth { .. } => AuthStatus::Refused,
                        ForgeError::Network { .. } | ForgeError::RateLimited { .. } => {
                            AuthStatus::Unreachable
                        }
                        _ => AuthStatus::Error,
                    };
                    row.message = Some(e.to_string());
                }
            },
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_keep_credentials_out() {
        assert_eq!(
            check_api_url("https://api.github.com/").unwrap(),
            "https://api.github.com"
        );
        let e = check_api_url("https://user:ghp_secret@example.com/api/v3")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("ghp_secret"), "{e}");
        let e = check_api_url("https://x/api?access_token=SECRETQ")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("SECRETQ"), "{e}");
        assert!(check_api_url("ftp://x").is_err());
        assert!(check_api_url("https://x/api?token=1").is_err());
        assert!(check_api_url("https:///api").is_err());
    }
}
