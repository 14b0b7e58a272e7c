//! From resolved packages to adapter-neutral requirements.

use std::path::Path;

use hsm_adapter::{GitRef, ReqKind, Requirement, normalize_name};
use hsm_resolve::{Stack, from_registry, relative_to};
use hsm_schema::{Mode, PackageSource, PackageSpec};
use infra_yaml::{Diagnostic, PathIndex};

/// What the requirement of one package is computed from.
pub struct PackageRef<'a> {
    /// Registry name.
    pub name: &'a str,
    /// Registry file contents.
    pub spec: &'a PackageSpec,
    /// Active mode.
    pub mode: Mode,
    /// Directory of the registry file.
    pub registry_dir: &'a Path,
    /// Registry file as shown in messages.
    pub registry_file: &'a Path,
    /// Key positions of the registry file.
    pub index: &'a PathIndex,
}

/// One package's requirement with paths relative to `base` (`None` for a virtual package).
/// Values destined for `pyproject.toml` may not contain `${VAR}` references: that file is
/// committed, so a secret there would leak (seed case 5).
pub fn requirement(
    p: &PackageRef<'_>,
    base: &Path,
) -> Result<Option<Requirement>, Vec<Diagnostic>> {
    let Some(source) = p.spec.sources.active(p.mode) else {
        return Ok(None);
    };
    let key = format!(
        "sources.{}",
        if p.spec.sources.for_mode(p.mode).is_some() {
            p.mode
        } else {
            Mode::Prod
        }
    );
    let err = |k: &str, msg: String| {
        let full = format!("{key}.{k}");
        Diagnostic::new(p.registry_file, msg)
            .at(p.index.locate(&full))
            .key(full)
    };
    let leak = |k: &str, v: &str| -> Option<Diagnostic> {
        v.contains("${").then(|| {
            err(k, format!("`{v}` uses a variable, but package sources are written to pyproject.toml, which is committed"))
                .hint("keep secrets out of package sources: use a git credential helper or uv's `UV_INDEX_*` variables")
        })
    };
    let kind = match source {
        PackageSource::Pypi { spec } => {
            let spec = match spec {
                None => match &p.spec.version {
                    Some(v) => format!("{}=={}", p.name, v.0),
                    None => p.name.to_string(),
                },
                Some(s) if s.trim_start().starts_with(['<', '>', '=', '!', '~']) => {
                    format!("{}{}", p.name, s.trim())
                }
                Some(s) => {
                    let end = s
                        .find(|c: char| {
                            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        })
                        .unwrap_or(s.len());
                    if normalize_name(&s[..end]) != normalize_name(p.name) {
                        return Err(vec![
                            err(
                                "spec",
                                format!(
                                    "spec `{s}` names package `{}`, not `{}`",
                                    &s[..end],
                                    p.name
                                ),
                            )
                            .hint(format!(
                                "write a version specifier (`>=1.0`) or a requirement for `{}`",
                                p.name
                            )),
                        ]);
                    }
                    s.trim().to_string()
                }
            };
            if let Some(e) = leak("spec", &spec) {
                return Err(vec![e]);
            }
            ReqKind::Index { spec }
        }
        PackageSource::Git {
            url,
            reference,
            tag,
            branch,
            rev,
            subdirectory,
        } => {
            for (k, v) in [
                ("url", Some(url)),
                ("ref", reference.as_ref()),
                ("tag", tag.as_ref()),
                ("branch", branch.as_ref()),
                ("rev", rev.as_ref()),
                ("subdirectory", subdirectory.as_ref()),
            ] {
                if let Some(v) = v
                    && let Some(e) = leak(k, v)
                {
                    return Err(vec![e]);
                }
            }
            let reference = if let Some(t) = tag {
                GitRef::Tag(t.clone())
            } else if let Some(b) = branch {
                GitRef::Branch(b.clone())
            } else if let Some(r) = rev.as_ref().or(reference.as_ref()) {
                GitRef::Rev(r.clone())
            } else {
                GitRef::Default
            };
            ReqKind::Git {
                url: url.clone(),
                reference,
                subdirectory: subdirectory.clone(),
            }
        }
        PackageSource::Local {
            path,
            editable,
            git,
        } => {
            if let Some(e) = leak("path", path) {
                return Err(vec![e]);
            }
            let abs = from_registry(p.registry_dir, path);
            if !abs.exists() && git.is_none() {
                return Err(vec![
                    err("path", format!("source directory `{}` of package `{}` does not exist", relative_to(&abs, base), p.name))
                        .hint("create it, fix `path` (relative to the registry file), or add `git: {url}` to clone it on demand"),
                ]);
            }
            ReqKind::Path {
                path: relative_to(&abs, base),
                editable: editable.unwrap_or(p.mode == Mode::Dev),
            }
        }
    };
    Ok(Some(Requirement {
        name: p.name.to_string(),
        kind,
    }))
}

/// The requirements of every non-virtual package of the stack, sorted by name, with paths
/// relative to `root`.
pub fn requirements(stack: &Stack<'_>, root: &Path) -> Result<Vec<Requirement>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for p in &stack.packages {
        let r = PackageRef {
            name: &p.name,
            spec: p.spec,
            mode: p.mode,
            registry_dir: &p.registry_dir,
            registry_file: &p.registry_file,
            index: p.index,
        };
        match requirement(&r, root) {
            Ok(Some(req)) => out.push(req),
            Ok(None) => {}
            Err(mut e) => problems.append(&mut e),
        }
    }
    if problems.is_empty() {
        out.sort_by_key(|r| normalize_name(&r.name));
        Ok(out)
    } else {
        Err(problems)
    }
}
