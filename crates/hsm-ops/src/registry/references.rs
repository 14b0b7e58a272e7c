//! References between registry entries: dangling ones (for `validate`) and who refers to
//! an entry (so `remove` never leaves dangling ones behind).

use std::path::Path;

use hsm_registry::{Kind, Registry};
use hsm_schema::{ComponentKind, Implication, Implies};
use infra_yaml::{Diagnostic, PathIndex};

/// The entry an implication names that does not exist, if any.
fn missing_target(reg: &Registry, i: &Implication) -> Option<(Kind, String)> {
    match i {
        Implication::Container { name, .. } => {
            (!reg.contains(Kind::CONTAINER, name)).then(|| (Kind::CONTAINER, name.clone()))
        }
        Implication::Package { name, .. } => {
            (!reg.contains(Kind::PACKAGE, name)).then(|| (Kind::PACKAGE, name.clone()))
        }
        Implication::Group { kind, options, .. } => options
            .iter()
            .find(|o| !reg.contains(Kind::Component(*kind), o))
            .map(|o| (Kind::Component(*kind), o.clone())),
    }
}

fn check_implies(
    reg: &Registry,
    imp: &Implies,
    file: &Path,
    base: &str,
    index: &PathIndex,
    out: &mut Vec<Diagnostic>,
) {
    for i in &imp.0 {
        let Some((k, n)) = missing_target(reg, i) else {
            continue;
        };
        let key = format!("{base}implies.{}", i.target().key());
        out.push(
            index
                .error(
                    file,
                    &key,
                    format!("implies {} `{n}`, which is not in the registry", k.noun()),
                )
                .maybe_hint(reg.suggest(k, &n).map(|s| format!("did you mean `{s}`?"))),
        );
    }
}

/// Dangling references: implies targets, dependencies and group options that do not exist.
/// Entries that do not parse are skipped (they are reported on their own).
pub(crate) fn dangling(reg: &Registry) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for n in reg.names(Kind::PACKAGE) {
        if let Ok(Some(e)) = reg.package(n) {
            check_implies(reg, &e.spec.implies, &e.display, "", &e.index, &mut out);
        }
    }
    for n in reg.names(Kind::CONTAINER) {
        let Ok(Some(e)) = reg.container(n) else {
            continue;
        };
        check_implies(reg, &e.spec.implies, &e.display, "", &e.index, &mut out);
        for (i, d) in e.spec.dependencies.iter().enumerate() {
            if !reg.contains(Kind::PACKAGE, d) {
                out.push(
                    e.error(
                        &format!("dependencies[{i}]"),
                        format!("dependency `{d}` is not a package in the registry"),
                    )
                    .maybe_hint(
                        reg.suggest(Kind::PACKAGE, d)
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                );
            }
        }
    }
    for kind in ComponentKind::ALL {
        for n in reg.names(Kind::Group(kind)) {
            let Ok(Some(e)) = reg.group(kind, n) else {
                continue;
            };
            for (i, o) in e.spec.options.iter().enumerate() {
                if !reg.contains(Kind::Component(kind), &o.name) {
                    out.push(
                        e.error(
                            &format!("options[{i}].name"),
                            format!("option `{}` is not a {kind} in the registry", o.name),
                        )
                        .maybe_hint(
                            reg.suggest(Kind::Component(kind), &o.name)
                                .map(|s| format!("did you mean `{s}`?")),
                        ),
                    );
                }
                check_implies(
                    reg,
                    &o.implies,
                    &e.display,
                    &format!("options[{i}]."),
                    &e.index,
                    &mut out,
                );
            }
        }
    }
    out
}

/// Whether `imp` refers to entry `name` of `kind`.
fn refers(imp: &Implies, kind: Kind, name: &str) -> bool {
    imp.0.iter().any(|i| match (i, kind) {
        (Implication::Container { name: n, .. }, k) if k == Kind::CONTAINER => n == name,
        (Implication::Package { name: n, .. }, k) if k == Kind::PACKAGE => n == name,
        (
            Implication::Group {
                kind: gk, options, ..
            },
            Kind::Component(k),
        ) => *gk == k && options.iter().any(|o| o == name),
        (
            Implication::Group {
                kind: gk, group, ..
            },
            Kind::Group(k),
        ) => *gk == k && group == name,
        _ => false,
    })
}

/// The files (as shown) whose entries refer to entry `name` of `kind`.
pub fn references_to(reg: &Registry, kind: Kind, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut hit = |display: &Path| out.push(format!("`{}`", display.display()));
    for n in reg.names(Kind::PACKAGE) {
        if let Ok(Some(e)) = reg.package(n)
            && refers(&e.spec.implies, kind, name)
        {
            hit(&e.display);
        }
    }
    for n in reg.names(Kind::CONTAINER) {
        if let Ok(Some(e)) = reg.container(n)
            && (refers(&e.spec.implies, kind, name)
                || (kind == Kind::PACKAGE && e.spec.dependencies.iter().any(|d| d == name)))
        {
            hit(&e.display);
        }
    }
    for gk in ComponentKind::ALL {
        for n in reg.names(Kind::Group(gk)) {
            if let Ok(Some(e)) = reg.group(gk, n) {
                let as_option =
                    kind == Kind::Component(gk) && e.spec.options.iter().any(|o| o.name == name);
                if as_option
                    || e.spec
                        .options
                        .iter()
                        .any(|o| refers(&o.implies, kind, name))
                {
                    hit(&e.display);
                }
            }
        }
    }
    out
}
