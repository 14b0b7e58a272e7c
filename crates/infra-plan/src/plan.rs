//! The plan model: file changes and steps.

use std::fmt;

use serde::Serialize;

use crate::diff::{DIFF_CONTEXT, diff_with_headers};
use crate::redact::redact_pair;

/// Everything a command would do: file changes, then external steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// File changes, in the order they will be applied and shown.
    pub changes: Vec<FileChange>,
    /// External steps (commands to run, services to start), in order.
    pub steps: Vec<Step>,
}

/// What happens to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The file does not exist yet and will be written.
    Create,
    /// The file exists and its content will change.
    Update,
    /// The file exists and will be removed.
    Delete,
    /// The file already has the wanted content (or is absent and stays absent).
    Unchanged,
}

/// One file the plan concerns, with its content before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// The path shown to the user, relative to the project.
    pub path: String,
    /// What happens to the file, derived from `before` and `after`.
    pub action: Action,
    /// The current content, `None` when the file does not exist.
    #[serde(skip)]
    pub before: Option<String>,
    /// The wanted content, `None` when the file should not exist.
    #[serde(skip)]
    pub after: Option<String>,
    /// Whether the file holds secrets (`KEY=VALUE` lines): the values named by `redaction`
    /// are never shown.
    pub sensitive: bool,
    /// Which values are hidden when the file is shown.
    #[serde(skip)]
    pub redaction: Redaction,
}

/// Which values of a dotenv-style file are hidden when it is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Redaction {
    /// Nothing (not a secrets file).
    #[default]
    None,
    /// Every value.
    All,
    /// The values of these keys (and every line that is not a recognisable assignment).
    Keys(Vec<String>),
}

/// An external action the plan will perform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// A short machine-readable category, such as `"install"` or `"clone"`.
    pub kind: String,
    /// What the step does, for humans.
    pub description: String,
    /// The command line that will run, if the step runs one.
    pub command: Option<String>,
}

/// How many files each action applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files to create.
    pub create: usize,
    /// Files to update.
    pub update: usize,
    /// Files to delete.
    pub delete: usize,
    /// Files already up to date.
    pub unchanged: usize,
}

impl Plan {
    /// Whether applying the plan would change no file.
    pub fn is_noop(&self) -> bool {
        self.changes
            .iter()
            .all(|change| change.action == Action::Unchanged)
    }

    /// The changes that are not [`Action::Unchanged`].
    pub fn changed(&self) -> impl Iterator<Item = &FileChange> {
        self.changes
            .iter()
            .filter(|change| change.action != Action::Unchanged)
    }

    /// Counts the changes per action.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            let count = match change.action {
                Action::Create => &mut summary.create,
                Action::Update => &mut summary.update,
                Action::Delete => &mut summary.delete,
                Action::Unchanged => &mut summary.unchanged,
            };
            *count += 1;
        }
        summary
    }
}

impl Action {
    /// The lowercase name used in text and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FileChange {
    /// A change of `path` from `before` to `after` (`None` = file absent); the action is
    /// derived: absent → present is a create, present → absent a delete, equal content
    /// (or absent on both sides) unchanged, anything else an update.
    pub fn new(
        path: impl Into<String>,
        before: Option<String>,
        after: Option<String>,
        sensitive: bool,
    ) -> Self {
        let redaction = if sensitive {
            Redaction::All
        } else {
            Redaction::None
        };
        Self::with_redaction(path, before, after, redaction)
    }

    /// A change whose shown form hides the values `redaction` names; the action is still
    /// derived from the real contents, so a changed secret is an update.
    pub fn with_redaction(
        path: impl Into<String>,
        before: Option<String>,
        after: Option<String>,
        redaction: Redaction,
    ) -> Self {
        let action = match (&before, &after) {
            (None, None) => Action::Unchanged,
            (None, Some(_)) => Action::Create,
            (Some(_), None) => Action::Delete,
            (Some(old), Some(new)) if old == new => Action::Unchanged,
            (Some(_), Some(_)) => Action::Update,
        };
        Self {
            path: path.into(),
            action,
            before,
            after,
            sensitive: redaction != Redaction::None,
            redaction,
        }
    }

