//! `hsm.yaml` written for the original: `dependencies:` (0.2) or `libraries:` (0.3/0.4)
//! with `groups`/`standalone`, to hsm's top-level `packages`/`package_groups` and
//! `services.containers`/`services.container_groups`.

use std::collections::BTreeSet;

use crate::finding::Report;
use crate::tree::{Entry, Value};

/// Which vocabulary an `hsm.yaml` is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// 0.2 (`dependencies.package_groups`, `dependencies.packages`).
    V02,
    /// 0.3 or 0.4 (`libraries.groups`, `libraries.standalone`, `services.groups`).
    V03,
    /// hsm's own.
    Current,
}

impl Generation {
    /// How the plan names it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::V02 => "the original's 0.2 vocabulary (`dependencies:`)",
            Self::V03 => "the original's 0.3/0.4 vocabulary (`libraries:`)",
            Self::Current => "hsm's vocabulary",
        }
    }
}

/// The vocabulary of a parsed `hsm.yaml`.
pub fn generation(root: &Value) -> Generation {
    let services_legacy = root
        .get("services")
        .is_some_and(|s| s.value.get("groups").is_some() || s.value.get("standalone").is_some());
    if root.get("dependencies").is_some() {
        Generation::V02
    } else if root.get("libraries").is_some() || services_legacy {
        Generation::V03
    } else {
        Generation::Current
    }
}

/// What the project conversion needs to know about the registry.
pub(crate) struct Known<'a> {
    /// Containers whose registry file has a `default` deployment profile (0.4 applied it
    /// when the project named none).
    pub(crate) default_profiles: &'a BTreeSet<String>,
    /// Packages whose own file has `implies` (which the original ignored when the package
    /// was selected through a group).
    pub(crate) implying: &'a BTreeSet<String>,
    /// Every entry and group name in the registry.
    pub(crate) names: &'a BTreeSet<String>,
}

/// Converts a legacy `hsm.yaml`.
pub(crate) fn convert(root: &Value, known: &Known<'_>, r: &mut Report<'_>) -> Value {
    let default_profiles = known.default_profiles;
    let mut out = Value::map();
    out.set(
        "schema_version",
        Value::Scalar("1".into(), crate::tree::Style::Plain),
    );
    let mut services: Option<Entry> = None;
    for e in root.entries().unwrap_or_default() {
        match e.key.as_str() {
            "project" => {
                if let Some(p) = project(e, r) {
                    push(&mut out, p);
                }
            }
            "libraries" | "dependencies" => libraries(e, &mut out, known.implying, r),
            "services" => services = Some(e.clone()),
            "modes" => {
                if let Some(m) = modes(e, known.names, r) {
                    push(&mut out, m);
                }
            }
            "schema_version" => {}
            other => r.refuse(
                e.line,
                other,
                format!("`{other}` is not a key the original read"),
                "remove it (hsm validates hsm.yaml) or move its content where hsm expects it",
            ),
        }
    }
    if let Some(s) = services {
        push(&mut out, self::services(&s, default_profiles, r));
    }
    out
}

fn push(out: &mut Value, e: Entry) {
    if let Value::Map(entries, _) = out {
        entries.push(e);
    }
}

fn project(e: &Entry, r: &mut Report<'_>) -> Option<Entry> {
    let mut kept = Vec::new();
    for f in e.value.entries().unwrap_or_default() {
        let path = format!("project.{}", f.key);
        match f.key.as_str() {
            "name" | "version" => kept.push(f.clone()),
            "container_engine" if matches!(f.value.as_str(), None | Some("docker")) => {
                r.note(
                    f.line,
                    &path,
                    "dropped: hsm always generates a Docker Compose file",
                );
            }
            "container_engine" => r.refuse(
                f.line,
                &path,
                format!(
                    "container engine `{}` has no adapter in hsm (nor had it in the original)",
                    f.value.as_str().unwrap_or("")
                ),
                "remove the key: hsm generates a Docker Compose file",
            ),
            "manager" => r.note(
                f.line,
                &path,
                "dropped: the original ignored `project.manager`",
            ),
            other => r.refuse(
                f.line,
                &path,
                format!("`{other}` is not a project key"),
                "remove it; hsm reads `project.name` and `project.version`",
            ),
        }
    }
    (!kept.is_empty()).then(|| Entry {
        value: Value::Map(kept, false),
        ..e.clone()
    })
}

