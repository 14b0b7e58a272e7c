//! Which `${VAR}`s the stack uses, and whether each one has a value.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hsm_resolve::{Deployment, Stack};
use hsm_schema::ContainerSource;
use infra_interp::EnvSource;
use infra_yaml::{Diagnostic, PathIndex};

/// One use of a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Variable name.
    pub var: String,
    /// File using it.
    pub file: PathBuf,
    /// Key path inside the file.
    pub key: String,
    /// Where the key is written.
    pub loc: Option<infra_yaml::Loc>,
    /// `${VAR:-default}` / `${VAR-default}`.
    pub has_default: bool,
    /// `${VAR:?message}`.
    pub message: Option<String>,
}

fn scan(out: &mut Vec<Usage>, (file, index): (&PathBuf, &PathIndex), key: String, text: &str) {
    if !text.contains('$') {
        return;
    }
    let Ok(t) = infra_interp::parse(text) else {
        return;
    };
    for v in t.vars() {
        if v.name.starts_with(hsm_resolve::MERGED_PARAMS_PREFIX) {
            continue;
        }
        out.push(Usage {
            var: v.name,
            file: file.clone(),
            loc: index.locate(&key),
            key: key.clone(),
            has_default: v.has_default,
            message: v.required_message,
        });
    }
}

/// Every variable reference in what the stack will generate: env of packages, everything
/// emitted for managed containers, and the connection details of external services.
pub fn usages(stack: &Stack<'_>) -> Vec<Usage> {
    let mut out = Vec::new();
    for p in &stack.packages {
        for (k, v) in &p.spec.env {
            scan(
                &mut out,
                (&p.registry_file, p.index),
                format!("env.{k}"),
                v.as_str(),
            );
        }
    }
    for c in &stack.containers {
        let f = (&c.registry_file, c.index);
        match &c.deployment {
            Deployment::External(ext) => {
                let prof = c.profile.clone().unwrap_or_default();
                for (k, v) in ext {
                    scan(
                        &mut out,
                        f,
                        format!("deployment_profiles.{prof}.external.{k}"),
                        v,
                    );
                }
            }
            Deployment::Managed => {
                let s = c.spec;
                for (k, v) in &s.env {
                    scan(&mut out, f, format!("env.{k}"), v.as_str());
                }
                for (i, p) in s.ports.iter().enumerate() {
                    scan(&mut out, f, format!("ports[{i}]"), p.as_str());
                }
                for (i, v) in s.volumes.iter().enumerate() {
                    scan(&mut out, f, format!("volumes[{i}]"), v);
                }
                if let Some(img) = &s.image {
                    scan(&mut out, f, "image".into(), img);
                }
                for (mode, src) in [("prod", &s.sources.prod), ("dev", &s.sources.dev)] {
                    if mode != c.mode.as_str() {
                        continue;
                    }
                    match src {
                        Some(ContainerSource::Image {
                            image,
                            env,
                            volumes,
                        }) => {
                            scan(&mut out, f, format!("sources.{mode}.image"), image);
                            for (k, v) in env {
                                scan(&mut out, f, format!("sources.{mode}.env.{k}"), v.as_str());
                            }
                            for (i, v) in volumes.iter().enumerate() {
                                scan(&mut out, f, format!("sources.{mode}.volumes[{i}]"), v);
                            }
                        }
                        Some(ContainerSource::Build { env, volumes, .. }) => {
                            for (k, v) in env {
                                scan(&mut out, f, format!("sources.{mode}.env.{k}"), v.as_str());
                            }
                            for (i, v) in volumes.iter().enumerate() {
                                scan(&mut out, f, format!("sources.{mode}.volumes[{i}]"), v);
                            }
                        }
                        None => {}
                    }
                }
                if let Some(pn) = &c.profile
                    && let Some(p) = s.deployment_profiles.get(pn)
                {
                    for (k, v) in &p.env {
                        scan(
                            &mut out,
                            f,
                            format!("deployment_profiles.{pn}.env.{k}"),
                            v.as_str(),
                        );
                    }
                    for (i, v) in p.ports.iter().flatten().enumerate() {
                        scan(
                            &mut out,
                            f,
                            format!("deployment_profiles.{pn}.ports[{i}]"),
                            v.as_str(),
                        );
                    }
                    for (i, v) in p.volumes.iter().flatten().enumerate() {
                        scan(
                            &mut out,
                            f,
                            format!("deployment_profiles.{pn}.volumes[{i}]"),
                            v,
                        );
                    }
                }
            }
        }
    }
    out
}

/// Fails with one located problem per unset variable (without default) naming every place
/// that uses it. Values are never printed.
pub fn check_vars(usages: &[Usage], env: &EnvSource) -> Result<(), Vec<Diagnostic>> {
    let mut missing: BTreeMap<&str, Vec<&Usage>> = BTreeMap::new();
    for u in usages {
        if u.has_default {
            continue;
        }
        let set = env.get(&u.var);
        let ok = match (&u.message, set) {
            (Some(_), Some(v)) => !v.is_empty(),
            (None, Some(_)) => true,
            (_, None) => false,
        };
        if !ok {
            missing.entry(&u.var).or_default().push(u);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(missing
        .into_iter()
        .map(|(var, uses)| {
            let first = uses[0];
            let places: Vec<String> = uses
                .iter()
                .map(|u| format!("{} `{}`", u.file.display(), u.key))
                .collect();
            let mut e = Diagnostic::new(&first.file, format!("variable `{var}` is not set; used by {}", places.join(", ")))
                .at(first.loc)
                .key(first.key.clone())
                .hint(format!("export {var}=… or add `{var}=…` to the project's `.env` (it stays out of generated files)"));
            if let Some(m) = uses.iter().find_map(|u| u.message.clone()) {
                e = e.hint(format!("the registry says: {m}"));
            }
            e
        })
        .collect())
}
