//! Removing a registry entry, never leaving a dangling reference behind.

use hsm_registry::Kind;
use serde::Serialize;

use super::references::references_to;
use crate::{Context, OpsError};

/// What was removed.
#[derive(Debug, Serialize)]
pub struct RemovedReport {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its file, as shown.
    pub removed: String,
}

/// Whether the project's manifest lists entry `name` of `kind` (a component, an option of
/// a group selection, or a group): removing it would break the project at once.
fn selects(m: &hsm_schema::Manifest, kind: Kind, name: &str) -> bool {
    use hsm_schema::{ComponentKind, same_name};
    let (refs, groups) = match kind {
        Kind::Component(ComponentKind::Package) | Kind::Group(ComponentKind::Package) => {
            (&m.packages, &m.package_groups)
        }
        _ => (&m.services.containers, &m.services.container_groups),
    };
    match kind {
        Kind::Component(_) => {
            refs.iter().any(|r| same_name(&r.name, name))
                || groups.values().any(|g| {
                    g.selection
                        .as_ref()
                        .is_some_and(|s| s.to_vec().iter().any(|o| same_name(o, name)))
                })
        }
        Kind::Group(_) => groups.keys().any(|g| g == name),
    }
}

/// Removes entry `name` of `kind`; for a group, `kind` may name either group kind and the
/// one that exists is removed. `confirm` is asked with a description of the file before
/// anything is deleted; `false` aborts.
pub fn remove(
    ctx: &Context<'_>,
    kind: Kind,
    name: &str,
    confirm: &dyn Fn(&str) -> bool,
) -> Result<RemovedReport, OpsError> {
    let (_lock, reg) = super::open_for_write(ctx)?;
    let kind = match kind {
        Kind::Group(k) if !reg.contains(kind, name) => {
            let other = Kind::Group(match k {
                hsm_schema::ComponentKind::Package => hsm_schema::ComponentKind::Container,
                hsm_schema::ComponentKind::Container => hsm_schema::ComponentKind::Package,
            });
            if reg.contains(other, name) {
                other
            } else {
                kind
            }
        }
        k => k,
    };
    let Some(name) = reg.canonical(kind, name).map(str::to_string) else {
        return Err(match kind {
            Kind::Group(_) => super::no_such_group(&reg, name),
            Kind::Component(k) => OpsError::NoEntryToChange {
                what: k.noun(),
                name: name.to_string(),
                suggestion: reg.suggest(kind, name),
            },
        });
    };
    let mut by = references_to(&reg, kind, &name);
    if let Ok(root) = ctx.root()
        && let Ok(project) = hsm_sync::load_project(&root, &ctx.settings.cache)
        && selects(&project.manifest, kind, &name)
    {
        by.push(format!("this project's `{}`", hsm_sync::MANIFEST));
    }
    if !by.is_empty() {
        return Err(OpsError::StillReferenced { kind, name, by });
    }
    let path = reg.path_of(kind, &name);
    let shown = reg.display(&path).display().to_string();
    if !confirm(&format!("Remove {} `{name}` ({shown})?", kind.noun())) {
        return Err(OpsError::Usage {
            message: "aborted; nothing was removed".into(),
        });
    }
    std::fs::remove_file(&path).map_err(|e| infra_fs::FsError::new("remove", &shown, e))?;
    Ok(RemovedReport {
        kind,
        name,
        removed: shown,
    })
}