    /// The unified diff of this change (`None` when unchanged). Created files diff against
    /// `/dev/null` on the old side, deleted files on the new side. For sensitive files every
    /// value is redacted first, so the diff never contains a secret.
    pub fn diff(&self) -> Option<String> {
        let path = &self.path;
        let (old_header, new_header) = match self.action {
            Action::Unchanged => return None,
            Action::Create => ("/dev/null".to_owned(), format!("b/{path}")),
            Action::Delete => (format!("a/{path}"), "/dev/null".to_owned()),
            Action::Update => (format!("a/{path}"), format!("b/{path}")),
        };
        let before = self.before.as_deref().unwrap_or_default();
        let after = self.after.as_deref().unwrap_or_default();
        let keys = match &self.redaction {
            Redaction::None => None,
            Redaction::All => Some(None),
            Redaction::Keys(k) => Some(Some(k.as_slice())),
        };
        let diff = if let Some(keys) = keys {
            let (before, after) = redact_pair(before, after, keys);
            diff_with_headers(&old_header, &new_header, &before, &after, DIFF_CONTEXT)
        } else {
            diff_with_headers(&old_header, &new_header, before, after, DIFF_CONTEXT)
        };
        Some(diff)
    }
}

impl Step {
    /// A step of `kind` described by `description`, optionally running `command`.
    pub fn new(
        kind: impl Into<String>,
        description: impl Into<String>,
        command: Option<String>,
    ) -> Self {
        Self {
            kind: kind.into(),
            description: description.into(),
            command,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} to create, {} to update, {} to delete, {} unchanged",
            self.create, self.update, self.delete, self.unchanged
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: Option<&str>, after: Option<&str>) -> FileChange {
        FileChange::new(
            "f",
            before.map(str::to_owned),
            after.map(str::to_owned),
            false,
        )
    }

    #[test]
    fn action_is_derived_from_contents() {
        assert_eq!(change(None, Some("x")).action, Action::Create);
        assert_eq!(change(None, Some("")).action, Action::Create);
        assert_eq!(change(Some("x"), None).action, Action::Delete);
        assert_eq!(change(None, None).action, Action::Unchanged);
        assert_eq!(change(Some("x"), Some("x")).action, Action::Unchanged);
        assert_eq!(change(Some("x"), Some("y")).action, Action::Update);
        assert_eq!(change(Some("x\n"), Some("x")).action, Action::Update);
    }

    #[test]
    fn noop_changed_and_summary() {
        let mut plan = Plan {
            changes: vec![change(Some("a"), Some("a")), change(None, None)],
            steps: vec![Step::new("install", "install deps", None)],
        };
        assert!(plan.is_noop());
        assert_eq!(plan.changed().count(), 0);

        plan.changes.push(change(None, Some("n")));
        plan.changes.push(change(Some("o"), None));
        plan.changes.push(change(Some("o"), Some("p")));
        assert!(!plan.is_noop());
        let actions: Vec<Action> = plan.changed().map(|c| c.action).collect();
        assert_eq!(actions, [Action::Create, Action::Delete, Action::Update]);
        let summary = plan.summary();
        assert_eq!(
            summary,
            Summary {
                create: 1,
                update: 1,
                delete: 1,
                unchanged: 2
            }
        );
        assert_eq!(
            summary.to_string(),
            "1 to create, 1 to update, 1 to delete, 2 unchanged"
        );
    }

    #[test]
    fn diff_headers_follow_the_action() {
        let created = change(None, Some("a\n")).diff().unwrap();
        assert!(
            created.starts_with("--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"),
            "{created}"
        );
        let deleted = change(Some("a\n"), None).diff().unwrap();
        assert!(
            deleted.starts_with("--- a/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"),
            "{deleted}"
        );
        let updated = change(Some("a\n"), Some("b\n")).diff().unwrap();
        assert_eq!(updated, "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
        assert_eq!(change(Some("a"), Some("a")).diff(), None);
    }

    #[test]
    fn plan_serializes_without_contents() {
        let plan = Plan {
            changes: vec![FileChange::new("p", None, Some("SECRET".into()), true)],
            steps: vec![Step::new("run", "do it", Some("make".into()))],
        };
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(
            json,
            r#"{"changes":[{"path":"p","action":"create","sensitive":true}],"steps":[{"kind":"run","description":"do it","command":"make"}]}"#
        );
    }
}
