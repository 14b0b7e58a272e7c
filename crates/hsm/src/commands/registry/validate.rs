//! `hsm registry validate` and the reference checks shared with removal.

use std::path::Path;

use hsm_registry::{Kind, Registry};
use serde_json::json;

use super::open;
use crate::context::Ctx;
use crate::error::CliError;

/// Every file parses, and every name it refers to exists.
pub(super) fn validate(ctx: &Ctx) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let mut problems = reg.validate_all();
    problems.extend(references(&reg));
    if !problems.is_empty() {
        return Err(CliError::problems(problems));
    }
    let n: usize = Kind::ALL.iter().map(|k| reg.names(*k).len()).sum();
    if ctx.printer.json {
        ctx.printer.json(&json!({"ok": true, "entries": n}));
    } else {
        ctx.printer
            .success(&format!("Registry is valid ({n} entries)"));
    }
    Ok(())
}

/// Dangling references: implies targets and group options that do not exist.
pub(super) fn references(reg: &Registry) -> Vec<infra_yaml::Diagnostic> {
    use hsm_schema::Implication;
    let mut out = Vec::new();
    let check = |imp: &hsm_schema::Implies,
                 file: &Path,
                 base: &str,
                 index: &infra_yaml::PathIndex,
                 out: &mut Vec<infra_yaml::Diagnostic>| {
        for i in &imp.0 {
            let key = format!("{base}implies.{}", i.target().key());
            let missing = match i {
                Implication::Container { name, .. } => {
                    (!reg.contains(Kind::Container, name)).then(|| (Kind::Container, name.clone()))
                }
                Implication::Package { name, .. } => {
                    (!reg.contains(Kind::Package, name)).then(|| (Kind::Package, name.clone()))
                }
                Implication::Group {
                    container, options, ..
                } => {
                    let k = if *container {
                        Kind::Container
                    } else {
                        Kind::Package
                    };
                    options
                        .iter()
                        .find(|o| !reg.contains(k, o))
                        .map(|o| (k, o.clone()))
                }
            };
            if let Some((k, n)) = missing {
                out.push(
                    infra_yaml::Diagnostic::new(
                        file,
                        format!("implies {} `{n}`, which is not in the registry", k.noun()),
                    )
                    .at(index.locate(&key))
                    .key(key)
                    .maybe_hint(reg.suggest(k, &n).map(|s| format!("did you mean `{s}`?"))),
                );
            }
        }
    };
    for n in reg.names(Kind::Package) {
        if let Ok(Some(e)) = reg.package(n) {
            check(&e.spec.implies, &e.display, "", &e.index, &mut out);
        }
    }
    for n in reg.names(Kind::Container) {
        if let Ok(Some(e)) = reg.container(n) {
            check(&e.spec.implies, &e.display, "", &e.index, &mut out);
            for (i, d) in e.spec.dependencies.iter().enumerate() {
                if !reg.contains(Kind::Package, d) {
                    let key = format!("dependencies[{i}]");
                    out.push(
                        e.error(
                            &key,
                            format!("dependency `{d}` is not a package in the registry"),
                        )
                        .maybe_hint(
                            reg.suggest(Kind::Package, d)
                                .map(|s| format!("did you mean `{s}`?")),
                        ),
                    );
                }
            }
        }
    }
    for gk in [Kind::PackageGroup, Kind::ContainerGroup] {
        let ck = if gk == Kind::PackageGroup {
            Kind::Package
        } else {
            Kind::Container
        };
        for n in reg.names(gk) {
            if let Ok(Some(e)) = reg.group(gk, n) {
                for (i, o) in e.spec.options.iter().enumerate() {
                    if !reg.contains(ck, &o.name) {
                        let key = format!("options[{i}].name");
                        out.push(
                            e.error(
                                &key,
                                format!(
                                    "option `{}` is not a {} in the registry",
                                    o.name,
                                    ck.noun()
                                ),
                            )
                            .maybe_hint(
                                reg.suggest(ck, &o.name)
                                    .map(|s| format!("did you mean `{s}`?")),
                            ),
                        );
                    }
                    check(
                        &o.implies,
                        &e.display,
                        &format!("options[{i}]."),
                        &e.index,
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

pub(super) fn references_to(reg: &Registry, kind: Kind, name: &str) -> Vec<String> {
    use hsm_schema::{Implication, Implies};
    let hits = |imp: &Implies| {
        imp.0.iter().any(|i| match (i, kind) {
            (Implication::Container { name: n, .. }, Kind::Container)
            | (Implication::Package { name: n, .. }, Kind::Package) => n == name,
            (
                Implication::Group {
                    container: true,
                    options,
                    ..
                },
                Kind::Container,
            )
            | (
                Implication::Group {
                    container: false,
                    options,
                    ..
                },
                Kind::Package,
            ) => options.iter().any(|o| o == name),
            (
                Implication::Group {
                    container: true,
                    group,
                    ..
                },
                Kind::ContainerGroup,
            )
            | (
                Implication::Group {
                    container: false,
                    group,
                    ..
                },
                Kind::PackageGroup,
            ) => group == name,
            _ => false,
        })
    };
    let mut out = Vec::new();
    for n in reg.names(Kind::Package) {
        if let Ok(Some(e)) = reg.package(n)
            && hits(&e.spec.implies)
        {
            out.push(format!("`{}`", e.display.display()));
        }
    }
    for n in reg.names(Kind::Container) {
        if let Ok(Some(e)) = reg.container(n)
            && (hits(&e.spec.implies)
                || (kind == Kind::Package && e.spec.dependencies.iter().any(|d| d == name)))
        {
            out.push(format!("`{}`", e.display.display()));
        }
    }
    for gk in [Kind::PackageGroup, Kind::ContainerGroup] {
        let opt_kind = if gk == Kind::PackageGroup {
            Kind::Package
        } else {
            Kind::Container
        };
        for n in reg.names(gk) {
            if let Ok(Some(e)) = reg.group(gk, n)
                && ((opt_kind == kind && e.spec.options.iter().any(|o| o.name == name))
                    || e.spec.options.iter().any(|o| hits(&o.implies)))
            {
                out.push(format!("`{}`", e.display.display()));
            }
        }
    }
    out
}
