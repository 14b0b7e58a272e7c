//! References between registry entries: dangling ones (for `validate`) and who refers to
//! an entry (so `remove` never leaves dangling ones behind).

use std::path::Path;

use hsm_registry::{Kind, Registry};
use hsm_schema::{ComponentKind, ContainerSpec, Implication, Implies, Mode, PackageSpec};
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

/// An implied selection of a registry group that names something that is not one of its
/// options (what a project selecting the implying entry would fail on).
fn not_an_option(
    reg: &Registry,
    i: &Implication,
    file: &Path,
    base: &str,
    index: &PathIndex,
) -> Option<Diagnostic> {
    let Implication::Group {
        kind,
        group,
        options,
    } = i
    else {
        return None;
    };
    let Ok(Some(g)) = reg.group(*kind, group) else {
        return None;
    };
    let names: Vec<&str> = g.spec.options.iter().map(|o| o.name.as_str()).collect();
    let bad = options.iter().find(|o| !names.contains(&o.as_str()))?;
    let key = format!("{base}implies.{}", i.target().key());
    Some(
        index
            .error(
                file,
                &key,
                format!("`{bad}` is not an option of {kind} group `{group}`"),
            )
            .hint(format!("its options: {}", names.join(", "))),
    )
}

/// The files (as shown) whose implications select `option` of group `group`.
pub fn option_references(
    reg: &Registry,
    kind: ComponentKind,
    group: &str,
    option: &str,
) -> Vec<String> {
    let selects = |imp: &Implies| {
        imp.0.iter().any(|i| {
            matches!(i, Implication::Group { kind: k, group: g, options }
                if *k == kind && g == group && options.iter().any(|o| o == option))
        })
    };
    let mut out = Vec::new();
    for n in reg.names(Kind::PACKAGE) {
        if let Ok(Some(e)) = reg.package(n)
            && selects(&e.spec.implies)
        {
            out.push(format!("`{}`", e.display.display()));
        }
    }
    for n in reg.names(Kind::CONTAINER) {
        if let Ok(Some(e)) = reg.container(n)
            && selects(&e.spec.implies)
        {
            out.push(format!("`{}`", e.display.display()));
        }
    }
    for gk in ComponentKind::ALL {
        for n in reg.names(Kind::Group(gk)) {
            if let Ok(Some(e)) = reg.group(gk, n)
                && e.spec.options.iter().any(|o| selects(&o.implies))
            {
                out.push(format!("`{}`", e.display.display()));
            }
        }
    }
    out
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
        if let Some(d) = not_an_option(reg, i, file, base, index) {
            out.push(d);
        }
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
                .hint(reg.suggest(k, &n).map_or_else(
                    || {
                        format!(
                            "add it first with `{}`, or remove the implication",
                            k.add_command(&n)
                        )
                    },
                    |s| format!("did you mean `{s}`?"),
                )),
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

/// What `hsm registry validate` would say about a new entry's text before it is written
/// (its own name included, so an entry may imply itself only if `validate` allows it):
/// implications and dependencies that name nothing, and package sources that make no
/// requirement (a `${VAR}` in a URL bound for the committed `pyproject.toml`).
pub(crate) fn problems_of_new(
    reg: &Registry,
    kind: Kind,
    name: &str,
    file: &Path,
    text: &str,
) -> Vec<Diagnostic> {
    let index = PathIndex::build(text);
    let mut out = Vec::new();
    match kind {
        Kind::Component(ComponentKind::Package) => {
            let Ok(spec) = infra_yaml::from_str::<PackageSpec>(file, text) else {
                return out;
            };
            check_implies(reg, &spec.implies, file, "", &index, &mut out);
            let dir = reg.path_of(kind, name);
            let dir = dir.parent().unwrap_or(Path::new("."));
            for mode in [Mode::Prod, Mode::Dev] {
                if spec.sources.for_mode(mode).is_none() {
                    continue;
                }
                let r = hsm_sync::PackageRef {
                    name,
                    spec: &spec,
                    mode,
                    registry_dir: dir,
                    registry_file: file,
                    index: &index,
                    check_paths: false,
                };
                if let Err(mut p) = hsm_sync::requirement(&r, dir) {
                    out.append(&mut p);
                }
            }
        }
        Kind::Component(ComponentKind::Container) => {
            let Ok(spec) = infra_yaml::from_str::<ContainerSpec>(file, text) else {
                return out;
            };
            check_implies(reg, &spec.implies, file, "", &index, &mut out);
            for (i, d) in spec.dependencies.iter().enumerate() {
                if !reg.contains(Kind::PACKAGE, d) {
                    out.push(
                        index
                            .error(
                                file,
                                &format!("dependencies[{i}]"),
                                format!("dependency `{d}` is not a package in the registry"),
                            )
                            .hint(format!(
                                "add it first with `{}`",
                                Kind::PACKAGE.add_command(d)
                            )),
                    );
                }
            }
        }
        Kind::Group(_) => {}
    }
    infra_diag::sort_and_dedup(&mut out);
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
