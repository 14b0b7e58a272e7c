//! `hsm package|container add|remove`: standalone components.

use hsm_registry::Kind;
use hsm_schema::{ComponentKind, Mode};
use infra_yaml::did_you_mean;

use super::{EditReport, Session};
use crate::{Context, OpsError};

/// Checks that `container` has deployment profile `profile`.
pub(crate) fn check_profile(s: &Session, container: &str, profile: &str) -> Result<(), OpsError> {
    let entry = s.registry().container(container)?;
    let Some(entry) = entry else {
        return Err(OpsError::NotInRegistry {
            kind: Kind::CONTAINER,
            name: container.to_string(),
            suggestion: s.registry().suggest(Kind::CONTAINER, container),
        });
    };
    let known: Vec<String> = entry.spec.deployment_profiles.keys().cloned().collect();
    if known.iter().any(|k| k == profile) {
        return Ok(());
    }
    Err(OpsError::NoSuchProfile {
        container: container.to_string(),
        profile: profile.to_string(),
        suggestion: did_you_mean(profile, known.iter().map(String::as_str)),
        known,
    })
}

/// Adds a standalone component (by its registry spelling), optionally with a mode and, for
/// containers, a deployment profile.
pub fn add_component(
    ctx: &Context<'_>,
    kind: ComponentKind,
    name: &str,
    mode: Option<Mode>,
    profile: Option<&str>,
) -> Result<EditReport, OpsError> {
    let mut s = Session::open(ctx)?;
    let reg_kind = Kind::Component(kind);
    let Some(canonical) = s.registry().canonical(reg_kind, name).map(str::to_string) else {
        return Err(OpsError::NotInRegistry {
            kind: reg_kind,
            name: name.to_string(),
            suggestion: s.registry().suggest(reg_kind, name),
        });
    };
    if profile.is_some() && kind == ComponentKind::Package {
        return Err(OpsError::Usage {
            message: "`--profile` applies to containers only".into(),
        });
    }
    let listed = s
        .manifest()
        .packages
        .iter()
        .chain(&s.manifest().services.containers)
        .find(|r| {
            r.name != canonical
                && s.registry().canonical(reg_kind, &r.name) == Some(canonical.as_str())
        })
        .map(|r| r.name.clone());
    let name = listed.unwrap_or(canonical);
    let mut changed = s.editor.add_component(kind, &name, mode)?;
    if let Some(p) = profile {
        check_profile(&s, &name, p)?;
        changed |= s.editor.set_component_profile(&name, Some(p))?;
    }
    s.save(changed, format!("{kind} `{name}` is in hsm.yaml"))
}

/// Removes a standalone component.
pub fn remove_component(
    ctx: &Context<'_>,
    kind: ComponentKind,
    name: &str,
) -> Result<EditReport, OpsError> {
    let mut s = Session::open(ctx)?;
    let refs = match kind {
        ComponentKind::Package => &s.manifest().packages,
        ComponentKind::Container => &s.manifest().services.containers,
    };
    let reg_kind = Kind::Component(kind);
    let wanted = s
        .registry()
        .canonical(reg_kind, name)
        .unwrap_or(name)
        .to_string();
    let listed = refs
        .iter()
        .find(|r| {
            r.name == name || s.registry().canonical(reg_kind, &r.name).unwrap_or(&r.name) == wanted
        })
        .map(|r| r.name.clone());
    let Some(listed) = listed else {
        let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
        return Err(OpsError::NotInManifest {
            what: kind.noun(),
            name: name.to_string(),
            suggestion: did_you_mean(name, names),
        });
    };
    let changed = s.editor.remove_component(kind, &listed)?;
    s.save(changed, format!("removed {kind} `{listed}` from hsm.yaml"))
}
