//! `hsm group select|unselect`: what a group is, and how a selection changes.
//!
//! A group's kind comes from hsm.yaml, else from the registry; a group in neither is
//! refused unless the user asks for a new ad-hoc group (`--new`), whose kind is that of its
//! options — a typo of a registry group name must not silently create one. A 1-of-N group's
//! selection is replaced; an M-of-N group's selection grows.

use hsm_registry::{Kind, Registry};
use hsm_schema::{ComponentKind, Manifest, Strategy};
use infra_yaml::did_you_mean;

use super::{EditReport, Session};
use crate::{Context, OpsError};

/// The kind of `group`: from hsm.yaml, else the registry, else (with `new`) its options'.
pub fn group_kind(
    manifest: &Manifest,
    registry: &Registry,
    group: &str,
    options: &[String],
    new: bool,
) -> Result<ComponentKind, OpsError> {
    if manifest.package_groups.contains_key(group) {
        return Ok(ComponentKind::Package);
    }
    if manifest.services.container_groups.contains_key(group) {
        return Ok(ComponentKind::Container);
    }
    for kind in ComponentKind::ALL {
        if registry.contains(Kind::Group(kind), group) {
            return Ok(kind);
        }
    }
    if !new {
        let mut names: Vec<&str> = manifest
            .package_groups
            .keys()
            .chain(manifest.services.container_groups.keys())
            .map(String::as_str)
            .collect();
        names.extend(registry.names(Kind::PACKAGE_GROUP));
        names.extend(registry.names(Kind::CONTAINER_GROUP));
        return Err(OpsError::UnknownGroup {
            group: group.to_string(),
            suggestion: did_you_mean(group, names),
        });
    }
    // A name that is neither a package nor a container is a typo, not a mix.
    if let Some(unknown) = options.iter().find(|o| {
        !ComponentKind::ALL
            .into_iter()
            .any(|k| registry.contains(Kind::Component(k), o))
    }) {
        return Err(OpsError::NoSuchEntry {
            name: unknown.clone(),
            suggestion: did_you_mean(unknown, registry.component_names()),
        });
    }
    ComponentKind::ALL
        .into_iter()
        .find(|k| {
            !options.is_empty()
                && options
                    .iter()
                    .all(|o| registry.contains(Kind::Component(*k), o))
        })
        .ok_or_else(|| OpsError::MixedOptions {
            group: group.to_string(),
        })
}

/// The new selection: `chosen` for 1-of-N (one option only), `current` plus `chosen` for
/// M-of-N.
pub fn merged_selection(
    strategy: Strategy,
    group: &str,
    current: Vec<String>,
    chosen: &[String],
) -> Result<Vec<String>, OpsError> {
    match strategy {
        Strategy::OneOfN if chosen.len() > 1 => Err(OpsError::OneOfN {
            group: group.to_string(),
        }),
        Strategy::OneOfN => Ok(chosen.to_vec()),
        Strategy::MOfN => {
            let mut out = current;
            for o in chosen {
                if !out.contains(o) {
                    out.push(o.clone());
                }
            }
            Ok(out)
        }
    }
}

/// Selects `options` in `group`.
pub fn select(
    ctx: &Context<'_>,
    group: &str,
    options: &[String],
    new: bool,
) -> Result<EditReport, OpsError> {
    if let Some(message) = hsm_schema::entry_name_problem(group, "group") {
        return Err(OpsError::Usage { message });
    }
    let mut s = Session::open(ctx)?;
    let kind = group_kind(s.manifest(), s.registry(), group, options, new)?;
    let choices = s.registry().choices(kind, group)?;
    let mut chosen = Vec::new();
    for o in options {
        let canonical = s
            .registry()
            .canonical(Kind::Component(kind), o)
            .unwrap_or(o);
        if !choices.options.iter().any(|x| x == canonical) {
            return Err(OpsError::NotAnOption {
                kind: Kind::Group(kind),
                group: group.to_string(),
                option: o.clone(),
                suggestion: did_you_mean(o, choices.options.iter().map(String::as_str)),
                options: choices.options.clone(),
            });
        }
        chosen.push(canonical.to_string());
    }
    let current = s.editor.group_selection(kind, group).unwrap_or_default();
    let selection = merged_selection(choices.strategy, group, current, &chosen)?;
    let is_new = match kind {
        ComponentKind::Package => !s.manifest().package_groups.contains_key(group),
        ComponentKind::Container => !s.manifest().services.container_groups.contains_key(group),
    };
    let description = s
        .registry()
        .group(kind, group)?
        .and_then(|e| e.spec.description.clone());
    let changed = s.editor.set_group_selection(kind, group, &selection)?;
    if changed
        && is_new
        && let Some(d) = description
    {
        let key = match kind {
            ComponentKind::Package => format!("package_groups.{group}"),
            ComponentKind::Container => format!("services.container_groups.{group}"),
        };
        s.comment_above(&key, group, &d)?;
    }
    let listed: Vec<String> = selection.iter().map(|o| format!("`{o}`")).collect();
    s.save(
        changed,
        format!("group `{group}` selects {}", listed.join(", ")),
    )
}

/// Unselects `option` of `group`, or removes the group from hsm.yaml.
pub fn unselect(
    ctx: &Context<'_>,
    group: &str,
    option: Option<&str>,
) -> Result<EditReport, OpsError> {
    let mut s = Session::open(ctx)?;
    let m = s.manifest();
    let kind = if m.package_groups.contains_key(group) {
        ComponentKind::Package
    } else if m.services.container_groups.contains_key(group) {
        ComponentKind::Container
    } else {
        let names: Vec<&str> = m
            .package_groups
            .keys()
            .chain(m.services.container_groups.keys())
            .map(String::as_str)
            .collect();
        return Err(OpsError::NotInManifest {
            what: "group",
            name: group.to_string(),
            suggestion: did_you_mean(group, names),
        });
    };
    let mut removed = option.is_none();
    let changed = match option {
        None => s.editor.remove_group(kind, group)?,
        Some(o) => {
            let current = s.editor.group_selection(kind, group).unwrap_or_default();
            if !current.iter().any(|c| c == o) {
                return Err(OpsError::NotSelected {
                    group: group.to_string(),
                    option: o.to_string(),
                });
            }
            let rest: Vec<String> = current.into_iter().filter(|x| x != o).collect();
            if rest.is_empty() {
                removed = true;
                s.editor.remove_group(kind, group)?
            } else {
                s.editor.set_group_selection(kind, group, &rest)?
            }
        }
    };
    let what = if let (true, Some(o)) = (removed, option) {
        format!("removed group `{group}` from hsm.yaml (`{o}` was its last selection)")
    } else if removed {
        format!("removed group `{group}` from hsm.yaml")
    } else {
        format!("updated group `{group}`")
    };
    s.save(changed, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_n_replaces_m_of_n_adds() {
        let cur = vec!["a".to_string()];
        assert_eq!(
            merged_selection(Strategy::OneOfN, "g", cur.clone(), &["b".into()]).unwrap(),
            ["b"]
        );
        assert!(
            merged_selection(
                Strategy::OneOfN,
                "g",
                cur.clone(),
                &["b".into(), "c".into()]
            )
            .is_err()
        );
        assert_eq!(
            merged_selection(Strategy::MOfN, "g", cur, &["b".into(), "a".into()]).unwrap(),
            ["a", "b"]
        );
    }
}
