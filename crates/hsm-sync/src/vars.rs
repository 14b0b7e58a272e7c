//! Which `${VAR}`s the stack uses, and whether each one has a value.
//!
//! The compose generator reports the variables it emits itself; this adds the ones that end
//! up in `.hsm/env` or in a uv service's environment: package `env`, the connection details
//! and `env` of external profiles, and isolated uv services' env.

use std::collections::BTreeMap;

use hsm_resolve::{ResolvedContainer, Stack, Usage, usages_in};
use hsm_schema::ContainerSource;
use infra_interp::EnvSource;
use infra_yaml::Diagnostic;

fn scan_map<'a, V: AsRef<str> + 'a>(
    out: &mut Vec<Usage>,
    c: (&std::path::Path, &infra_yaml::PathIndex),
    base: &str,
    map: impl IntoIterator<Item = (&'a str, &'a V)>,
) {
    for (k, v) in map {
        out.extend(usages_in(
            v.as_ref(),
            c.0,
            Some(c.1),
            &format!("{base}.{k}"),
        ));
    }
}

fn external(out: &mut Vec<Usage>, c: &ResolvedContainer<'_>) {
    let Some(pname) = &c.profile else { return };
    let Some(p) = c.spec.deployment_profiles.get(pname) else {
        return;
    };
    let f = (c.registry_file.as_path(), c.index);
    let base = format!("deployment_profiles.{pname}");
    if let Some(ext) = &p.external {
        scan_map(
            out,
            f,
            &format!("{base}.external"),
            ext.iter().map(|(k, v)| (k.as_str(), v)),
        );
    }
    scan_map(
        out,
        f,
        &format!("{base}.env"),
        p.env.iter().map(|(k, v)| (k.as_str(), v)),
    );
}

fn uv_service(out: &mut Vec<Usage>, c: &ResolvedContainer<'_>) {
    let f = (c.registry_file.as_path(), c.index);
    scan_map(
        out,
        f,
        "env",
        c.spec.env.iter().map(|(k, v)| (k.as_str(), v)),
    );
    if let Some(ContainerSource::Build { env, .. }) = c.spec.sources.active(c.mode) {
        let base = format!("sources.{}.env", c.mode);
        scan_map(out, f, &base, env.iter().map(|(k, v)| (k.as_str(), v)));
    }
    if let Some(pname) = &c.profile
        && let Some(p) = c.spec.deployment_profiles.get(pname)
    {
        let base = format!("deployment_profiles.{pname}.env");
        scan_map(out, f, &base, p.env.iter().map(|(k, v)| (k.as_str(), v)));
    }
}

/// Every variable reference outside the compose file: package env, external profiles and
/// isolated uv services.
pub fn usages(stack: &Stack<'_>) -> Vec<Usage> {
    let mut out = Vec::new();
    for p in &stack.packages {
        let f = (p.registry_file.as_path(), p.index);
        scan_map(
            &mut out,
            f,
            "env",
            p.spec.env.iter().map(|(k, v)| (k.as_str(), v)),
        );
    }
    for c in &stack.containers {
        if c.is_uv_service() {
            uv_service(&mut out, c);
        } else if !c.in_compose() {
            external(&mut out, c);
        }
    }
    out
}

/// Whether `d` is one of [`check_vars`]'s problems: a variable the environment lacks, which
/// says nothing about the files themselves (`hsm migrate` keeps files with such problems).
pub fn is_unset_variable(d: &Diagnostic) -> bool {
    d.message.starts_with("variable `") && d.message.contains("` is not set; used by ")
}

/// Fails with one located problem per unset variable (without default) naming every place
/// that uses it. Values are never printed.
pub fn check_vars(usages: &[Usage], env: &EnvSource) -> Result<(), Vec<Diagnostic>> {
    let mut missing: BTreeMap<&str, Vec<&Usage>> = BTreeMap::new();
    for u in usages {
        if u.has_default {
            continue;
        }
        let ok = match (&u.message, env.get(&u.var)) {
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
            let mut places: Vec<String> = uses
                .iter()
                .map(|u| format!("{} `{}`", u.file.display(), u.key))
                .collect();
            places.dedup();
            let mut e = Diagnostic::new(&first.file, format!("variable `{var}` is not set; used by {}", places.join(", ")))
                .at(first.loc())
                .key(first.key.clone())
                .hint(format!("export {var}=… or add `{var}=…` to the project's `.env` (it stays out of generated files)"));
            if let Some(m) = uses.iter().find_map(|u| u.message.clone()) {
                e = e.hint(format!("the registry says: {m}"));
            }
            e
        })
        .collect())
}
