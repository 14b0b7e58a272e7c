//! The emulator's flags, read by hand: its start-up line is a contract other tools rely on,
//! the set is small and fixed, and only a product's main binary may use clap.

use std::path::PathBuf;

use crate::EmulatorError;

/// Which forge's API the emulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// GitHub REST v3 under `/api/v3` (as a GitHub Enterprise Server).
    GitHub,
    /// Gitea (Forgejo, Codeberg) API v1 under `/api/v1`.
    Gitea,
}

/// A user given by `--user LOGIN:TOKEN[:SCOPE,SCOPE…]`.
#[derive(Debug, Clone)]
pub struct UserFlag {
    pub login: String,
    pub token: String,
    pub scopes: Vec<String>,
}

/// An organisation given by `--org NAME[:OWNER,OWNER…]`.
#[derive(Debug, Clone)]
pub struct OrgFlag {
    pub name: String,
    pub owners: Vec<String>,
}

/// Everything the command line says.
#[derive(Debug, Clone)]
pub struct Config {
    pub kind: Kind,
    pub listen: String,
    pub users: Vec<UserFlag>,
    pub orgs: Vec<OrgFlag>,
    pub state: Option<PathBuf>,
    /// The token of `/_emulator/*`; defaults to the first user's token.
    pub admin_token: Option<String>,
}

/// Scopes a user gets when `--user` names none: what a classic PAT for hyperforge holds.
pub const DEFAULT_SCOPES: &[&str] = &["repo", "delete_repo", "read:org", "user"];

pub const USAGE: &str = "usage: forge-emulator --kind github|gitea --listen 127.0.0.1:PORT [--user LOGIN:TOKEN[:SCOPES]]… [--org NAME[:OWNER]]… [--state DIR] [--admin-token TOKEN]";

impl Config {
    /// Parse the arguments after the program name.
    ///
    /// # Errors
    /// [`EmulatorError::Usage`] for an unknown flag, a missing value or a malformed one.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, EmulatorError> {
        let usage = |m: String| EmulatorError::Usage(format!("{m}\n{USAGE}"));
        let mut kind = None;
        let mut config = Self {
            kind: Kind::GitHub,
            listen: "127.0.0.1:0".to_string(),
            users: Vec::new(),
            orgs: Vec::new(),
            state: None,
            admin_token: None,
        };
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let value = args
                .next()
                .ok_or_else(|| usage(format!("`{}` needs a value", flag.escape_default())))?;
            match flag.as_str() {
                "--kind" => {
                    kind = Some(match value.as_str() {
                        "github" => Kind::GitHub,
                        "gitea" | "forgejo" | "codeberg" => Kind::Gitea,
                        _ => {
                            return Err(usage(format!(
                                "`--kind {value}`: expected github or gitea"
                            )));
                        }
                    });
                }
                "--listen" => config.listen = value,
                "--user" => config.users.push(parse_user(&value).map_err(usage)?),
                "--org" => config.orgs.push(parse_org(&value)),
                "--state" => config.state = Some(PathBuf::from(value)),
                "--admin-token" => config.admin_token = Some(value),
                other => return Err(usage(format!("unknown flag `{}`", other.escape_default()))),
            }
        }
        config.kind = kind.ok_or_else(|| usage("give `--kind github` or `--kind gitea`".into()))?;
        let first = config.users.first().map(|u| u.login.clone());
        for org in &mut config.orgs {
            if org.owners.is_empty() {
                org.owners.extend(first.clone());
            }
        }
        Ok(config)
    }

    /// The token that opens `/_emulator/*`: `--admin-token`, else the first user's.
    #[must_use]
    pub fn admin(&self) -> Option<String> {
        self.admin_token
            .clone()
            .or_else(|| self.users.first().map(|u| u.token.clone()))
    }
}

fn parse_user(value: &str) -> Result<UserFlag, String> {
    let mut parts = value.splitn(3, ':');
    let login = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default();
    if login.is_empty() || token.is_empty() {
        return Err("`--user` expects LOGIN:TOKEN[:SCOPE,SCOPE…]".to_string());
    }
    let scopes = match parts.next() {
        Some(s) => s
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        None => DEFAULT_SCOPES.iter().map(|s| (*s).to_string()).collect(),
    };
    Ok(UserFlag {
        login: login.to_string(),
        token: token.to_string(),
        scopes,
    })
}

fn parse_org(value: &str) -> OrgFlag {
    let (name, owners) = value.split_once(':').unwrap_or((value, ""));
    OrgFlag {
        name: name.to_string(),
        owners: owners
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_users_orgs_and_defaults() {
        let c = Config::parse(args(
            "--kind gitea --user a:t1 --user b:t2:repo --org o --org p:b",
        ))
        .unwrap();
        assert_eq!(c.kind, Kind::Gitea);
        assert_eq!(c.users[1].scopes, vec!["repo"]);
        assert_eq!(c.orgs[0].owners, vec!["a"]);
        assert_eq!(c.orgs[1].owners, vec!["b"]);
        assert_eq!(c.admin().as_deref(), Some("t1"));
    }

    #[test]
    fn refuses_unknown_and_missing() {
        assert!(Config::parse(args("--kind github --nope x")).is_err());
        assert!(Config::parse(args("--listen 127.0.0.1:0")).is_err());
        assert!(Config::parse(args("--kind github --user nocolon")).is_err());
    }
}
