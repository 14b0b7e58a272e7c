//! The edit itself.

use hsm_adapter::{GitRef, ReqKind, Requirement, normalize_name};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

/// Why `pyproject.toml` cannot be edited.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Not valid TOML.
    #[error("not valid TOML: {0}")]
    Parse(String),
    /// A key has an unexpected type.
    #[error("`{key}` must be {expected}")]
    Shape {
        /// Dotted key.
        key: &'static str,
        /// Expected type.
        expected: &'static str,
    },
    /// The user declares a dependency hsm also wants to manage.
    #[error(
        "`{name}` is declared in `project.dependencies` by you and is also selected through hsm"
    )]
    UserOwned {
        /// The dependency name.
        name: String,
    },
}

/// A new `pyproject.toml` for a project that has none.
pub fn minimal_pyproject(project_name: &str, version: &str) -> String {
    format!(
        "# Created by hsm {version}. hsm manages only the dependencies listed under\n\
         # [tool.hsm]; everything else in this file is yours.\n\
         [project]\n\
         name = \"{}\"\n\
         version = \"0.1.0\"\n\
         requires-python = \">=3.10\"\n\
         dependencies = []\n",
        project_name.replace('"', "")
    )
}

/// The names hsm managed last time (from `[tool.hsm] managed-dependencies`).
pub fn managed_names(doc: &DocumentMut) -> Vec<String> {
    doc.get("tool")
        .and_then(|t| t.get("hsm"))
        .and_then(|h| h.get("managed-dependencies"))
        .and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(normalize_name))
                .collect()
        })
        .unwrap_or_default()
}

fn dep_name(spec: &str) -> String {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    normalize_name(&spec[..end])
}

fn dep_string(r: &Requirement) -> String {
    match &r.kind {
        ReqKind::Index { spec } => spec.clone(),
        ReqKind::Git { .. } | ReqKind::Path { .. } => r.name.clone(),
    }
}

fn source_table(r: &Requirement) -> Option<InlineTable> {
    let mut t = InlineTable::new();
    match &r.kind {
        ReqKind::Index { .. } => return None,
        ReqKind::Git {
            url,
            reference,
            subdirectory,
        } => {
            t.insert("git", url.as_str().into());
            match reference {
                GitRef::Default => {}
                GitRef::Rev(v) => {
                    t.insert("rev", v.as_str().into());
                }
                GitRef::Tag(v) => {
                    t.insert("tag", v.as_str().into());
                }
                GitRef::Branch(v) => {
                    t.insert("branch", v.as_str().into());
                }
            }
            if let Some(s) = subdirectory {
                t.insert("subdirectory", s.as_str().into());
            }
        }
        ReqKind::Path { path, editable } => {
            t.insert("path", path.as_str().into());
            if *editable {
                t.insert("editable", true.into());
            }
        }
    }
    Some(t)
}

/// Removes the entries hsm managed. A comment written after the comma of the entry *before*
/// a removed one lives in the removed entry's prefix; it is carried over to the next entry
/// (or the array's trailing space) so the user's comment stays on its line.
fn remove_managed(deps: &mut Array, previous: &[String]) {
    let mut carry = String::new();
    let mut i = 0;
    while i < deps.len() {
        let managed = deps
            .get(i)
            .and_then(Value::as_str)
            .is_some_and(|s| previous.contains(&dep_name(s)));
        if managed {
            let v = deps.remove(i);
            let prefix = v.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
            if let Some(idx) = prefix.find('\n') {
                let head = &prefix[..idx];
                if head.contains('#') {
                    carry.push_str(head);
                }
            }
            continue;
        }
        if !carry.is_empty()
            && let Some(v) = deps.get_mut(i)
        {
            let prefix = v
                .decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("")
                .to_string();
            v.decor_mut().set_prefix(format!("{carry}{prefix}"));
            carry.clear();
        }
        i += 1;
    }
    if !carry.is_empty() {
        let trailing = deps.trailing().as_str().unwrap_or("").to_string();
        deps.set_trailing(format!("{carry}{trailing}"));
    }
}

/// The sub-table `key` of `parent`, created as an implicit table (no `[tool]` header of its
/// own) when missing.
fn implicit_table<'a>(
    parent: &'a mut Table,
    key: &str,
    path: &'static str,
) -> Result<&'a mut Table, EditError> {
    parent
        .entry(key)
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or(EditError::Shape {
            key: path,
            expected: "a table",
        })
}