/// `libraries:` / `dependencies:` → `package_manager`, `packages`, `package_groups`.
fn libraries(e: &Entry, out: &mut Value, implying: &BTreeSet<String>, r: &mut Report<'_>) {
    let section = e.key.as_str();
    let mut packages = None;
    let mut groups = None;
    for f in e.value.entries().unwrap_or_default() {
        let path = format!("{section}.{}", f.key);
        match f.key.as_str() {
            "package_manager" => match f.value.as_str() {
                Some("uv" | "pip") | None => push(
                    out,
                    Entry {
                        key: "package_manager".into(),
                        ..f.clone()
                    },
                ),
                Some(other) => r.refuse(
                    f.line,
                    &path,
                    format!("package manager `{other}` is not one hsm drives (the original crashed on it too)"),
                    "use `uv` or `pip`",
                ),
            },
            "standalone" | "packages" => packages = Some(refs(f, &path, "packages", None, r)),
            "groups" | "package_groups" => {
                let converted = group_selections(f, &path, "package_groups", None, r);
                through_groups(&converted, implying, &path, r);
                groups = Some(converted);
            }
            other => r.refuse(
                f.line,
                &path,
                format!("`{other}` is not a key of `{section}`"),
                "remove it; the original read `package_manager`, `groups` and `standalone`",
            ),
        }
    }
    for e in [packages, groups].into_iter().flatten() {
        if !e.value.is_empty() {
            push(out, e);
        }
    }
}

fn services(e: &Entry, default_profiles: &BTreeSet<String>, r: &mut Report<'_>) -> Entry {
    let mut out = Value::map();
    let mut containers = None;
    let mut groups = None;
    for f in e.value.entries().unwrap_or_default() {
        let path = format!("services.{}", f.key);
        match f.key.as_str() {
            "standalone" | "containers" => {
                containers = Some(refs(f, &path, "containers", Some(default_profiles), r));
            }
            "groups" | "container_groups" => {
                groups = Some(group_selections(
                    f,
                    &path,
                    "container_groups",
                    Some(default_profiles),
                    r,
                ));
            }
            other => r.refuse(
                f.line,
                &path,
                format!("`{other}` is not a key of `services`"),
                "remove it; the original read `groups` and `standalone`",
            ),
        }
    }
    for c in [containers, groups].into_iter().flatten() {
        if !c.value.is_empty() {
            push(&mut out, c);
        }
    }
    Entry {
        value: out,
        ..e.clone()
    }
}

/// A standalone list: names and `{name, mode, profile}` entries carry over as written.
fn refs(
    e: &Entry,
    path: &str,
    key: &str,
    default_profiles: Option<&BTreeSet<String>>,
    r: &mut Report<'_>,
) -> Entry {
    let mut items = Vec::new();
    let mut seen = BTreeSet::new();
    if let Value::Seq(list, _) = &e.value {
        for (i, item) in list.iter().enumerate() {
            let here = format!("{path}[{i}]");
            let name = match &item.value {
                Value::Map(fields, _) => {
                    for f in fields {
                        if !matches!(f.key.as_str(), "name" | "mode" | "profile") {
                            r.refuse(
                                f.line,
                                &format!("{here}.{}", f.key),
                                format!("`{}` is not a key of a standalone entry", f.key),
                                "remove it; entries have `name`, `mode` and `profile`",
                            );
                        }
                    }
                    item.value
                        .get("name")
                        .and_then(|n| n.value.as_str())
                        .map(str::to_string)
                }
                v => v.as_str().map(str::to_string),
            };
            let Some(name) = name else {
                r.refuse(
                    item.line,
                    &here,
                    "an entry without a name",
                    "give it a name or remove it",
                );
                continue;
            };
            if !seen.insert(name.clone()) {
                r.note(item.line, &here, format!("`{name}` was listed twice (the original could duplicate entries); kept once"));
                continue;
            }
            let mut value = item.value.clone();
            if let Some(defaults) = default_profiles
                && defaults.contains(&name)
                && value.get("profile").is_none()
            {
                if value.entries().is_none() {
                    let mut m = Value::Map(Vec::new(), true);
                    m.set("name", value);
                    value = m;
                }
                value.set("profile", Value::text("default"));
                r.note(item.line, &here, format!("`{name}` gets `profile: default`: 0.4 applied its `default` profile when none was named"));
            }
            items.push(crate::tree::Item {
                line: item.line,
                value,
            });
        }
    } else if !e.value.is_null() {
        r.refuse(
            e.line,
            path,
            "expected a list of names",
            "write one `- name` per line",
        );
    }
    Entry {
        key: key.into(),
        line: e.line,
        value: Value::Seq(items, matches!(e.value, Value::Seq(_, true))),
    }
}

