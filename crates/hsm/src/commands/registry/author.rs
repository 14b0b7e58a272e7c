//! Writing registry entries from flags, removing them, and editing group options.

use std::io::IsTerminal as _;

use hsm_registry::{Kind, Registry};
use serde_json::{Map, Value, json};

use super::open;
use super::validate::references_to;
use crate::cli::{RegContainerAdd, RegGroupAdd, RegPackageAdd, RegRemove};
use crate::context::Ctx;
use crate::error::CliError;

/// The entry name from the command line, or asked for when a person is at the terminal.
pub(super) fn name_or_prompt(name: Option<&str>, what: &str) -> Result<String, CliError> {
    if let Some(n) = name {
        return Ok(n.to_string());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(format!(
            "give the {what} name (there is no terminal to ask on)"
        )));
    }
    eprint!("{what} name: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
    let n = line.trim().to_string();
    if n.is_empty() {
        return Err(CliError::usage(format!("no {what} name given")));
    }
    Ok(n)
}

pub(super) fn key_values(list: &[String], flag: &str) -> Result<Map<String, Value>, CliError> {
    let mut m = Map::new();
    for kv in list {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| CliError::usage(format!("`{flag} {kv}`: expected KEY=VALUE")))?;
        if k.trim().is_empty() {
            return Err(CliError::usage(format!("`{flag} {kv}`: empty key")));
        }
        m.insert(k.trim().to_string(), json!(v));
    }
    Ok(m)
}

pub(super) fn implies(list: &[String]) -> Result<Map<String, Value>, CliError> {
    let mut m = Map::new();
    for spec in list {
        let bad = || {
            CliError::usage(format!(
                "`--implies {spec}`: expected `container:NAME[:KEY=VALUE,…]`, `package:NAME`, `container_group:GROUP=OPTION[,…]` or `package_group:GROUP=OPTION[,…]`"
            ))
        };
        if let Some(rest) = spec.strip_prefix("container:") {
            let (name, params) = rest
                .split_once(':')
                .map_or((rest, None), |(n, p)| (n, Some(p)));
            let mut pm = Map::new();
            for kv in params.into_iter().flat_map(|p| p.split(',')) {
                let (k, v) = kv.split_once('=').ok_or_else(bad)?;
                pm.insert(k.to_string(), json!(v));
            }
            let v = if pm.is_empty() {
                json!({})
            } else {
                json!({"params": pm})
            };
            m.insert(format!("container:{name}"), v);
        } else if let Some(name) = spec.strip_prefix("package:") {
            m.insert(format!("package:{name}"), json!({}));
        } else if let Some((g, opts)) = spec.split_once('=')
            && (g.starts_with("container_group:") || g.starts_with("package_group:"))
        {
            let opts: Vec<&str> = opts.split(',').filter(|o| !o.is_empty()).collect();
            m.insert(
                g.to_string(),
                if opts.len() == 1 {
                    json!(opts[0])
                } else {
                    json!(opts)
                },
            );
        } else {
            return Err(bad());
        }
    }
    Ok(m)
}

pub(super) fn write_entry(
    ctx: &Ctx,
    reg: &Registry,
    kind: Kind,
    name: &str,
    force: bool,
    doc: Value,
) -> Result<(), CliError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(CliError::usage(format!("`{name}` is not a valid name")));
    }
    let path = reg.path_of(kind, name);
    if path.exists() && !force {
        return Err(CliError::invalid(format!(
            "{} `{name}` already exists at `{}`",
            kind.noun(),
            reg.display(&path).display()
        ))
        .hint("pass `--force` to overwrite it"));
    }
    let body = serde_saphyr::to_string(&doc)
        .map_err(|e| CliError::failure(format!("cannot serialise: {e}")))?;
    let text = format!(
        "# Written by `hsm registry {} add`; edit freely.\n{body}",
        kind.noun().replace(' ', "-").replace("-group", " group")
    );
    // Never write a file hsm itself could not read back.
    let display = reg.display(&path);
    let check = match kind {
        Kind::Package => {
            infra_yaml::from_str::<hsm_schema::PackageSpec>(&display, &text).map(|_| ())
        }
        Kind::Container => {
            infra_yaml::from_str::<hsm_schema::ContainerSpec>(&display, &text).map(|_| ())
        }
        _ => infra_yaml::from_str::<hsm_schema::GroupSpec>(&display, &text).map(|_| ()),
    };
    check.map_err(CliError::from)?;
    infra_fs::write_atomic(&path, text.as_bytes(), None)
        .map_err(|e| CliError::failure(e.to_string()))?;
    if ctx.printer.json {
        ctx.printer.json(&json!({"written": display}));
    } else {
        ctx.printer.success(&format!(
            "Wrote {} `{name}` to {}",
            kind.noun(),
            display.display()
        ));
    }
    Ok(())
}