/// Applies `reqs` as the hsm-managed dependencies of `text`. Returns the new text (identical
/// to `text` when nothing changes).
pub fn apply(text: &str, reqs: &[Requirement]) -> Result<String, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| EditError::Parse(e.to_string()))?;
    let previous = managed_names(&doc);
    let mut wanted: Vec<&Requirement> = reqs.iter().collect();
    wanted.sort_by_key(|r| normalize_name(&r.name));
    let wanted_names: Vec<String> = wanted.iter().map(|r| normalize_name(&r.name)).collect();

    // Nothing managed before or now: leave the file alone.
    if previous.is_empty() && wanted.is_empty() {
        return Ok(text.to_string());
    }

    let project = doc
        .entry("project")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .ok_or(EditError::Shape {
            key: "project",
            expected: "a table",
        })?;
    let deps_item = project
        .entry("dependencies")
        .or_insert(Item::Value(Value::Array(Array::new())));
    let deps = deps_item.as_array_mut().ok_or(EditError::Shape {
        key: "project.dependencies",
        expected: "an array of strings",
    })?;

    // Current managed entries, in order, to detect a no-op.
    let current_managed: Vec<String> = deps
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| previous.contains(&dep_name(s)))
        .map(str::to_string)
        .collect();
    for s in deps.iter().filter_map(Value::as_str) {
        let n = dep_name(s);
        if wanted_names.contains(&n) && !previous.contains(&n) {
            return Err(EditError::UserOwned { name: n });
        }
    }
    let wanted_deps: Vec<String> = wanted.iter().map(|r| dep_string(r)).collect();
    let sources_same = {
        let existing = doc
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("sources"));
        wanted.iter().all(|r| {
            let want = source_table(r);
            let have = existing
                .and_then(|s| s.get(&r.name))
                .and_then(Item::as_inline_table);
            match (want, have) {
                (None, None) => true,
                (Some(w), Some(h)) => {
                    w.to_string().trim() == {
                        let mut h = h.clone();
                        h.fmt();
                        h.to_string().trim().to_string()
                    }
                }
                _ => false,
            }
        }) && previous.iter().all(|p| {
            wanted_names.contains(p)
                || existing
                    .and_then(|s| s.as_table_like())
                    .is_none_or(|s| !s.iter().any(|(k, _)| normalize_name(k) == *p))
        })
    };
    if current_managed == wanted_deps && previous == wanted_names && sources_same {
        return Ok(text.to_string());
    }

    // Rebuild: drop previous managed entries, append wanted ones keeping the array's style.
    let project = doc["project"].as_table_like_mut().ok_or(EditError::Shape {
        key: "project",
        expected: "a table",
    })?;
    let deps = project
        .get_mut("dependencies")
        .and_then(Item::as_array_mut)
        .ok_or(EditError::Shape {
            key: "project.dependencies",
            expected: "an array of strings",
        })?;
    remove_managed(deps, &previous);
    let multiline = deps.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    let indent = deps
        .iter()
        .last()
        .and_then(|v| {
            v.decor()
                .prefix()
                .and_then(|p| p.as_str())
                .map(str::to_string)
        })
        .and_then(|p| p.rsplit('\n').next().map(str::to_string))
        .unwrap_or_else(|| "    ".to_string());
    // A comment after the last item's comma lives in the array's trailing decor; keep it on
    // that line by moving it in front of the first appended item.
    let trailing = deps.trailing().as_str().unwrap_or("").to_string();
    for (i, d) in wanted_deps.iter().enumerate() {
        if multiline {
            let prefix = if i == 0 && !trailing.trim().is_empty() {
                format!("{}\n{indent}", trailing.trim_end())
            } else {
                format!("\n{indent}")
            };
            deps.push_formatted(Value::from(d.as_str()).decorated(prefix, ""));
        } else {
            deps.push(d.as_str());
        }
    }
    if multiline && !wanted_deps.is_empty() {
        deps.set_trailing("\n");
        deps.set_trailing_comma(true);
    }

    // [tool.uv.sources]
    let tool = implicit_table(doc.as_table_mut(), "tool", "tool")?;
    let uv = implicit_table(tool, "uv", "tool.uv")?;
    let sources = uv
        .entry("sources")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or(EditError::Shape {
            key: "tool.uv.sources",
            expected: "a table",
        })?;
    let stale: Vec<String> = sources
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| previous.contains(&normalize_name(k)))
        .collect();
    for k in stale {
        sources.remove(&k);
    }
    for r in &wanted {
        if let Some(t) = source_table(r) {
            sources.insert(&r.name, Item::Value(Value::InlineTable(t)));
        }
    }
    let sources_empty = sources.is_empty();
    if sources_empty {
        uv.remove("sources");
    }
    let uv_empty = uv.is_empty();
    if uv_empty {
        tool.remove("uv");
    }

    // [tool.hsm]
    let tool = doc["tool"].as_table_mut().ok_or(EditError::Shape {
        key: "tool",
        expected: "a table",
    })?;
    if wanted_names.is_empty() {
        tool.remove("hsm");
    } else {
        let hsm = tool
            .entry("hsm")
            .or_insert_with(|| {
                let mut t = Table::new();
                t.decor_mut().set_prefix(
                    "\n# Written by hsm: the dependencies it manages. Do not edit by hand.\n",
                );
                Item::Table(t)
            })
            .as_table_mut()
            .ok_or(EditError::Shape {
                key: "tool.hsm",
                expected: "a table",
            })?;
        let mut arr = Array::new();
        for n in &wanted_names {
            arr.push(n.as_str());
        }
        hsm.insert("managed-dependencies", Item::Value(Value::Array(arr)));
    }
    if tool.is_empty() {
        doc.remove("tool");
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(name: &str, kind: ReqKind) -> Requirement {
        Requirement {
            name: name.into(),
            kind,
        }
    }

    const USER: &str = "# my project\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\n    \"httpx>=0.27\",  # user dep\n]\n\n[tool.uv.sources]\nhttpx = { git = \"https://example.invalid/httpx\" }\n";

    #[test]
    fn adds_keeps_user_and_is_idempotent() {
        let reqs = vec![
            req(
                "neo4j-client",
                ReqKind::Path {
                    path: "packages/neo4j-client".into(),
                    editable: true,
                },
            ),
            req(
                "requests",
                ReqKind::Index {
                    spec: "requests>=2".into(),
                },
            ),
            req(
                "lib",
                ReqKind::Git {
                    url: "file:///r".into(),
                    reference: GitRef::Tag("v1".into()),
                    subdirectory: Some("py".into()),
                },
            ),
        ];
        let out = apply(USER, &reqs).unwrap();
        assert!(out.starts_with("# my project\n"));
        assert!(out.contains("\"httpx>=0.27\",  # user dep"), "{out}");
        assert!(
            out.contains("neo4j-client = { path = \"packages/neo4j-client\", editable = true }"),
            "{out}"
        );
        assert!(
            out.contains("lib = { git = \"file:///r\", tag = \"v1\", subdirectory = \"py\" }"),
            "{out}"
        );
        assert!(out.contains("\"requests>=2\""), "{out}");
        assert!(out.contains("httpx = { git"), "{out}");
        let again = apply(&out, &reqs).unwrap();
        assert_eq!(again, out, "second apply must be byte-identical");
        // Removing everything restores the user's deps and sources.
        let removed = apply(&out, &[]).unwrap();
        assert!(!removed.contains("neo4j"), "{removed}");
        assert!(!removed.contains("tool.hsm"), "{removed}");
        assert!(removed.contains("httpx = { git"), "{removed}");
        assert!(removed.contains("\"httpx>=0.27\""), "{removed}");
    }

    #[test]
    fn refuses_to_take_over_user_deps() {
        let reqs = vec![req(
            "httpx",
            ReqKind::Index {
                spec: "httpx".into(),
            },
        )];
        assert!(matches!(
            apply(USER, &reqs),
            Err(EditError::UserOwned { .. })
        ));
    }

    #[test]
    fn noop_without_managed() {
        assert_eq!(apply(USER, &[]).unwrap(), USER);
    }
}

#[cfg(test)]
mod comment_tests {
    use super::*;

    #[test]
    fn removing_entries_keeps_comments_of_user_lines() {
        let user = "[project]\nname = \"m\"\ndependencies = [\n    \"mine\", # not hsm's\n]\n";
        let a = Requirement {
            name: "a".into(),
            kind: ReqKind::Index { spec: "a".into() },
        };
        let b = Requirement {
            name: "b".into(),
            kind: ReqKind::Index { spec: "b".into() },
        };
        let both = apply(user, &[a.clone(), b]).unwrap();
        assert!(both.contains("\"mine\", # not hsm's\n"), "{both}");
        let one = apply(&both, &[a]).unwrap();
        assert!(one.contains("\"mine\", # not hsm's\n"), "{one}");
        assert_eq!(apply(&one, &[]).unwrap(), user);
    }
}
