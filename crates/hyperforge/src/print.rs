//! How reports and events look: text for people (data on stdout, progress on stderr), and
//! with `--json` one JSON object per line on stdout, each tagged by `type` — the events as
//! they happen, then the command's result.

use std::fmt::Write as _;

use hyperforge_ops::Event;
use hyperforge_ops::repos::{DiffReport, RefreshReport};
use hyperforge_plan::{Plan, Step};
use infra_cli::Printer;
use serde::Serialize;

/// `text` as printed for people: each line with its control and invisible characters
/// escaped (`\u{1b}`, `\u{202e}`), so a description or URL a forge sent cannot recolour
/// the terminal or reorder what is shown. JSON output is never passed through this.
pub fn shown(text: &str) -> String {
    text.split('\n')
        .map(infra_diag::escape_invisible)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One event: an NDJSON line with `--json`, else a line on stderr.
pub fn event(p: &Printer, e: &Event) {
    if p.is_json() {
        p.json_line(e);
        return;
    }
    match e {
        Event::Refreshed {
            forge,
            owner,
            repos,
        } => {
            p.status(&format!(
                "  refreshed {forge}: {} of {owner}",
                infra_cli::count(*repos, "repository", "repositories")
            ));
        }
        Event::Planned { .. } => {}
        Event::Step {
            op,
            forge,
            repo,
            resumed,
            ..
        } => {
            let done = match op.as_str() {
                "create" => "created",
                "update" => "updated",
                "rename" => "renamed",
                "delete" => "deleted",
                other => other,
            };
            let again = if *resumed {
                " (done by the interrupted apply)"
            } else {
                ""
            };
            p.success(&format!("{done} {repo} on {forge}{again}"));
        }
        Event::Captured { org, repos } => {
            p.debug(&format!(
                "recorded {} of {org} in repos.yaml",
                infra_cli::count(*repos, "repository", "repositories")
            ));
        }
        Event::Staged { org, repo, change } => {
            p.success(&format!("staged: {change} {org}/{repo}"));
        }
        Event::Remote {
            repo,
            remote,
            change,
            url,
        } => {
            let line = shown(&format!("remote {remote} of {repo}: {change} ({url})"));
            if change == "kept" {
                p.debug(&line)
            } else {
                p.status(&format!("  {line}"))
            }
        }
        Event::Pushed { repo, forge } => p.success(&format!("pushed {repo} to {forge}")),
        Event::Cloned { repo, path } => p.success(&shown(&format!("cloned {repo} into {path}"))),
        Event::Requests { forges, total } => {
            let each: Vec<String> = forges.iter().map(|(f, n)| format!("{f} {n}")).collect();
            p.debug(&format!(
                "{} ({})",
                infra_cli::count(
                    usize::try_from(*total).unwrap_or(usize::MAX),
                    "request",
                    "requests"
                ),
                each.join(", ")
            ));
        }
        Event::Warning { message } => p.warn(&shown(message)),
    }
}

/// The command's result: with `--json` one line `{"type": ty, …value}`; else `text` on
/// stdout (nothing when empty).
pub fn result<T: Serialize>(p: &Printer, ty: &str, value: &T, text: &str) {
    if p.is_json() {
        let mut v = serde_json::to_value(value).unwrap_or_default();
        let obj = match v.as_object_mut() {
            Some(m) => {
                let mut out = serde_json::Map::new();
                out.insert("type".into(), ty.into());
                out.append(m);
                serde_json::Value::Object(out)
            }
            None => serde_json::json!({ "type": ty, "items": v }),
        };
        p.json_line(&obj);
    } else if !text.is_empty() {
        p.data(&shown(text));
    }
}

fn quoted(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}

/// A plan as people read it: one line per step, `+` create, `~` update, `-` delete.
pub fn plan_text(plan: &Plan) -> String {
    let d = DiffReport::of(plan);
    let mut out = format!(
        "{}: {} to create, {} to update, {} to delete, {} in sync\n",
        plan.org,
        d.to_create.len(),
        d.to_update.len() + d.to_rename.len(),
        d.to_delete.len(),
        d.in_sync.len()
    );
    for step in &plan.steps {
        let _ = match step {
            Step::Create {
                forge,
                name,
                description,
                private,
                archived,
            } => writeln!(
                out,
                "  + {name} on {forge} ({}{}{})",
                if *private { "private" } else { "public" },
                if *archived { ", archived" } else { "" },
                description
                    .as_ref()
                    .map(|d| format!(", {}", serde_json::Value::String(d.clone())))
                    .unwrap_or_default()
            ),
            Step::Update {
                forge,
                name,
                changes,
            } => {
                let fields: Vec<String> = changes
                    .iter()
                    .map(|c| format!("{} {} → {}", c.field, quoted(&c.from), quoted(&c.to)))
                    .collect();
                writeln!(out, "  ~ {name} on {forge}: {}", fields.join("; "))
            }
            Step::Rename { forge, from, name } => writeln!(out, "  > {from} → {name} on {forge}"),
            Step::Delete {
                forge,
                name,
                protected,
            } => writeln!(
                out,
                "  - {name} on {forge}{}",
                if *protected {
                    " (protected: needs --force)"
                } else {
                    ""
                }
            ),
        };
    }
    for m in &plan.mirrors {
        let _ = writeln!(out, "  ⇉ {}: content from {} to {}", m.repo, m.from, m.to);
    }
    if !plan.untracked_remote.is_empty() {
        let _ = writeln!(
            out,
            "  on the forges but not declared (never deleted; `hyperforge org import` adopts them): {}",
            plan.untracked_remote.join(", ")
        );
    }
    out
}

/// A refresh's drift report.
pub fn refresh_text(org: &str, r: &RefreshReport) -> String {
    if r.drift.is_empty() {
        let mut out = format!("{org}: no drift\n");
        if !r.untracked_remote.is_empty() {
            let _ = writeln!(out, "  not declared: {}", r.untracked_remote.join(", "));
        }
        return out;
    }
    let mut out = format!(
        "{org}: drift in {}\n",
        infra_cli::count(r.drift.len(), "repository", "repositories")
    );
    for (repo, forges) in &r.drift {
        for (forge, fields) in forges {
            let _ = writeln!(out, "  {repo} on {forge}: {}", fields.join(", "));
        }
    }
    if !r.untracked_remote.is_empty() {
        let _ = writeln!(out, "  not declared: {}", r.untracked_remote.join(", "));
    }
    out
}

/// Rows as aligned columns under a header.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| shown(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{c:<w$}  ", w = widths[i]);
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}