pub(super) fn add_package(ctx: &Ctx, a: &RegPackageAdd) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let name = name_or_prompt(a.name.as_deref(), "package")?;
    let mut doc = Map::new();
    doc.insert("name".into(), json!(name));
    if let Some(v) = &a.version {
        doc.insert("version".into(), json!(v));
    }
    if let Some(d) = &a.description {
        doc.insert("description".into(), json!(d));
    }
    let mut sources = Map::new();
    let given = [a.pypi.is_some(), a.git.is_some(), a.path.is_some()]
        .iter()
        .filter(|x| **x)
        .count();
    if given > 1 {
        return Err(CliError::usage(
            "give at most one prod source: `--pypi`, `--git` or `--path`",
        ));
    }
    if let Some(spec) = &a.pypi {
        sources.insert(
            "prod".into(),
            if spec.is_empty() {
                json!({"type": "pypi"})
            } else {
                json!({"type": "pypi", "spec": spec})
            },
        );
    } else if let Some(url) = &a.git {
        let mut g = Map::new();
        g.insert("type".into(), json!("git"));
        g.insert("url".into(), json!(url));
        if let Some(r) = &a.reference {
            g.insert("ref".into(), json!(r));
        }
        if let Some(s) = &a.subdirectory {
            g.insert("subdirectory".into(), json!(s));
        }
        sources.insert("prod".into(), Value::Object(g));
    } else if let Some(p) = &a.path {
        sources.insert("prod".into(), json!({"type": "local", "path": p}));
    }
    if let Some(p) = &a.dev_path {
        let mut d = Map::new();
        d.insert("type".into(), json!("local"));
        d.insert("path".into(), json!(p));
        d.insert("editable".into(), json!(true));
        if let Some(g) = &a.dev_git {
            d.insert("git".into(), json!({"url": g}));
        }
        sources.insert("dev".into(), Value::Object(d));
    }
    if !sources.is_empty() {
        doc.insert("sources".into(), Value::Object(sources));
    }
    let env = key_values(&a.env, "--env")?;
    if !env.is_empty() {
        doc.insert("env".into(), Value::Object(env));
    }
    let imp = implies(&a.implies)?;
    if !imp.is_empty() {
        doc.insert("implies".into(), Value::Object(imp));
    }
    write_entry(ctx, &reg, Kind::Package, &name, a.force, Value::Object(doc))
}

