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
    /// GitLab API v4 under `/api/v4` (orgs are groups, repositories are projects).
    GitLab,
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

/// The same for `--kind gitlab`, whose scope names differ: `api` grants reads and writes.
pub const GITLAB_DEFAULT_SCOPES: &[&str] = &["api"];

pub const USAGE: &str = "usage: forge-emulator --kind github|gitea|gitlab --listen 127.0.0.1:PORT [--user LOGIN:TOKEN[:SCOPES]]… [--org NAME[:OWNER]]… [--state DIR] [--admin-token TOKEN]";

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
        // Scopes are defaulted once the kind is known: GitLab names them differently.
        let mut defaulted = Vec::new();
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
                        "gitlab" => Kind::GitLab,
                        _ => {
                            return Err(usage(format!(
                                "`--kind {value}`: expected github, gitea or gitlab"
                            )));
                        }
                    });
                }
                "--listen" => config.listen = value,
                "--user" => {
                    let (user, default) = parse_user(&value).map_err(usage)?;
                    defaulted.push(default);
                    config.users.push(user);
                }
                "--org" => config.orgs.push(parse_org(&value)),
                "--state" => config.state = Some(PathBuf::from(value)),
                "--admin-token" => config.admin_token = Some(value),
                other => return Err(usage(format!("unknown flag `{}`", other.escape_default()))),
            }
        }
        config.kind = kind.ok_or_else(|| {
            usage("give `--kind github`, `--kind gitea` or `--kind gitlab`".into())
        })?;
        let defaults = if config.kind == Kind::GitLab {
            GITLAB_DEFAULT_SCOPES
        } else {
            DEFAULT_SCOPES
        };
        for (user, default) in config.users.iter_mut().zip(defaulted) {
            if default {
                user.scopes = defaults.iter().map(|s| (*s).to_string()).collect();
            }
        }
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

/// The user, and whether its scopes are to be defaulted (none were given).
fn parse_user(value: &str) -> Result<(UserFlag, bool), String> {
    let mut parts = value.splitn(3, ':');
    let login = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default();
    if login.is_empty() || token.is_empty() {
        return Err("`--user` expects LOGIN:TOKEN[:SCOPE,SCOPE…]".to_string());
    }
    let scopes = parts.next().map(|s| {
        s.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    });
    let default = scopes.is_none();
    let user = UserFlag {
        login: login.to_string(),
        token: token.to_string(),
        scopes: scopes.unwrap_or_default(),
    };
    Ok((user, default))
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
    fn gitlab_users_default_to_the_api_scope() {
        let c = Config::parse(args("--user a:t1 --user b:t2:read_api --kind gitlab")).unwrap();
        assert_eq!(c.kind, Kind::GitLab);
        assert_eq!(c.users[0].scopes, vec!["api"]);
        assert_eq!(c.users[1].scopes, vec!["read_api"]);
        let c = Config::parse(args("--kind github --user a:t1")).unwrap();
        assert_eq!(c.users[0].scopes, DEFAULT_SCOPES);
    }

    #[test]
    fn refuses_unknown_and_missing() {
        assert!(Config::parse(args("--kind github --nope x")).is_err());
        assert!(Config::parse(args("--listen 127.0.0.1:0")).is_err());
        assert!(Config::parse(args("--kind github --user nocolon")).is_err());
    }
}
