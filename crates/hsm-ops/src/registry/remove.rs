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
    let by = references_to(&reg, kind, &name);
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
