//! Isolated uv services: managed services whose profile says `runtime: uv`.
//!
//! Such a service is a Python project of its own (the `path` of its `build` source, cloned
//! on demand when it has `git:`), with its own `pyproject.toml`, `uv.lock` and `.venv`. Its
//! `dependencies` are registry packages, resolved in the service's mode with paths relative
//! to the service; its env (container, source and profile env, interpolated) is passed to
//! the tool so build backends see it. It is never part of the compose file, and the
//! project's own environment is untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hsm_adapter::{PackageAdapter, Requirement};
use hsm_registry::Registry;
use hsm_resolve::{ResolvedContainer, Stack, from_registry, merged_param};
use hsm_schema::{ContainerSource, EnvName, ScalarString};
use infra_interp::EnvSource;
use infra_plan::Step;
use infra_yaml::Diagnostic;

use crate::clone::{CloneStep, clones};
use crate::envfile::render_with;
use crate::requirements::{PackageRef, requirement};
use crate::{Loaded, PlannedFile, SyncError};

/// One isolated uv service to install.
#[derive(Debug, Clone)]
pub struct UvService {
    /// Container name.
    pub name: String,
    /// The service's project directory.
    pub dir: PathBuf,
    /// `dir` relative to the project root.
    pub display: String,
    /// Its dependencies, paths relative to `dir`.
    pub requirements: Vec<Requirement>,
    /// Environment for the tool (values, may be secret: never printed).
    pub env: Vec<(String, String)>,
    /// The clone that creates `dir`, when it does not exist yet.
    pub clone: Option<CloneStep>,
}

impl UvService {
    /// The plan step.
    pub fn step(&self) -> Step {
        let deps: Vec<&str> = self.requirements.iter().map(|r| r.name.as_str()).collect();
        Step::new(
            "service",
            format!(
                "install the uv service `{}` in `{}` (dependencies: {})",
                self.name,
                self.display,
                if deps.is_empty() {
                    "none".to_string()
                } else {
                    deps.join(", ")
                }
            ),
            Some(format!("uv sync  (in {})", self.display)),
        )
    }
}

/// Interpolates a value: `${HSM_MERGED_PARAMS.<key>}` from the merged params, everything else
/// from the environment.
fn render(
    c: &ResolvedContainer<'_>,
    env: &EnvSource,
    key: &str,
    text: &str,
) -> Result<String, Diagnostic> {
    let lookup = |n: &str| merged_param(&c.params, n).or_else(|| env.get(n));
    render_with(text, &lookup, &c.registry_file, Some(c.index), key)
}

