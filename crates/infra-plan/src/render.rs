//! Showing a plan to people (text) and programs (JSON).

use std::fmt::Write;

use serde::Serialize;

use crate::plan::{Action, Plan, Step, Summary};

/// Renders `plan` for a terminal: one line per file (`create  path`), the diff of every
/// created, updated or deleted file, the steps, and a closing summary line.
///
/// Values in sensitive files are redacted.
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    let width = plan
        .changes
        .iter()
        .map(|change| change.action.as_str().len())
        .max()
        .unwrap_or(0);
    for change in &plan.changes {
        let redacted = if change.sensitive && change.action != Action::Unchanged {
            " (values redacted)"
        } else {
            ""
        };
        let _ = writeln!(out, "{:<width$}  {}{redacted}", change.action, change.path);
        if let Some(diff) = change.diff() {
            out.push_str(&diff);
            if !diff.is_empty() && !diff.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if !plan.steps.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("Steps:\n");
        for step in &plan.steps {
            let _ = writeln!(out, "  - {}", step.description);
            if let Some(command) = &step.command {
                let _ = writeln!(out, "    $ {command}");
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    if plan.is_noop() {
        out.push_str("No changes: every artifact is up to date\n");
    } else {
        let _ = writeln!(out, "{}", plan.summary());
    }
    out
}

/// A plan as JSON: `{"changes": [{"path", "action", "sensitive", "diff"?}], "steps":
/// [{"kind", "description", "command"}], "summary": {"create", "update", "delete",
/// "unchanged"}}`. `diff` is omitted for unchanged files and redacted for sensitive ones.
#[derive(Debug, Serialize)]
pub struct PlanJson<'a> {
    /// File changes.
    pub changes: Vec<ChangeJson<'a>>,
    /// Steps.
    pub steps: &'a [Step],
    /// Counts per action.
    pub summary: Summary,
}

/// One file of [`PlanJson`].
#[derive(Debug, Serialize)]
pub struct ChangeJson<'a> {
    /// Path relative to the project.
    pub path: &'a str,
    /// `create`, `update`, `delete` or `unchanged`.
    pub action: Action,
    /// Values are secret (shown redacted).
    pub sensitive: bool,
    /// The unified diff, redacted for sensitive files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// Renders `plan` as JSON (see [`PlanJson`]).
pub fn render_json(plan: &Plan) -> PlanJson<'_> {
    PlanJson {
        changes: plan
            .changes
            .iter()
            .map(|change| ChangeJson {
                path: &change.path,
                action: change.action,
                sensitive: change.sensitive,
                diff: change.diff(),
            })
            .collect(),
        steps: &plan.steps,
        summary: plan.summary(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{FileChange, Step};

    const SECRET: &str = "s3cr3t-value";

    fn sample() -> Plan {
        Plan {
            changes: vec![
                FileChange::new(
                    ".hsm/env",
                    None,
                    Some(format!("# generated\nDB_PASSWORD={SECRET}\n")),
                    true,
                ),
                FileChange::new(
                    "pyproject.toml",
                    Some("[project]\nname = \"a\"\n".into()),
                    Some("[project]\nname = \"b\"\n".into()),
                    false,
                ),
                FileChange::new(
                    "docker-compose.hsm.yml",
                    Some("services: {}\n".into()),
                    None,
                    false,
                ),
                FileChange::new(
                    "README.md",
                    Some("same\n".into()),
                    Some("same\n".into()),
                    false,
                ),
            ],
            steps: vec![
                Step::new(
                    "install",
                    "Install Python dependencies",
                    Some("uv sync".into()),
                ),
                Step::new("note", "Nothing to run", None),
            ],
        }
    }

    #[test]
    fn text_lists_changes_diffs_steps_and_summary() {
        let text = render_text(&sample());
        let expected = "\
create     .hsm/env (values redacted)
--- /dev/null
+++ b/.hsm/env
@@ -0,0 +1,2 @@
+# generated
+DB_PASSWORD=<redacted>
update     pyproject.toml
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -1,2 +1,2 @@
 [project]
-name = \"a\"
+name = \"b\"
delete     docker-compose.hsm.yml
--- a/docker-compose.hsm.yml
+++ /dev/null
@@ -1 +0,0 @@
-services: {}
unchanged  README.md

Steps:
  - Install Python dependencies
    $ uv sync
  - Nothing to run

1 to create, 1 to update, 1 to delete, 1 unchanged
";
        assert_eq!(text, expected);
    }

    #[test]
    fn text_aligns_to_the_longest_action_present() {
        let plan = Plan {
            changes: vec![
                FileChange::new("a", None, Some("x\n".into()), false),
                FileChange::new("b", Some("x\n".into()), Some("y\n".into()), false),
            ],
            steps: vec![],
        };
        let text = render_text(&plan);
        assert!(text.starts_with("create  a\n"), "{text}");
        assert!(text.contains("\nupdate  b\n"), "{text}");
    }

    #[test]
    fn noop_plan_says_so() {
        let plan = Plan {
            changes: vec![FileChange::new(
                "a",
                Some("x".into()),
                Some("x".into()),
                false,
            )],
            steps: vec![],
        };
        assert_eq!(
            render_text(&plan),
            "unchanged  a\n\nNo changes: every artifact is up to date\n"
        );
        assert_eq!(
            render_text(&Plan::default()),
            "No changes: every artifact is up to date\n"
        );
    }

    #[test]
    fn secrets_never_appear_in_any_output() {
        let mut plan = sample();
        plan.changes.push(FileChange::new(
            "secrets.env",
            Some(format!("TOKEN={SECRET}\n")),
            Some("TOKEN=other-secret\n".into()),
            true,
        ));
        plan.changes.push(FileChange::new(
            "old.env",
            Some(format!("export TOKEN=\"{SECRET}\"\n")),
            None,
            true,
        ));
        let text = render_text(&plan);
        let json = serde_json::to_string(&render_json(&plan)).unwrap();
        for output in [&text, &json] {
            assert!(!output.contains(SECRET), "{output}");
            assert!(!output.contains("other-secret"), "{output}");
        }
        assert!(
            text.contains("-TOKEN=<redacted>\n+TOKEN=<redacted, changed>\n"),
            "{text}"
        );
        assert!(text.contains("-export TOKEN=<redacted>\n"), "{text}");
    }

    #[test]
    fn json_shape_and_field_order() {
        let rendered = serde_json::to_string(&render_json(&sample())).unwrap();
        let value: serde_json::Value = serde_json::from_str(&rendered).unwrap();
        assert!(rendered.starts_with(r#"{"changes":[{"path":".hsm/env","action":"create","sensitive":true,"diff":"--- /dev/null"#), "{rendered}");
        assert!(
            rendered.contains(r#"{"path":"README.md","action":"unchanged","sensitive":false}"#),
            "{rendered}"
        );
        assert!(rendered.ends_with(r#""steps":[{"kind":"install","description":"Install Python dependencies","command":"uv sync"},{"kind":"note","description":"Nothing to run","command":null}],"summary":{"create":1,"update":1,"delete":1,"unchanged":1}}"#), "{rendered}");
        assert_eq!(
            value["changes"][1]["diff"],
            "--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1,2 +1,2 @@\n [project]\n-name = \"a\"\n+name = \"b\"\n"
        );
        assert!(value["changes"][3].get("diff").is_none());
    }
}
