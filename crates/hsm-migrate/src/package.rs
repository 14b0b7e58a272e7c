//! A library file (`libraries/<name>.yaml`, 0.2's `packages/<name>.yaml`) as an hsm package.

use crate::finding::Report;
use crate::implies;
use crate::rebase::{Policy, Rebase};
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
            "sources" => out.set_entry(sources(e, stem, rb, r)),
            "implies" => out.set_entry(without_self(implies::convert(e, "implies", r), stem, r)),
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

/// A library implying that its own group selects it: a no-op in the original (a library's
/// own group implications were never read), a cycle for hsm — dropped with a note.
fn without_self(mut e: Entry, stem: &str, r: &mut Report<'_>) -> Entry {
    if let Value::Map(entries, _) = &mut e.value {
        entries.retain(|t| {
            let own = t.key.starts_with("package_group:")
                && match &t.value {
                    Value::Seq(items, _) => items.iter().all(|i| i.value.as_str() == Some(stem)),
                    v => v.as_str() == Some(stem),
                };
            if own {
                r.note(t.line, &format!("implies.{}", t.key), format!("dropped: `{stem}` selecting itself in its group did nothing in the original"));
            }
            !own
        });
    }
    e
}

fn sources(e: &Entry, stem: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Entry {
    Entry {
        value: super::registry::convert_sources(e, r, |v, path, r| source(v, path, stem, rb, r)),
        ..e.clone()
    }
}

fn source(v: &Value, path: &str, stem: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Option<Value> {
    let kind = v.get("type").and_then(|t| t.value.as_str()).unwrap_or("");
    let Some(allowed) = allowed_keys(kind) else {
        let line = v.get("type").map_or(0, |t| t.line);
        r.refuse(
            line,
            &format!("{path}.type"),
            format!("source type `{kind}` cannot be installed (the original skipped it silently)"),
            "use `git` (url, ref), `local` (path) or `pypi`",
        );
        return None;
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
    finish(kind, v, &mut out, path, stem, rb, r);
    Some(out)
}

/// The keys a source of `kind` may have (`type` first), or `None` for a kind hsm cannot
/// install.
fn allowed_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
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
        _ => return None,
    })
}

/// What a source needs once its keys are converted: a `pypi` source names its package
/// (unpinned), a `local` path is looked at.
fn finish(
    kind: &str,
    v: &Value,
    out: &mut Value,
    path: &str,
    stem: &str,
    rb: &Rebase<'_>,
    r: &mut Report<'_>,
) {
    if kind == "pypi"
        && v.get("name").is_none()
        && v.get("spec").is_none()
        && rb.policy != Policy::Never
    {
        r.note(
            v.get("type").map_or(0, |t| t.line),
            path,
            format!("the original installed nothing for a `pypi` source; hsm installs `{stem}` at any version (`spec: {stem}`: the original never used `version`, which hsm would pin)"),
        );
        out.set("spec", Value::text(stem));
    }
    if kind == "local" && v.get("git").is_none() && rb.policy != Policy::Never {
        missing_path(out, path, rb, r);
    }
}

/// A note when a local path (as written after the migration) names nothing: hsm refuses a
/// source whose directory is missing when the source is used.
fn missing_path(out: &Value, path: &str, rb: &Rebase<'_>, r: &mut Report<'_>) {
    let Some(p) = out.get("path") else { return };
    let Some(text) = p.value.as_str() else { return };
    if text.contains("${") {
        r.note(p.line, &format!("{path}.path"), "hsm does not expand variables in paths (nor did the original): hsm refuses this source when it is used");
    } else if !rb.resolves(text) {
        r.note(
            p.line,
            &format!("{path}.path"),
            format!(
                "`{text}` does not exist: create it, or hsm refuses this source when it is used"
            ),
        );
    }
}

/// A `path` entry, rebased onto the registry file (with a note when it changes).
pub(crate) fn rebased(f: &Entry, here: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Entry {
    let Some(old) = f.value.as_str() else {
        return f.clone();
    };
    if let Some(target) = rb.outside(old) {
        r.note(f.line, here, format!("`{old}` points outside this project (to `{target}` from it); the original meant a path inside the project — another project sharing this registry may have migrated it"));
    }
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
