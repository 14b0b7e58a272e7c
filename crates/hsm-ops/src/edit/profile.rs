//! `hsm profile`: the deployment profile of a container group or standalone container.

use hsm_schema::ComponentKind;
use infra_yaml::did_you_mean;

use super::component::check_profile;
use super::{EditReport, Session};
use crate::{Context, OpsError};

/// Sets (`Some`) or clears (`None`) the profile of `target`.
pub fn profile(
    ctx: &Context<'_>,
    target: &str,
    profile: Option<&str>,
) -> Result<EditReport, OpsError> {
    let mut s = Session::open(ctx)?;
    let m = s.manifest().clone();
    let changed = if let Some(sel) = m.services.container_groups.get(target) {
        if let (Some(p), Some(sel)) = (profile, &sel.selection) {
            for c in sel.to_vec() {
                check_profile(&s, &c, p)?;
            }
        }
        s.editor
            .set_group_field(ComponentKind::Container, target, "profile", profile)?
    } else if m.services.containers.iter().any(|r| r.name == target) {
        if let Some(p) = profile {
            check_profile(&s, target, p)?;
        }
        s.editor.set_component_profile(target, profile)?
    } else {
        let names: Vec<&str> = m
            .services
            .container_groups
            .keys()
            .map(String::as_str)
            .chain(m.services.containers.iter().map(|r| r.name.as_str()))
            .collect();
        return Err(OpsError::NotInManifest {
            what: "container group or standalone container",
            name: target.to_string(),
            suggestion: did_you_mean(target, names),
        });
    };
    s.save(
        changed,
        format!("`{target}` uses profile {}", profile.unwrap_or("(none)")),
    )
}
