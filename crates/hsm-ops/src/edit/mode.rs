//! `hsm mode`: the mode of one component or group, or of everything.

use hsm_registry::Kind;
use hsm_schema::{ComponentKind, Mode};
use infra_yaml::did_you_mean;

use super::{EditReport, Session};
use crate::{Context, OpsError};

/// What `hsm mode` sets.
#[derive(Debug, Clone)]
pub enum ModeTarget {
    /// `--all <mode>`: the project default and every explicit mode.
    All(Mode),
    /// `<target> <mode>`: a group in hsm.yaml, a standalone component, or any registry
    /// component (as an override under `modes:`).
    One {
        /// The group or component.
        target: String,
        /// The mode.
        mode: Mode,
    },
}

fn all(s: &mut Session, m: Mode) -> Result<bool, OpsError> {
    let manifest = s.manifest().clone();
    let mut changed = s.editor.set_top_scalar("mode", Some(m.as_str()))?;
    for (kind, refs) in [
        (ComponentKind::Package, &manifest.packages),
        (ComponentKind::Container, &manifest.services.containers),
    ] {
        for r in refs.iter().filter(|r| r.mode.is_some()) {
            changed |= s.editor.set_component_mode(kind, &r.name, m)?;
        }
    }
    for (kind, groups) in [
        (ComponentKind::Package, &manifest.package_groups),
        (
            ComponentKind::Container,
            &manifest.services.container_groups,
        ),
    ] {
        for (g, _) in groups.iter().filter(|(_, sel)| sel.mode.is_some()) {
            changed |= s
                .editor
                .set_group_field(kind, g, "mode", Some(m.as_str()))?;
        }
    }
    for name in manifest.modes.keys() {
        changed |= s.editor.set_mode_override(name, Some(m))?;
    }
    Ok(changed)
}

fn one(s: &mut Session, target: &str, m: Mode) -> Result<bool, OpsError> {
    let manifest = s.manifest().clone();
    if manifest.package_groups.contains_key(target) {
        return Ok(s.editor.set_group_field(
            ComponentKind::Package,
            target,
            "mode",
            Some(m.as_str()),
        )?);
    }
    if manifest.services.container_groups.contains_key(target) {
        return Ok(s.editor.set_group_field(
            ComponentKind::Container,
            target,
            "mode",
            Some(m.as_str()),
        )?);
    }
    for (kind, refs) in [
        (ComponentKind::Package, &manifest.packages),
        (ComponentKind::Container, &manifest.services.containers),
    ] {
        if refs.iter().any(|r| r.name == target) {
            return Ok(s.editor.set_component_mode(kind, target, m)?);
        }
    }
    let registry = s.registry();
    let canonical = registry
        .canonical(Kind::PACKAGE, target)
        .or_else(|| registry.canonical(Kind::CONTAINER, target))
        .map(str::to_string);
    if let Some(name) = canonical {
        return Ok(s.editor.set_mode_override(&name, Some(m))?);
    }
    let mut names: Vec<&str> = manifest
        .package_groups
        .keys()
        .chain(manifest.services.container_groups.keys())
        .map(String::as_str)
        .collect();
    names.extend(registry.component_names());
    Err(OpsError::NotAModeTarget {
        name: target.to_string(),
        suggestion: did_you_mean(target, names),
    })
}

/// Sets modes.
pub fn mode(ctx: &Context<'_>, target: &ModeTarget) -> Result<EditReport, OpsError> {
    let mut s = Session::open(ctx)?;
    let (changed, what) = match target {
        ModeTarget::All(m) => (all(&mut s, *m)?, format!("every component is in {m} mode")),
        ModeTarget::One { target, mode } => (
            one(&mut s, target, *mode)?,
            format!("`{target}` is in {mode} mode"),
        ),
    };
    s.save(changed, what)
}