/// Group entries: `strategy` goes (the registry's group decides), a group with nothing
/// selected goes (the original skipped it), `selection`, `mode` and `profile` stay.
fn group_selections(
    e: &Entry,
    path: &str,
    key: &str,
    default_profiles: Option<&BTreeSet<String>>,
    r: &mut Report<'_>,
) -> Entry {
    let mut groups = Vec::new();
    for g in e.value.entries().unwrap_or_default() {
        let here = format!("{path}.{}", g.key);
        let mut kept = Vec::new();
        let mut selection: Vec<String> = Vec::new();
        for f in g.value.entries().unwrap_or_default() {
            match f.key.as_str() {
                "strategy" => r.note(
                    f.line,
                    &format!("{here}.strategy"),
                    "dropped: the registry's group decides the strategy",
                ),
                "selection" => {
                    selection = match &f.value {
                        Value::Seq(items, _) => items
                            .iter()
                            .filter_map(|i| i.value.as_str().map(str::to_string))
                            .collect(),
                        v => v.as_str().map(str::to_string).into_iter().collect(),
                    };
                    kept.push(f.clone());
                }
                "mode" => {
                    r.note(f.line, &format!("{here}.mode"), "a group's mode applies to its selected options (0.4 ignored it; 0.3 honoured it)");
                    kept.push(f.clone());
                }
                "profile" if default_profiles.is_some() => kept.push(f.clone()),
                other => r.refuse(
                    f.line,
                    &format!("{here}.{other}"),
                    format!("`{other}` is not a key of a group entry"),
                    "remove it; group entries have `selection`, `mode` and (services) `profile`",
                ),
            }
        }
        if g.value.entries().is_none() {
            r.refuse(
                g.line,
                &here,
                "a group entry must be a mapping",
                "write `selection: <option>`",
            );
            continue;
        }
        if selection.is_empty() {
            r.note(
                g.line,
                &here,
                "removed: nothing is selected, and the original skipped such a group",
            );
            continue;
        }
        let mut value = Value::Map(kept, matches!(g.value, Value::Map(_, true)));
        if let Some(defaults) = default_profiles
            && value.get("profile").is_none()
            && selection.iter().any(|s| defaults.contains(s))
        {
            value.set("profile", Value::text("default"));
            r.note(g.line, &here, "gets `profile: default`: 0.4 applied the selected service's `default` profile when none was named");
        }
        groups.push(Entry { value, ..g.clone() });
    }
    Entry {
        key: key.into(),
        line: e.line,
        value: Value::Map(groups, matches!(e.value, Value::Map(_, true))),
    }
}

/// Notes the packages selected through a group whose own `implies` now apply.
fn through_groups(groups: &Entry, implying: &BTreeSet<String>, path: &str, r: &mut Report<'_>) {
    for g in groups.value.entries().unwrap_or_default() {
        let Some(sel) = g.value.get("selection") else {
            continue;
        };
        let names: Vec<&str> = match &sel.value {
            Value::Seq(items, _) => items.iter().filter_map(|i| i.value.as_str()).collect(),
            v => v.as_str().into_iter().collect(),
        };
        for n in names.into_iter().filter(|n| implying.contains(*n)) {
            r.note(sel.line, &format!("{path}.{}.selection", g.key), format!("the `implies` of `{n}` now apply: the original ignored a library's own implications when a group selected it"));
        }
    }
}

/// `modes`: entries naming nothing in the registry go (the original ignored them; hsm
/// refuses them).
fn modes(e: &Entry, names: &BTreeSet<String>, r: &mut Report<'_>) -> Option<Entry> {
    let Value::Map(entries, flow) = &e.value else {
        return (!e.value.is_null()).then(|| e.clone());
    };
    let kept: Vec<Entry> = entries
        .iter()
        .filter(|m| {
            let known = names.contains(&m.key);
            if !known {
                r.note(
                    m.line,
                    &format!("modes.{}", m.key),
                    format!(
                        "removed: `{}` is not in the registry (the original ignored it)",
                        m.key
                    ),
                );
            }
            known
        })
        .cloned()
        .collect();
    (!kept.is_empty()).then(|| Entry {
        value: Value::Map(kept, *flow),
        ..e.clone()
    })
}
