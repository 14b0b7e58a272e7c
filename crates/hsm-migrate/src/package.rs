//! A library file (`libraries/<name>.yaml`, 0.2's `packages/<name>.yaml`) as an hsm package.

use crate::finding::Report;
use crate::implies;
use crate::rebase::Rebase;
use crate::tree::{Entry, Value};

/// Converts a library file named `stem`.
pub(crate) fn convert(root: &Value, stem: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Value {
    let mut out = Value::map();
    super::registry::ensure_name(root, stem, &mut out, r);
    for e in root.entries().unwrap_or_default() {
        match e.key.as_str() {
            "name" => out.set_entry(super::registry::name_entry(e, stem, r)),
            "version" | "description" | "distribution" | "env" => out.set_entry(e.clone()),
            "type" => match e.value.as_str() {
                Some("library" | "package") | None => {}
                Some("virtual") => r.note(e.line, "type", "dropped: a `virtual` library is an ordinary package in hsm"),
                Some(other) => r.refuse(
                    e.line,
                    "type",
                    format!("a library file with `type: {other}`"),
                    "move the file to the folder of its kind (`services/` for a service)",
                ),
            },
            "sources" => out.set_entry(sources(e, rb, r)),
            "implies" => out.set_entry(implies::convert(e, "implies", r)),
            "dependencies" => {
                if !e.value.is_empty() {
                    r.note(e.line, "dependencies", "dropped: the original never read a library's `dependencies` (the package's own pyproject.toml declares them)");
                }
            }
            "entrypoints" if e.value.is_empty() => {}
            "entrypoints" => r.refuse(
                e.line,
                "entrypoints",
                "hsm has no entrypoints (the original stored them and never ran them)",
                "remove `entrypoints` (declare the commands as `[project.scripts]` in the package's pyproject.toml)",
            ),
            other => r.refuse(
                e.line,
                other,
                format!("`{other}` is not a key of a library"),
                "remove it; hsm packages have name, version, description, sources, env and implies",
            ),
        }
    }
    out
}

fn sources(e: &Entry, rb: &Rebase<'_>, r: &mut Report<'_>) -> Entry {
    let mut out = Value::map_like(&e.value);
    for s in e.value.entries().unwrap_or_default() {
        let path = format!("sources.{}", s.key);
        if !matches!(s.key.as_str(), "prod" | "dev") {
            r.refuse(
                s.line,
                &path,
                format!("`{}` is not a mode", s.key),
                "sources are `prod` and `dev`",
            );
            continue;
        }
        if s.value.is_null() {
            continue;
        }
        if let Some(v) = source(&s.value, &path, rb, r) {
            out.set_entry(Entry {
                value: v,
                ..s.clone()
            });
        }
    }
    Entry {
        value: out,
        ..e.clone()
    }
}

fn source(v: &Value, path: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Option<Value> {
    let kind = v.get("type").and_then(|t| t.value.as_str()).unwrap_or("");
    let allowed: &[&str] = match kind {
        "git" => &[
            "type",
            "url",
            "ref",
            "tag",
            "branch",
            "rev",
            "subdirectory",
            "editable",
        ],
        "local" => &["type", "path", "editable", "git"],
        "pypi" => &["type", "name", "spec", "index"],
        _ => {
            let line = v.get("type").map_or(0, |t| t.line);
            r.refuse(
                line,
                &format!("{path}.type"),
                format!(
                    "source type `{kind}` cannot be installed (the original skipped it silently)"
                ),
                "use `git` (url, ref), `local` (path) or `pypi`",
            );
            return None;
        }
    };
    let mut out = Value::map_like(v);
    for f in v.entries().unwrap_or_default() {
        let here = format!("{path}.{}", f.key);
        if !allowed.contains(&f.key.as_str()) {
            r.refuse(
                f.line,
                &here,
                format!("`{}` is not a key of a `{kind}` source", f.key),
                format!(
                    "remove it; a `{kind}` source has {}",
                    allowed[1..].join(", ")
                ),
            );
            continue;
        }
        match (kind, f.key.as_str()) {
            ("git", "editable") => r.note(
                f.line,
                &here,
                "dropped: a git source is installed from the repository, never editable",
            ),
            ("git", "subdirectory") => {
                r.note(
                    f.line,
                    &here,
                    "the original ignored `subdirectory`; hsm installs from it",
                );
                out.set_entry(f.clone());
            }
            ("local", "path") => {
                if path == "sources.dev" {
                    r.note(f.line, &here, "installed editable now: the original ignored `editable` and installed a copy");
                }
                out.set_entry(rebased(f, &here, rb, r));
            }
            ("pypi", "name") => {
                r.note(f.line, &here, "the original installed nothing for a `pypi` source; hsm installs this requirement");
                out.set_entry(Entry {
                    key: "spec".into(),
                    ..f.clone()
                });
            }
            _ => out.set_entry(f.clone()),
        }
    }
    if kind == "pypi" && v.get("name").is_none() {
        r.note(v.get("type").map_or(0, |t| t.line), path, "the original installed nothing for a `pypi` source; hsm installs the distribution named like the package");
    }
    Some(out)
}

/// A `path` entry, rebased onto the registry file (with a note when it changes).
pub(crate) fn rebased(f: &Entry, here: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Entry {
    let Some(old) = f.value.as_str() else {
        return f.clone();
    };
    match rb.path(old) {
        Some(new) => {
            r.note(f.line, here, format!("`{old}` is now `{new}`: hsm resolves paths against the registry file, not the project"));
            Entry {
                value: Value::text(new),
                ..f.clone()
            }
        }
        None => f.clone(),
    }
}