pub(super) fn add_container(ctx: &Ctx, a: &RegContainerAdd) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let name = name_or_prompt(a.name.as_deref(), "container")?;
    let mut doc = Map::new();
    doc.insert("name".into(), json!(name));
    if let Some(d) = &a.description {
        doc.insert("description".into(), json!(d));
    }
    if let Some(i) = &a.image {
        doc.insert("image".into(), json!(i));
    }
    if a.image.is_none() && a.build.is_none() && a.external.is_empty() {
        return Err(CliError::usage(
            "give `--image`, `--build` or `--external`: a container needs something to run or connect to",
        ));
    }
    if !a.ports.is_empty() {
        doc.insert("ports".into(), json!(a.ports));
    }
    if !a.volumes.is_empty() {
        doc.insert("volumes".into(), json!(a.volumes));
    }
    let env = key_values(&a.env, "--env")?;
    if !env.is_empty() {
        doc.insert("env".into(), Value::Object(env));
    }
    if let Some(h) = &a.healthcheck {
        doc.insert(
            "healthcheck".into(),
            json!({"test": ["CMD-SHELL", h], "interval": "5s", "timeout": "5s", "retries": 10}),
        );
    }
    if !a.aliases.is_empty() {
        doc.insert("network_aliases".into(), json!(a.aliases));
    }
    if let Some(b) = &a.build {
        let mut d = Map::new();
        d.insert("type".into(), json!("build"));
        d.insert("path".into(), json!(b));
        if let Some(f) = &a.dockerfile {
            d.insert("dockerfile".into(), json!(f));
        }
        doc.insert("sources".into(), json!({"dev": d}));
    }
    if let Some(p) = a.service_port {
        doc.insert("port".into(), json!(p));
    }
    if let Some(c) = &a.command {
        doc.insert("command".into(), json!(c));
    }
    if let Some(r) = &a.restart {
        doc.insert("restart".into(), json!(r));
    }
    if let Some(w) = &a.working_dir {
        doc.insert("working_dir".into(), json!(w));
    }
    let labels = key_values(&a.labels, "--label")?;
    if !labels.is_empty() {
        doc.insert("labels".into(), Value::Object(labels));
    }
    if a.cpus.is_some() || a.memory.is_some() {
        let mut r = Map::new();
        if let Some(c) = &a.cpus {
            r.insert("cpus".into(), json!(c));
        }
        if let Some(m) = &a.memory {
            r.insert("memory".into(), json!(m));
        }
        doc.insert("resources".into(), Value::Object(r));
    }
    if let Some(Value::Object(sources)) = doc.get_mut("sources")
        && let Some(Value::Object(dev)) = sources.get_mut("dev")
    {
        if !a.dev_volumes.is_empty() {
            dev.insert("volumes".into(), json!(a.dev_volumes));
        }
        let dev_env = key_values(&a.dev_env, "--dev-env")?;
        if !dev_env.is_empty() {
            dev.insert("env".into(), Value::Object(dev_env));
        }
        if let Some(g) = &a.dev_git {
            dev.insert("git".into(), json!({"url": g}));
        }
    }
    let mut profiles = Map::new();
    for e in &a.external {
        let bad = || CliError::usage(format!("`--external {e}`: expected NAME=HOST:PORT"));
        let (name, hp) = e.split_once('=').ok_or_else(bad)?;
        let (host, port) = hp.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        profiles.insert(
            name.to_string(),
            json!({"mode": "external", "external": {"host": host, "port": port}}),
        );
    }
    for m in &a.managed {
        profiles.insert(m.clone(), json!({"mode": "managed"}));
    }
    for u in &a.uv_profiles {
        profiles.insert(u.clone(), json!({"mode": "managed", "runtime": "uv"}));
    }
    if !profiles.is_empty() {
        doc.insert("deployment_profiles".into(), Value::Object(profiles));
    }
    let mut params = Map::new();
    for p in &a.params {
        let (name, merge) = p.split_once('=').unwrap_or((p.as_str(), "list"));
        if !matches!(merge, "list" | "scalar") {
            return Err(CliError::usage(format!(
                "`--param {p}`: expected NAME, NAME=list or NAME=scalar"
            )));
        }
        params.insert(name.to_string(), json!({"merge": merge}));
    }
    if !params.is_empty() {
        doc.insert("params".into(), Value::Object(params));
    }
    if !a.dependencies.is_empty() {
        doc.insert("dependencies".into(), json!(a.dependencies));
    }
    let imp = implies(&a.implies)?;
    if !imp.is_empty() {
        doc.insert("implies".into(), Value::Object(imp));
    }
    write_entry(
        ctx,
        &reg,
        Kind::Container,
        &name,
        a.force,
        Value::Object(doc),
    )
}

pub(super) fn add_group(ctx: &Ctx, a: &RegGroupAdd) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let name = name_or_prompt(a.name.as_deref(), "group")?;
    let (kind, ckind, type_name) = match a.kind {
        crate::cli::KindArg::Package => (Kind::PackageGroup, Kind::Package, "package_group"),
        crate::cli::KindArg::Container => {
            (Kind::ContainerGroup, Kind::Container, "container_group")
        }
    };
    if !matches!(a.strategy.as_str(), "1-of-N" | "M-of-N") {
        return Err(CliError::usage(format!(
            "`--strategy {}`: expected `1-of-N` or `M-of-N`",
            a.strategy
        )));
    }
    for o in &a.options {
        if !reg.contains(ckind, o) {
            let mut e = CliError::invalid(format!(
                "option `{o}` is not a {} in the registry",
                ckind.noun()
            ));
            if let Some(s) = reg.suggest(ckind, o) {
                e = e.hint(format!("did you mean `{s}`?"));
            }
            return Err(e);
        }
    }
    if a.alias.is_some() && kind == Kind::PackageGroup {
        return Err(CliError::usage(
            "`--alias` applies to container groups only",
        ));
    }
    let mut doc = Map::new();
    doc.insert("name".into(), json!(name));
    doc.insert("type".into(), json!(type_name));
    doc.insert("strategy".into(), json!(a.strategy));
    if let Some(d) = &a.description {
        doc.insert("description".into(), json!(d));
    }
    if let Some(al) = &a.alias {
        doc.insert("alias".into(), json!(al));
    }
    if let Some(d) = &a.default {
        doc.insert("default".into(), json!(d));
    }
    doc.insert(
        "options".into(),
        json!(
            a.options
                .iter()
                .map(|o| json!({"name": o}))
                .collect::<Vec<_>>()
        ),
    );
    write_entry(ctx, &reg, kind, &name, a.force, Value::Object(doc))
}

