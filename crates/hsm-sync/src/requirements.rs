//! From resolved packages to adapter-neutral requirements.

use std::path::Path;

use hsm_adapter::{GitRef, Index, ReqKind, Requirement, normalize_name};
use hsm_resolve::{Stack, from_registry};
use hsm_schema::{GitUrl, Mode, PackageIndex, PackageSource, PackageSpec, RequirementSpec};
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
    /// Whether a local source directory must exist (a sync needs it; a registry check on
    /// another machine does not).
    pub check_paths: bool,
}

impl PackageRef<'_> {
    /// The key path of the active source (dev falls back to prod).
    fn source_key(&self) -> String {
        let mode = if self.spec.sources.for_mode(self.mode).is_some() {
            self.mode
        } else {
            Mode::Prod
        };
        format!("sources.{mode}")
    }

    fn error(&self, key: &str, message: String) -> Diagnostic {
        let full = format!("{}.{key}", self.source_key());
        Diagnostic::new(self.registry_file, message)
            .at(self.index.locate(&full))
            .key(full)
    }

    /// Values written to `pyproject.toml` may not hold `${VAR}` references: that file is
    /// committed, so a secret there would leak (seed case 5).
    fn no_variables(&self, key: &str, value: &str) -> Result<(), Vec<Diagnostic>> {
        if !value.contains("${") {
            return Ok(());
        }
        Err(vec![
            self.error(key, format!("`{value}` uses a variable, but package sources are written to pyproject.toml, which is committed"))
                .hint("keep secrets out of package sources: use a git credential helper or uv's `UV_INDEX_*` variables"),
        ])
    }

    /// The requirement string for an index source.
    fn index_spec(&self, spec: Option<&RequirementSpec>) -> Result<String, Vec<Diagnostic>> {
        let dist = self.spec.distribution();
        let text = match spec {
            None => match &self.spec.version {
                Some(v) => format!("{dist}=={}", v.0),
                None => dist.to_string(),
            },
            Some(RequirementSpec::Specifier(s)) => format!("{dist}{s}"),
            Some(r) => {
                let named = r.name().unwrap_or(dist);
                if normalize_name(named) != normalize_name(dist) {
                    let hint = if self.spec.distribution.is_none() {
                        format!(
                            "write a version specifier (`>=1.0`), or say which distribution entry `{}` installs with `distribution: {named}`",
                            self.name
                        )
                    } else {
                        format!("write a version specifier (`>=1.0`) or a requirement for `{dist}`")
                    };
                    return Err(vec![
                        self.error("spec", format!("spec `{r}` names distribution `{named}`, but entry `{}` installs `{dist}`", self.name))
                            .hint(hint),
                    ]);
                }
                r.to_string()
            }
        };
        self.no_variables("spec", &text)?;
        Ok(text)
    }

    fn git(
        &self,
        url: &GitUrl,
        refs: [&Option<String>; 4],
        subdirectory: &Option<String>,
    ) -> Result<ReqKind, Vec<Diagnostic>> {
        let [reference, tag, branch, rev] = refs;
        for (k, v) in [
            ("url", Some(url.as_str())),
            ("ref", reference.as_deref()),
            ("tag", tag.as_deref()),
            ("branch", branch.as_deref()),
            ("rev", rev.as_deref()),
            ("subdirectory", subdirectory.as_deref()),
        ] {
            if let Some(v) = v {
                self.no_variables(k, v)?;
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
        Ok(ReqKind::Git {
            url: url.as_str().to_string(),
            reference,
            subdirectory: subdirectory.clone(),
        })
    }

    fn local(
        &self,
        path: &str,
        editable: Option<bool>,
        cloned: bool,
        base: &Path,
    ) -> Result<ReqKind, Vec<Diagnostic>> {
        self.no_variables("path", path)?;
        let abs = from_registry(self.registry_dir, path);
        if self.check_paths && !abs.exists() && !cloned {
            return Err(vec![
                self.error("path", format!("source directory `{}` of package `{}` does not exist", infra_fs::relative_to(&abs, base), self.name))
                    .hint("create it, fix `path` (relative to the registry file), or add `git: {url}` to clone it on demand"),
            ]);
        }
        Ok(ReqKind::Path {
            path: infra_fs::relative_to(&abs, base),
            editable: editable.unwrap_or(self.mode == Mode::Dev),
        })
    }
}

fn index_of(i: &PackageIndex) -> Index {
    Index {
        name: i.name.clone(),
        url: i.url.clone(),
    }
}

/// One package's requirement with paths relative to `base` (`None` for a virtual package).
pub fn requirement(
    p: &PackageRef<'_>,
    base: &Path,
) -> Result<Option<Requirement>, Vec<Diagnostic>> {
    let Some(source) = p.spec.sources.active(p.mode) else {
        return Ok(None);
    };
    let kind = match source {
        PackageSource::Pypi { spec, index } => {
            if let Some(i) = index {
                p.no_variables("index.url", &i.url)?;
            }
            ReqKind::Index {
                spec: p.index_spec(spec.as_ref())?,
                index: index.as_ref().map(index_of),
            }
        }
        PackageSource::Git {
            url,
            reference,
            tag,
            branch,
            rev,
            subdirectory,
        } => p.git(url, [reference, tag, branch, rev], subdirectory)?,
        PackageSource::Local {
            path,
            editable,
            git,
        } => p.local(path, *editable, git.is_some(), base)?,
    };
    Ok(Some(Requirement {
        name: p.name.to_string(),
        distribution: p.spec.distribution().to_string(),
        kind,
    }))
}

/// The requirements of every non-virtual package of the stack, sorted by distribution, with
/// paths relative to `root`. Two entries installing one distribution is a problem.
pub fn requirements(stack: &Stack<'_>, root: &Path) -> Result<Vec<Requirement>, Vec<Diagnostic>> {
    let mut out: Vec<Requirement> = Vec::new();
    let mut problems = Vec::new();
    for p in &stack.packages {
        let r = PackageRef {
            name: &p.name,
            spec: p.spec,
            mode: p.mode,
            registry_dir: &p.registry_dir,
            registry_file: &p.registry_file,
            index: p.index,
            check_paths: true,
        };
        match requirement(&r, root) {
            Ok(Some(req)) => {
                if let Some(other) = out
                    .iter()
                    .find(|o| hsm_schema::same_name(&o.distribution, &req.distribution))
                {
                    problems.push(
                        Diagnostic::new(&p.registry_file, format!("packages `{}` and `{}` both install distribution `{}`", other.name, req.name, req.distribution))
                            .key("distribution")
                            .hint("select only one of them (a 1-of-N package group makes that choice explicit)"),
                    );
                    continue;
                }
                out.push(req);
            }
            Ok(None) => {}
            Err(mut e) => problems.append(&mut e),
        }
    }
    if problems.is_empty() {
        out.sort_by_cached_key(|r| normalize_name(&r.distribution));
        Ok(out)
    } else {
        Err(problems)
    }
}
