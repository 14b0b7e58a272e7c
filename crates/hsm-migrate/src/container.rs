//! A service file (`services/<name>.yaml`, 0.2's `containers/<name>.yaml`) as an hsm
//! container.
//!
//! The original kept the image in a `docker-image` source and let every source add ports,
//! aliases and a container name; hsm has a top-level `image` and per-mode `image`/`build`
//! sources that add only env and volumes. Source-level ports, aliases and names are lifted
//! to the top when every source agrees (what the original produced in every mode), and
//! refused otherwise.

use std::collections::BTreeSet;

use crate::finding::Report;
use crate::implies;
use crate::package::rebased;
use crate::rebase::Rebase;
use crate::tree::{Entry, Item, Value};

/// What a container conversion needs to know about the rest of the registry.
pub(crate) struct Registry<'a> {
    /// Names of the packages (libraries) in the registry.
    pub(crate) packages: &'a BTreeSet<String>,
}

/// Converts a service file named `stem`.
pub(crate) fn convert(
    root: &Value,
    stem: &str,
    reg: &Registry<'_>,
    rb: &Rebase<'_>,
    r: &mut Report<'_>,
) -> Value {
    let mut out = Value::map();
    super::registry::ensure_name(root, stem, &mut out, r);
    let uv = root
        .get("deployment_profiles")
        .and_then(|p| p.value.entries())
        .is_some_and(|ps| {
            ps.iter()
                .any(|p| p.value.get("runtime").and_then(|r| r.value.as_str()) == Some("uv"))
        });
    for e in root.entries().unwrap_or_default() {
        match e.key.as_str() {
            "name" => out.set_entry(super::registry::name_entry(e, stem, r)),
            "type" => match e.value.as_str() {
                Some("service" | "container") | None => {}
                Some(other) => r.refuse(e.line, "type", format!("a service file with `type: {other}`"), "move the file to the folder of its kind"),
            },
            "version" => r.note(e.line, "version", "dropped: hsm containers have no version (the original required one and never used it)"),
            "description" | "image" | "port" | "env" | "healthcheck" | "resources" | "command" | "restart"
            | "working_dir" | "labels" | "params" | "network_aliases" | "ports" => {
                if !e.value.is_null() {
                    out.set_entry(e.clone());
                }
            }
            "container_name" => {
                if !e.value.is_null() {
                    out.set_entry(e.clone());
                }
            }
            "volumes" => out.set_entry(volumes(e, "volumes", rb, r)),
            "env_file" if e.value.is_empty() => {}
            "env_file" => env_file(e, "env_file", r),
            "sources" => sources(e, stem, uv, &mut out, rb, r),
            "deployment_profiles" => out.set_entry(profiles(e, r)),
            "dependencies" => out.set_entry(dependencies(e, reg, r)),
            "library_groups" => {
                if !e.value.is_empty() {
                    r.note(e.line, "library_groups", "dropped: the original never read a service's `library_groups`");
                }
            }
            "implies" => out.set_entry(implies::convert(e, "implies", r)),
            other => r.refuse(e.line, other, format!("`{other}` is not a key of a service"), "remove it, or move it where hsm expects it"),
        }
    }
    let from_docker_image = root
        .get("sources")
        .and_then(|s| s.value.get("prod"))
        .and_then(|p| p.value.get("type"))
        .and_then(|t| t.value.as_str())
        == Some("docker-image");
    if from_docker_image {
        hoist_image(&mut out);
    }
    out
}

fn env_file(e: &Entry, path: &str, r: &mut Report<'_>) {
    r.refuse(
        e.line,
        path,
        "hsm reads no per-service env files",
        "move each key into `env` as `KEY: \"${KEY}\"` and its value into the project's `.env` (hsm reads it at sync time and keeps values out of generated files)",
    );
}

fn volumes(e: &Entry, path: &str, rb: &Rebase<'_>, r: &mut Report<'_>) -> Entry {
    let Value::Seq(items, flow) = &e.value else {
        return e.clone();
    };
    let items = items
        .iter()
        .map(|i| match i.value.as_str().and_then(|v| rb.volume(v).map(|n| (v, n))) {
            Some((old, new)) => {
                r.note(i.line, path, format!("`{old}` is now `{new}`: hsm resolves bind mounts against the registry file"));
                Item { line: i.line, value: Value::text(new) }
            }
            None => i.clone(),
        })
        .collect();
    Entry {
        value: Value::Seq(items, *flow),
        ..e.clone()
    }
}

