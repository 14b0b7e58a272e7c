//! Showing a plan to people (text) and programs (JSON).

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::plan::Plan;

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
        let _ = writeln!(out, "{:<width$}  {}", change.action, change.path);
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

/// Renders `plan` as JSON:
/// `{"changes": [{"path", "action", "sensitive", "diff"?}], "steps": [...], "summary": {...}}`.
///
/// `diff` is omitted for unchanged files and redacted for sensitive ones.
pub fn render_json(plan: &Plan) -> Value {
    let changes = plan
        .changes
        .iter()
        .map(|change| {
            let mut entry = Map::new();
            entry.insert("path".into(), Value::from(change.path.as_str()));
            entry.insert("action".into(), Value::from(change.action.as_str()));
            entry.insert("sensitive".into(), Value::from(change.sensitive));
            // `diff()` is `None` for unchanged files.
            if let Some(diff) = change.diff() {
                entry.insert("diff".into(), Value::from(diff));
            }
            Value::Object(entry)
        })
        .collect::<Vec<_>>();
    let steps = plan
        .steps
        .iter()
        .map(|step| {
            json!({
                "kind": step.kind,
                "description": step.description,
                "command": step.command,
            })
        })
        .collect::<Vec<_>>();
    let summary = plan.summary();
    json!({
        "changes": changes,
        "steps": steps,
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "delete": summary.delete,
            "unchanged": summary.unchanged,
        },
    })
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
create     .hsm/env
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
        let json = render_json(&plan).to_string();
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
        let value = render_json(&sample());
        let rendered = serde_json::to_string(&value).unwrap();
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
