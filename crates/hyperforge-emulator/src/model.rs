//! The forge's state: users with tokens and scopes, organisations with owners, repositories
//! and the redirects renames leave. One model serves every API, so a scenario reads the same
//! whichever forge a test emulates; rendering per API lives in `render.rs` and
//! `gitlab_render.rs`.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// A user who can authenticate.
#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub login: String,
    pub token: String,
    pub scopes: Vec<String>,
}

/// An organisation; its owners may create, change and delete its repositories.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: u64,
    pub name: String,
    pub owners: Vec<String>,
}

/// A repository (its bare git repository lives at `git/<owner>/<name>.git`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    pub id: u64,
    /// The name in URLs (GitLab's `path`).
    pub name: String,
    pub owner: String,
    /// GitLab's display `name`, kept only when it differs from `name`; GitHub and Gitea
    /// have no such thing and never set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub description: Option<String>,
    pub private: bool,
    /// `public`, `private` or `internal` (GitHub organisations only).
    pub visibility: String,
    pub archived: bool,
    pub default_branch: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Repo {
    /// `owner/name`.
    #[must_use]
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// What `--state DIR` keeps across restarts (users and orgs come from the flags).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Persisted {
    pub next_id: u64,
    pub repos: Vec<Repo>,
    /// Lower-cased old `owner/name` → repository id.
    pub redirects: BTreeMap<String, u64>,
}

/// Why a change to the model was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    /// The name is taken in that account.
    Duplicate,
    /// The caller may not do this (the message says why).
    Forbidden(&'static str),
    /// The repository is archived and the change is not an unarchive.
    Archived,
    /// A field is malformed.
    Invalid(String),
    /// A field other than the name is refused (the field, the forge's words).
    Field(&'static str, String),
}

/// The whole forge.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub users: Vec<User>,
    pub orgs: Vec<Org>,
    pub repos: BTreeMap<u64, Repo>,
    pub redirects: BTreeMap<String, u64>,
    pub next_id: u64,
}

/// A change a PATCH asks for; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub name: Option<String>,
    /// A new display name (GitLab only); `Some(None)` drops it.
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub private: Option<bool>,
    pub visibility: Option<String>,
    pub archived: Option<bool>,
    pub default_branch: Option<String>,
}

impl World {
    /// The users and orgs of the flags over what a state directory kept.
    #[must_use]
    pub fn new(config: &Config, kept: Persisted) -> Self {
        let users = config.users.iter().enumerate().map(|(i, u)| User {
            id: i as u64 + 1,
            login: u.login.clone(),
            token: u.token.clone(),
            scopes: u.scopes.clone(),
        });
        let base = config.users.len() as u64;
        let orgs = config.orgs.iter().enumerate().map(|(i, o)| Org {
            id: base + i as u64 + 1,
            name: o.name.clone(),
            owners: o.owners.clone(),
        });
        Self {
            users: users.collect(),
            orgs: orgs.collect(),
            next_id: kept
                .next_id
                .max(kept.repos.iter().map(|r| r.id).max().unwrap_or(0) + 1)
                .max(1000),
            repos: kept.repos.into_iter().map(|r| (r.id, r)).collect(),
            redirects: kept.redirects,
        }
    }

    /// What `--state` keeps.
    #[must_use]
    pub fn persisted(&self) -> Persisted {
        Persisted {
            next_id: self.next_id,
            repos: self.repos.values().cloned().collect(),
            redirects: self.redirects.clone(),
        }
    }

    /// The user a token belongs to.
    #[must_use]
    pub fn user_by_token(&self, token: &str) -> Option<&User> {
        self.users.iter().find(|u| u.token == token)
    }