/// `sources`: `docker-image` → `image`, `local` → `build`, `git` (uv services) → `build`
/// with a clone on demand; source-level ports, aliases and names lifted to the top.
fn sources(e: &Entry, stem: &str, uv: bool, out: &mut Value, rb: &Rebase<'_>, r: &mut Report<'_>) {
    let mut lifted: Vec<(String, Entry)> = Vec::new();
    let converted = super::registry::convert_sources(e, r, |v, path, r| {
        source(v, path, stem, uv, &mut lifted, rb, r)
    });
    lift(&lifted, e.value.entries().map_or(0, <[Entry]>::len), out, r);
    if !converted.is_empty() {
        out.set_entry(Entry {
            value: converted,
            ..e.clone()
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn source(
    v: &Value,
    path: &str,
    stem: &str,
    uv: bool,
    lifted: &mut Vec<(String, Entry)>,
    rb: &Rebase<'_>,
    r: &mut Report<'_>,
) -> Option<Value> {
    let type_line = v.get("type").map_or(0, |t| t.line);
    let kind = v.get("type").and_then(|t| t.value.as_str()).unwrap_or("");
    if !(matches!(kind, "docker-image" | "image" | "build" | "local") || kind == "git" && uv) {
        r.refuse(
            type_line,
            &format!("{path}.type"),
            format!("source type `{kind}` cannot run as a container (the original wrote an invalid compose service for it)"),
            "use `docker-image` (image) or `build` (path, dockerfile)",
        );
        return None;
    }
    let mut out = Value::map_like(v);
    for f in v.entries().unwrap_or_default() {
        let here = format!("{path}.{}", f.key);
        match f.key.as_str() {
            "type" => source_type(f, kind, stem, v, path, &mut out, rb, r),
            "url" | "ref" if kind == "git" => {}
            "image" if kind != "git" => out.set_entry(f.clone()),
            "path" if kind != "git" => out.set_entry(rebased(f, &here, rb, r)),
            "dockerfile" | "args" | "git" if kind != "git" => out.set_entry(f.clone()),
            "env" => out.set_entry(f.clone()),
            "volumes" => out.set_entry(volumes(f, &here, rb, r)),
            "ports" | "network_aliases" | "container_name" => {
                lifted.push((path.to_string(), f.clone()))
            }
            "env_file" if f.value.is_empty() => {}
            "env_file" => env_file(f, &here, r),
            "editable" | "subdirectory" => r.note(
                f.line,
                &here,
                format!(
                    "dropped: `{}` means nothing for a service (the original ignored it)",
                    f.key
                ),
            ),
            other => r.refuse(
                f.line,
                &here,
                format!("`{other}` is not a key of a `{kind}` source"),
                "remove it",
            ),
        }
    }
    Some(out)
}

/// The `type` of a source, converted in place (a git source of a uv service also gets its
/// clone-on-demand `path` and `git` here).
#[allow(clippy::too_many_arguments)]
fn source_type(
    f: &Entry,
    kind: &str,
    stem: &str,
    v: &Value,
    path: &str,
    out: &mut Value,
    rb: &Rebase<'_>,
    r: &mut Report<'_>,
) {
    match kind {
        "docker-image" => out.set_entry(Entry {
            value: Value::text("image"),
            ..f.clone()
        }),
        "local" => out.set_entry(Entry {
            value: Value::text("build"),
            ..f.clone()
        }),
        "git" => {
            out.set_entry(Entry {
                value: Value::text("build"),
                ..f.clone()
            });
            let clone_to = format!("services/{stem}");
            let new = rb.path(&clone_to).unwrap_or(clone_to);
            out.set("path", Value::text(new));
            let mut git = Value::map();
            for k in ["url", "ref"] {
                if let Some(g) = v.get(k) {
                    git.set_entry(g.clone());
                }
            }
            out.set("git", git);
            r.note(f.line, path, "a git source of a uv service: cloned on demand into `services/<name>` as before, and checked out at its ref");
        }
        _ => out.set_entry(f.clone()),
    }
}

/// Lifts source-level `ports`, `network_aliases` and `container_name` to the top when every
/// one of the `sources` sources says the same.
fn lift(lifted: &[(String, Entry)], sources: usize, out: &mut Value, r: &mut Report<'_>) {
    for key in ["ports", "network_aliases", "container_name"] {
        let found: Vec<&(String, Entry)> = lifted.iter().filter(|(_, e)| e.key == key).collect();
        let Some((first_path, first)) = found.first() else {
            continue;
        };
        let agree =
            found.len() == sources && found.iter().all(|(_, e)| same(&e.value, &first.value));
        if !agree {
            r.refuse(
                first.line,
                &format!("{first_path}.{key}"),
                format!("`{key}` differs between modes, and hsm sets it for the container, not per source"),
                format!("move `{key}` to the top of the file, or into a deployment profile per mode"),
            );
            continue;
        }
        let merged = match (out.get(key).map(|e| e.value.clone()), &first.value) {
            (Some(Value::Seq(mut top, flow)), Value::Seq(extra, _)) => {
                for i in extra {
                    if !top.iter().any(|t| same(&t.value, &i.value)) {
                        top.push(i.clone());
                    }
                }
                Value::Seq(top, flow)
            }
            _ => first.value.clone(),
        };
        r.note(
            first.line,
            &format!("{first_path}.{key}"),
            format!("moved to the top: every mode had the same `{key}`"),
        );
        out.set_entry(Entry {
            key: key.to_string(),
            line: first.line,
            value: merged,
        });
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Scalar(x, _), Value::Scalar(y, _)) => x == y,
        (Value::Seq(x, _), Value::Seq(y, _)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(&p.value, &q.value))
        }
        (Value::Map(x, _), Value::Map(y, _)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.key == q.key && same(&p.value, &q.value))
        }
        _ => false,
    }
}

/// A prod `image` source with nothing else becomes the top-level `image:` shorthand.
fn hoist_image(out: &mut Value) {
    let Some(prod) = out
        .get("sources")
        .and_then(|s| s.value.get("prod"))
        .cloned()
    else {
        return;
    };
    let only_image = prod.value.entries().is_some_and(|e| e.len() == 2)
        && prod.value.get("type").and_then(|t| t.value.as_str()) == Some("image");
    if !only_image || out.get("image").is_some() {
        return;
    }
    let Some(image) = prod.value.get("image").cloned() else {
        return;
    };
    if let Some(mut sources) = out.take("sources") {
        sources.value.take("prod");
        out.set_entry(Entry {
            key: "image".into(),
            line: image.line,
            value: image.value,
        });
        if !sources.value.is_empty() {
            out.set_entry(sources);
        }
    }
}

/// `deployment_profiles`: runtimes hsm has (docker, uv) stay, `podman` (which the original
/// wrote into the Docker Compose file) becomes docker, `pixi` and `venv` (which did nothing)
/// are refused; keys the original stored and never applied are applied now.
fn profiles(e: &Entry, r: &mut Report<'_>) -> Entry {
    let mut out = Vec::new();
    for p in e.value.entries().unwrap_or_default() {
        let here = format!("deployment_profiles.{}", p.key);
        let mut fields = Vec::new();
        for f in p.value.entries().unwrap_or_default() {
            let at = format!("{here}.{}", f.key);
            match (f.key.as_str(), f.value.as_str()) {
                ("runtime", Some("podman")) => {
                    r.note(f.line, &at, "`podman` becomes `docker`: the original wrote podman services into the Docker Compose file");
                    fields.push(Entry {
                        value: Value::text("docker"),
                        ..f.clone()
                    });
                }
                ("runtime", Some(rt @ ("pixi" | "venv"))) => r.refuse(
                    f.line,
                    &at,
                    format!(
                        "runtime `{rt}` did nothing in the original and has no equivalent in hsm"
                    ),
                    "use `runtime: uv` for a Python service with its own environment, or `docker`",
                ),
                ("external", _) => {
                    r.note(f.line, &at, "the original stored the connection and never used it; hsm exports it as `<CONTAINER>_<KEY>` variables to the containers' consumers");
                    fields.push(f.clone());
                }
                ("mode" | "runtime", _) => fields.push(f.clone()),
                (
                    "env" | "command" | "working_dir" | "ports" | "container_name" | "image"
                    | "volumes" | "labels",
                    _,
                ) => {
                    if !f.value.is_empty() {
                        r.note(f.line, &at, format!("the original stored `{}` and never applied it; hsm applies it with this profile", f.key));
                    }
                    fields.push(f.clone());
                }
                (other, _) => r.refuse(
                    f.line,
                    &at,
                    format!("`{other}` is not a key of a deployment profile"),
                    "remove it",
                ),
            }
        }
        out.push(Entry {
            value: Value::Map(fields, matches!(p.value, Value::Map(_, true))),
            ..p.clone()
        });
    }
    Entry {
        value: Value::Map(out, matches!(e.value, Value::Map(_, true))),
        ..e.clone()
    }
}

/// `dependencies` of a uv service: registry packages by name (the original fell back to a
/// bare requirement, or `name==*`, which uv rejects).
fn dependencies(e: &Entry, reg: &Registry<'_>, r: &mut Report<'_>) -> Entry {
    let Value::Seq(items, flow) = &e.value else {
        return e.clone();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = format!("dependencies[{i}]");
        let (name, version) = match &item.value {
            Value::Map(..) => (
                item.value.get("name").and_then(|n| n.value.as_str()),
                item.value.get("version").and_then(|v| v.value.as_str()),
            ),
            v => (v.as_str(), None),
        };
        let Some(name) = name else {
            r.refuse(
                item.line,
                &here,
                "a dependency without a name",
                "name a registry package",
            );
            continue;
        };
        if version.is_some_and(|v| v != "*") || !reg.packages.contains(name) {
            r.refuse(
                item.line,
                &here,
                format!("dependency `{name}` is not a registry package"),
                {
                    let bare = name.split(|c: char| "<>=!~[; @".contains(c)).next().unwrap_or(name);
                    format!("add `packages/{bare}.yaml` (for a PyPI requirement: `sources: {{prod: {{type: pypi, spec: \"{name}\"}}}}`) and list `{bare}` here")
                },
            );
            continue;
        }
        out.push(match &item.value {
            Value::Map(..) => Item {
                line: item.line,
                value: Value::text(name),
            },
            _ => item.clone(),
        });
    }
    Entry {
        value: Value::Seq(out, *flow),
        ..e.clone()
    }
}
