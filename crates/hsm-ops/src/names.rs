//! Names for shell completion: what the registry and `hsm.yaml` hold, so `hsm package add
//! <TAB>` offers packages, `hsm group select <TAB>` groups, and so on — not only commands
//! and flags. Completion runs on every key press, so this never fails: a project that does
//! not load completes nothing.

use hsm_registry::Kind;
use hsm_schema::ComponentKind;
use hsm_sync::RegistryLocation;

use crate::Settings;

/// What to complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Packages and containers in the registry (`hsm package|container add`: one argument
    /// definition serves both commands).
    RegistryComponents,
    /// Standalone packages and containers in hsm.yaml (`… remove`).
    ProjectComponents,
    /// Packages, or containers, in the registry (`hsm package add`, `hsm container add`).
    RegistryOf(ComponentKind),
    /// Standalone packages, or containers, in hsm.yaml (`hsm package remove`, …).
    ProjectOf(ComponentKind),
    /// Groups of either kind in the registry.
    Groups,
    /// Options of every group (the group is not known while completing its option).
    Options,
    /// Deployment profiles of every container.
    Profiles,
    /// Components and groups (`hsm mode` targets).
    ModeTargets,
}

/// The names of `what` for a project found from `cwd` (sorted, without duplicates).
pub fn names(settings: &Settings, what: Names) -> Vec<String> {
    let Some(root) = hsm_sync::find_root(&settings.cwd) else {
        return Vec::new();
    };
    let Ok(project) = hsm_sync::load_project(&root, &settings.cache) else {
        return Vec::new();
    };
    let manifest = project.manifest.clone();
    let location = RegistryLocation {
        path: settings.registry(Some(&project), &root).value,
        origin: String::new(),
    };
    let Ok(loaded) = hsm_sync::load(project, location, &settings.cache) else {
        return Vec::new();
    };
    let reg = &loaded.registry;
    let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
    let mut out = match what {
        Names::RegistryComponents => owned(reg.component_names()),
        Names::ProjectComponents => manifest
            .packages
            .iter()
            .chain(&manifest.services.containers)
            .map(|r| r.name.clone())
            .collect(),
        Names::RegistryOf(kind) => owned(reg.names(Kind::Component(kind))),
        Names::ProjectOf(ComponentKind::Package) => {
            manifest.packages.iter().map(|r| r.name.clone()).collect()
        }
        Names::ProjectOf(ComponentKind::Container) => manifest
            .services
            .containers
            .iter()
            .map(|r| r.name.clone())
            .collect(),
        Names::Groups => {
            let mut g = owned(reg.names(Kind::PACKAGE_GROUP));
            g.extend(owned(reg.names(Kind::CONTAINER_GROUP)));
            g
        }
        Names::Options => options(reg),
        Names::Profiles => profiles(reg),
        Names::ModeTargets => {
            let mut t = owned(reg.component_names());
            t.extend(manifest.package_groups.keys().cloned());
            t.extend(manifest.services.container_groups.keys().cloned());
            t
        }
    };
    // A name a shell would print raw (an escape, a newline, a tab that splits the reply)
    // is no candidate: no command could use it anyway.
    out.retain(|n| {
        !n.chars()
            .any(|c| c.is_control() || infra_diag::is_invisible(c))
    });
    out.sort();
    out.dedup();
    out
}

fn options(reg: &hsm_registry::Registry) -> Vec<String> {
    let mut out = Vec::new();
    for kind in [ComponentKind::Package, ComponentKind::Container] {
        for g in reg.names(hsm_registry::Kind::Group(kind)) {
            if let Ok(Some(e)) = reg.group(kind, g) {
                out.extend(e.spec.options.iter().map(|o| o.name.clone()));
            }
        }
    }
    out
}

fn profiles(reg: &hsm_registry::Registry) -> Vec<String> {
    reg.names(Kind::CONTAINER)
        .into_iter()
        .filter_map(|c| reg.container(c).ok().flatten())
        .flat_map(|e| {
            e.spec
                .deployment_profiles
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}