/// The service's requirements, paths relative to `dir`.
fn service_requirements(
    c: &ResolvedContainer<'_>,
    registry: &Registry,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Requirement> {
    let mut out = Vec::new();
    for name in &c.spec.dependencies {
        match registry.package(name) {
            Ok(Some(e)) => {
                let r = PackageRef {
                    name,
                    spec: &e.spec,
                    mode: c.mode,
                    registry_dir: e.dir(),
                    registry_file: &e.display,
                    index: &e.index,
                    check_paths: true,
                };
                match requirement(&r, dir) {
                    Ok(Some(req)) => out.push(req),
                    Ok(None) => {}
                    Err(mut e) => problems.append(&mut e),
                }
            }
            Ok(None) => {} // reported by the resolver
            Err(hsm_registry::RegistryError::Invalid(d)) => problems.push(d),
            Err(e) => problems.push(Diagnostic::new(&c.registry_file, e.to_string())),
        }
    }
    out
}

/// The service's environment: container env, source env, profile env, interpolated.
fn service_env(
    c: &ResolvedContainer<'_>,
    env: &EnvSource,
    source_env: &BTreeMap<EnvName, ScalarString>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let profile = c.active_profile();
    let layers = [
        ("env".to_string(), Some(&c.spec.env)),
        (format!("sources.{}.env", c.mode), Some(source_env)),
        (
            format!(
                "deployment_profiles.{}.env",
                c.profile.clone().unwrap_or_default()
            ),
            profile.map(|p| &p.env),
        ),
    ];
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    for (base, map) in layers {
        for (k, v) in map.into_iter().flatten() {
            match render(c, env, &format!("{base}.{k}"), v.as_str()) {
                Ok(val) => {
                    vars.insert(k.to_string(), val);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    vars.into_iter().collect()
}

/// Plans one service.
pub fn plan_service(
    c: &ResolvedContainer<'_>,
    registry: &Registry,
    env: &EnvSource,
    root: &Path,
) -> Result<UvService, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let Some(ContainerSource::Build {
        path,
        git,
        env: source_env,
        ..
    }) = c.spec.sources.active(c.mode)
    else {
        let k = "sources";
        return Err(vec![Diagnostic::new(&c.registry_file, format!("container `{}` runs with `runtime: uv`, which needs a `build` source whose `path` is the service's Python project", c.name))
            .at(c.index.locate(k))
            .key(k)
            .hint("add `sources.dev: {type: build, path: <dir>}` (and `git: {url}` to clone it on demand)")]);
    };
    let dir = from_registry(&c.registry_dir, path);
    let clone = match git {
        Some(g) if !dir.exists() => Some(CloneStep::new(dir.clone(), root, g, &c.name)),
        _ => None,
    };
    if !dir.exists() && git.is_none() {
        let k = format!("sources.{}.path", c.mode);
        problems.push(
            Diagnostic::new(&c.registry_file, format!("service directory `{}` of `{}` does not exist", infra_fs::relative_to(&dir, root), c.name))
                .at(c.index.locate(&k))
                .key(k)
                .hint("create it, fix `path` (relative to the registry file), or add `git: {url}` to clone it on demand"),
        );
    }
    let requirements = service_requirements(c, registry, &dir, &mut problems);
    let env = service_env(c, env, source_env, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(UvService {
        name: c.name.clone(),
        display: infra_fs::relative_to(&dir, root),
        dir,
        requirements,
        env,
        clone,
    })
}

/// What the plan needs besides the project's own files.
pub(crate) struct Extras {
    /// Clones on demand.
    pub(crate) clones: Vec<CloneStep>,
    /// Isolated uv services.
    pub(crate) services: Vec<UvService>,
    /// The services' own files.
    pub(crate) files: Vec<PlannedFile>,
}

/// Clones, uv services and the services' own files.
pub(crate) fn plan_all(
    loaded: &Loaded,
    stack: &Stack<'_>,
    adapter: &dyn PackageAdapter,
) -> Result<Extras, SyncError> {
    let root = loaded.project.root.as_path();
    let mut clones = clones(stack, root);
    let mut services = Vec::new();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for c in stack.containers.iter().filter(|c| c.is_uv_service()) {
        let svc = match plan_service(c, &loaded.registry, &loaded.env, root) {
            Ok(s) => s,
            Err(mut p) => {
                problems.append(&mut p);
                continue;
            }
        };
        if svc.dir.exists() {
            match adapter.plan(&svc.dir, &svc.name, &svc.requirements) {
                Ok(arts) => {
                    for a in arts {
                        let rel =
                            PathBuf::from(infra_fs::relative_to(&svc.dir.join(&a.path), root));
                        files.push(PlannedFile {
                            before: infra_fs::read_optional(&root.join(&rel))?,
                            path: rel,
                            after: a.contents,
                            mode: a.mode,
                            sensitive: a.sensitive,
                        });
                    }
                }
                Err(e) => problems.push(Diagnostic::new(
                    &c.registry_file,
                    format!("service `{}`: {e}", c.name),
                )),
            }
        } else if let Some(cl) = &svc.clone
            && !clones.iter().any(|o| o.dir == cl.dir)
        {
            clones.push(cl.clone());
        }
        services.push(svc);
    }
    if !problems.is_empty() {
        return Err(SyncError::invalid(problems));
    }
    Ok(Extras {
        clones,
        services,
        files,
    })
}