    #[must_use]
    pub fn user(&self, login: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.login.eq_ignore_ascii_case(login))
    }

    #[must_use]
    pub fn org(&self, name: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The id and spelling of an account (user or org), and whether it is an org.
    #[must_use]
    pub fn account(&self, name: &str) -> Option<(u64, String, bool)> {
        self.user(name)
            .map(|u| (u.id, u.login.clone(), false))
            .or_else(|| self.org(name).map(|o| (o.id, o.name.clone(), true)))
    }

    /// Whether `login` administers repositories of `owner` (its own, or an org it owns).
    #[must_use]
    pub fn administers(&self, login: &str, owner: &str) -> bool {
        login.eq_ignore_ascii_case(owner)
            || self
                .org(owner)
                .is_some_and(|o| o.owners.iter().any(|x| x.eq_ignore_ascii_case(login)))
    }

    /// Whether `login` (if any) may see `repo`.
    #[must_use]
    pub fn sees(&self, login: Option<&str>, repo: &Repo) -> bool {
        !repo.private || login.is_some_and(|l| self.administers(l, &repo.owner))
    }

    #[must_use]
    pub fn find(&self, owner: &str, name: &str) -> Option<&Repo> {
        self.repos
            .values()
            .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    /// Where a renamed repository went.
    #[must_use]
    pub fn redirect(&self, owner: &str, name: &str) -> Option<&Repo> {
        let key = format!("{owner}/{name}").to_lowercase();
        self.redirects.get(&key).and_then(|id| self.repos.get(id))
    }

    /// Create `owner/name` as `login` (`title`: GitLab's display name, if any).
    ///
    /// # Errors
    /// The [`Refusal`] a forge would answer.
    pub fn create(
        &mut self,
        login: &str,
        owner: &str,
        name: &str,
        title: Option<String>,
        description: Option<String>,
        visibility: &str,
    ) -> Result<Repo, Refusal> {
        let (_, owner, is_org) = self.account(owner).ok_or(Refusal::NotFound)?;
        if !self.administers(login, &owner) {
            return Err(Refusal::Forbidden(
                "You need admin access to the organization before adding a repository to it.",
            ));
        }
        valid_name(name)?;
        if visibility == "internal" && !is_org {
            return Err(Refusal::Invalid(
                "visibility `internal` is only for organization repositories".into(),
            ));
        }
        if self.find(&owner, name).is_some() {
            return Err(Refusal::Duplicate);
        }
        let now = now_rfc3339();
        let repo = Repo {
            id: self.next_id,
            name: name.to_string(),
            owner,
            title: title.filter(|t| t != name),
            description: description.filter(|d| !d.is_empty()),
            private: visibility != "public",
            visibility: visibility.to_string(),
            archived: false,
            default_branch: "main".to_string(),
            created_at: now.clone(),
            updated_at: now,
        };
        self.next_id += 1;
        self.redirects.remove(&repo.full_name().to_lowercase());
        self.repos.insert(repo.id, repo.clone());
        Ok(repo)
    }

    /// Apply `change` to repository `id` as `login`; returns the repository before and after.
    ///
    /// # Errors
    /// The [`Refusal`] a forge would answer.
    pub fn patch(
        &mut self,
        login: &str,
        id: u64,
        change: &Change,
    ) -> Result<(Repo, Repo), Refusal> {
        let before = self.repos.get(&id).cloned().ok_or(Refusal::NotFound)?;
        if !self.administers(login, &before.owner) {
            return Err(Refusal::Forbidden("Must have admin rights to Repository."));
        }
        let only_unarchive = change.archived == Some(false)
            && change.name.is_none()
            && change.title.is_none()
            && change.description.is_none()
            && change.private.is_none()
            && change.visibility.is_none()
            && change.default_branch.is_none();
        if before.archived && !only_unarchive && change.archived != Some(false) {
            return Err(Refusal::Archived);
        }
        let mut after = before.clone();
        if let Some(name) = &change.name {
            valid_name(name)?;
            if !name.eq_ignore_ascii_case(&before.name) && self.find(&before.owner, name).is_some()
            {
                return Err(Refusal::Duplicate);
            }
            after.name.clone_from(name);
        }
        if let Some(t) = &change.title {
            after.title = t.clone();
        }
        after.title = after.title.filter(|t| t != &after.name);
        if let Some(d) = &change.description {
            after.description = d.clone().filter(|d| !d.is_empty());
        }
        if let Some(v) = &change.visibility {
            if !matches!(v.as_str(), "public" | "private" | "internal") {
                return Err(Refusal::Invalid(format!(
                    "visibility `{v}` is not public, private or internal"
                )));
            }
            after.visibility.clone_from(v);
            after.private = v != "public";
        } else if let Some(p) = change.private {
            after.private = p;
            after.visibility = if p { "private" } else { "public" }.to_string();
        }
        if let Some(a) = change.archived {
            after.archived = a;
        }
        if let Some(b) = &change.default_branch {
            after.default_branch.clone_from(b);
        }
        if after != before {
            after.updated_at = now_rfc3339();
        }
        if after.name != before.name {
            self.redirects.insert(before.full_name().to_lowercase(), id);
            self.redirects.remove(&after.full_name().to_lowercase());
        }
        self.repos.insert(id, after.clone());
        Ok((before, after))
    }

    /// Delete repository `id` as `login`, who needs `scope` (GitHub's `delete_repo`,
    /// GitLab's `api`).
    ///
    /// # Errors
    /// The [`Refusal`] a forge would answer.
    pub fn delete(&mut self, login: &str, id: u64, scope: &str) -> Result<Repo, Refusal> {
        let repo = self.repos.get(&id).cloned().ok_or(Refusal::NotFound)?;
        let scoped = self
            .user(login)
            .is_some_and(|u| u.scopes.iter().any(|s| s == scope));
        if !self.administers(login, &repo.owner) || !scoped {
            return Err(Refusal::Forbidden("Must have admin rights to Repository."));
        }
        self.repos.remove(&id);
        self.redirects.retain(|_, v| *v != id);
        Ok(repo)
    }
}

/// GitHub's rule for repository names: ASCII letters, digits, `.`, `-`, `_`, at most 100.
fn valid_name(name: &str) -> Result<(), Refusal> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && !name.ends_with(".git")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Refusal::Invalid(format!(
            "name `{}` is not a valid repository name",
            name.escape_default()
        )))
    }
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`, as both forges write timestamps.
#[must_use]
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
#[must_use]
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
    }
}
