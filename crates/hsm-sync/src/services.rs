//! Isolated uv services: managed services whose profile says `runtime: uv`.
//!
//! Such a service is a Python project of its own (the `path` of its `build` source, cloned
//! on demand when it has `git:`), with its own `pyproject.toml`, `uv.lock` and `.venv`. Its
//! `dependencies` are registry packages, resolved in the service's mode with paths relative
//! to the service; its env (container, source and profile env, interpolated) is passed to
//! the tool so build backends see it. It is never part of the compose file, and the
//! project's own environment is untouched.

use std::path::{Path, PathBuf};

use hsm_adapter::Requirement;
use hsm_registry::Registry;
use hsm_resolve::{ResolvedContainer, from_registry, merged_param, relative_to};
use hsm_schema::ContainerSource;
use infra_interp::EnvSource;
use infra_yaml::Diagnostic;

use crate::envfile::render_with;
use crate::requirements::{PackageRef, requirement};

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
    /// Clone URL when the directory does not exist yet.
    pub clone: Option<(String, Option<String>)>,
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

/// Plans one service.
pub fn plan_service(
    c: &ResolvedContainer<'_>,
    registry: &Registry,
    env: &EnvSource,
    root: &Path,
) -> Result<UvService, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let locate = |k: &str| c.index.locate(k);
    let Some(ContainerSource::Build {
        path,
        git,
        env: source_env,
        ..
    }) = c.spec.sources.active(c.mode)
    else {
        let k = "sources";
        return Err(vec![Diagnostic::new(&c.registry_file, format!("container `{}` runs with `runtime: uv`, which needs a `build` source whose `path` is the service's Python project", c.name))
            .at(locate(k))
            .key(k)
            .hint("add `sources.dev: {type: build, path: <dir>}` (and `git: {url}` to clone it on demand)")]);
    };
    let dir = from_registry(&c.registry_dir, path);
    let clone = git.as_ref().map(|g| (g.url.clone(), g.reference.clone()));
    if !dir.exists() && clone.is_none() {
        let k = format!("sources.{}.path", c.mode);
        problems.push(
            Diagnostic::new(&c.registry_file, format!("service directory `{}` of `{}` does not exist", relative_to(&dir, root), c.name))
                .at(locate(&k))
                .key(k)
                .hint("create it, fix `path` (relative to the registry file), or add `git: {url}` to clone it on demand"),
        );
    }
    let mut requirements = Vec::new();
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
                };
                match requirement(&r, &dir) {
                    Ok(Some(req)) => requirements.push(req),
                    Ok(None) => {}
                    Err(mut e) => problems.append(&mut e),
                }
            }
            Ok(None) => {} // reported by the resolver
            Err(e) => problems.push(e),
        }
    }
    let mut vars: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let profile = c
        .profile
        .as_ref()
        .and_then(|p| c.spec.deployment_profiles.get(p));
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
    for (base, map) in layers {
        for (k, v) in map.into_iter().flatten() {
            match render(c, env, &format!("{base}.{k}"), v.as_str()) {
                Ok(val) => {
                    vars.insert(k.clone(), val);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(UvService {
        name: c.name.clone(),
        display: relative_to(&dir, root),
        dir,
        requirements,
        env: vars.into_iter().collect(),
        clone,
    })
}