pub(super) fn remove(ctx: &Ctx, kind: Kind, r: &RegRemove) -> Result<(), CliError> {
    let reg = open(ctx)?;
    if !reg.contains(kind, &r.name) {
        let mut e = CliError::failure(format!(
            "{} `{}` is not in the registry",
            kind.noun(),
            r.name
        ));
        if let Some(s) = reg.suggest(kind, &r.name) {
            e = e.hint(format!("did you mean `{s}`?"));
        }
        return Err(e);
    }
    // Refuse to leave dangling references behind.
    let path = reg.path_of(kind, &r.name);
    let refs: Vec<String> = references_to(&reg, kind, &r.name);
    if !refs.is_empty() {
        return Err(CliError::invalid(format!(
            "{} `{}` is still referenced by: {}",
            kind.noun(),
            r.name,
            refs.join(", ")
        ))
        .hint("remove those references first"));
    }
    if !r.yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::usage(format!(
                "removing `{}` needs confirmation: pass `--yes`",
                reg.display(&path).display()
            )));
        }
        eprint!(
            "Remove {} `{}` ({})? [y/N] ",
            kind.noun(),
            r.name,
            reg.display(&path).display()
        );
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            return Err(CliError::failure("aborted"));
        }
    }
    std::fs::remove_file(&path)
        .map_err(|e| CliError::failure(format!("cannot remove `{}`: {e}", path.display())))?;
    if ctx.printer.json {
        ctx.printer.json(&json!({"removed": reg.display(&path)}));
    } else {
        ctx.printer.success(&format!(
            "Removed {} `{}` ({})",
            kind.noun(),
            r.name,
            reg.display(&path).display()
        ));
    }
    Ok(())
}

pub(super) fn group_option(
    ctx: &Ctx,
    group: &str,
    option: &str,
    description: Option<&str>,
    add: bool,
) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let kind = if reg.contains(Kind::PackageGroup, group) {
        Kind::PackageGroup
    } else if reg.contains(Kind::ContainerGroup, group) {
        Kind::ContainerGroup
    } else {
        return Err(CliError::invalid(format!(
            "group `{group}` is not in the registry"
        )));
    };
    let ck = if kind == Kind::PackageGroup {
        Kind::Package
    } else {
        Kind::Container
    };
    if add && !reg.contains(ck, option) {
        return Err(CliError::invalid(format!(
            "`{option}` is not a {} in the registry",
            ck.noun()
        )));
    }
    let path = reg.path_of(kind, group);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::failure(format!("cannot read `{}`: {e}", path.display())))?;
    let (new, changed) = if add {
        hsm_edit::add_group_option(&text, option, description)
    } else {
        hsm_edit::remove_group_option(&text, option)
    }
    .map_err(|e| {
        CliError::invalid(format!(
            "cannot edit `{}`: {e}",
            reg.display(&path).display()
        ))
    })?;
    if !changed {
        return Err(CliError::invalid(if add {
            format!("`{option}` is already an option of `{group}`")
        } else {
            format!("`{option}` is not an option of `{group}`")
        }));
    }
    infra_yaml::from_str::<hsm_schema::GroupSpec>(&reg.display(&path), &new)
        .map_err(CliError::from)?;
    infra_fs::write_atomic(&path, new.as_bytes(), None)
        .map_err(|e| CliError::failure(e.to_string()))?;
    if ctx.printer.json {
        ctx.printer.json(
            &json!({"group": group, "option": option, "added": add, "path": reg.display(&path)}),
        );
    } else {
        ctx.printer.success(&format!(
            "{} option `{option}` {} group `{group}`",
            if add { "Added" } else { "Removed" },
            if add { "to" } else { "from" }
        ));
    }
    Ok(())
}
