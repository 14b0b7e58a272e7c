//! `hsm registry …`: inspect and author the shared registry.
//!
//! The registry is the project's (its `registry:`, or `--registry`/`HSM_REGISTRY_PATH`) or,
//! outside a project, the one the flag, the variable or `./hsm-registry` names. A broken
//! `hsm.yaml` must not block registry work, so its `registry:` key is only used when the
//! manifest loads. Writes inside a project hold the project's lock.

mod author;
mod browse;
mod references;
mod remove;
mod validate;

pub use author::{
    NewContainer, NewGroup, NewPackage, ProdSource, WrittenReport, add_container, add_group,
    add_package, group_option, parse_implication,
};
pub use browse::{EntryItem, ListReport, ShowEntry, ShowReport, list, show};
pub use references::references_to;
pub use remove::{RemovedReport, remove};
pub use validate::{ValidateReport, validate};

use hsm_registry::Registry;
use hsm_sync::ProjectLock;

use crate::{Context, OpsError};

/// Opens the registry (see the module doc).
pub(crate) fn open(ctx: &Context<'_>) -> Result<Registry, OpsError> {
    let root = ctx.root().ok();
    let project = root
        .as_deref()
        .and_then(|r| hsm_sync::load_project(r, &ctx.settings.cache).ok());
    let base = root.clone().unwrap_or_else(|| ctx.settings.cwd.clone());
    let setting = ctx.settings.registry(project.as_ref(), &base);
    Ok(Registry::open_with(
        &setting.value,
        &base,
        &setting.provenance.to_string(),
        ctx.settings.cache.clone(),
    )?)
}

/// Locks the project (when there is one) and the registry (which other projects may share),
/// then opens the registry.
pub(crate) fn open_for_write(
    ctx: &Context<'_>,
) -> Result<(Option<ProjectLock>, Registry), OpsError> {
    let lock = match ctx.root() {
        Ok(root) => Some(ctx.lock(&root)?),
        Err(_) => None,
    };
    let reg = open(ctx)?;
    let lock = match lock {
        Some(mut lock) => {
            lock.also(reg.root(), ctx.interrupt, &mut || {
                ctx.printer.warn("another hsm process is changing this registry; waiting for it to finish (Ctrl-C to stop)");
            })?;
            Some(lock)
        }
        None if reg.root().is_dir() => Some(ctx.lock(reg.root())?),
        None => None,
    };
    // Opened again under the lock: what another writer changed meanwhile is seen.
    Ok((lock, open(ctx)?))
}

/// A group that is in neither group folder; the suggestion is the nearest group of either
/// kind.
pub(crate) fn no_such_group(reg: &Registry, name: &str) -> OpsError {
    let mut names = reg.names(hsm_registry::Kind::PACKAGE_GROUP);
    names.extend(reg.names(hsm_registry::Kind::CONTAINER_GROUP));
    OpsError::NoEntryToChange {
        what: "group",
        name: name.to_string(),
        suggestion: infra_yaml::did_you_mean(name, names),
    }
}
