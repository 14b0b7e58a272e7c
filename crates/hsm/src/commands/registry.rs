//! `hsm registry …`: inspect and author the shared registry.

use std::io::IsTerminal as _;
use std::path::Path;

use hsm_registry::{Kind, Registry};
use serde_json::{Map, Value, json};

use crate::cli::{
    RegContainerAdd, RegContainerCmd, RegGroupAdd, RegGroupCmd, RegPackageAdd, RegPackageCmd,
    RegRemove, RegistryCmd,
};
use crate::context::Ctx;
use crate::error::CliError;

/// Opens the registry: of the project when there is one, else from flag/env/`./hsm-registry`.
/// A broken `hsm.yaml` must not block registry work, so its `registry:` key is only used when
/// the manifest loads.
fn open(ctx: &Ctx) -> Result<Registry, CliError> {
    let (flag, env) = ctx.registry_override();
    let root = ctx.root().ok();
    if let (Some(_), Ok(loaded)) = (&root, ctx.load()) {
        return Ok(loaded.registry);
    }
    let base = root.clone().unwrap_or_else(|| ctx.cwd.clone());
    let (p, origin) = match (flag, env) {
        (Some(f), _) => (f, "--registry"),
        (None, Some(e)) => (e, "HSM_REGISTRY_PATH"),
        _ => (base.join("hsm-registry"), "the default `./hsm-registry`"),
    };
    let p = if p.is_absolute() { p } else { ctx.cwd.join(p) };
    Registry::open(&p, &base, origin).map_err(|e| match e {
        hsm_registry::RegistryError::Missing { path, origin } => CliError::invalid(format!(
            "registry directory `{}` does not exist (from {origin})",
            path.display()
        ))
        .hint("pass `--registry DIR`, set HSM_REGISTRY_PATH, or run `hsm init`"),
        other => CliError::failure(other.to_string()),
    })
}

fn description(reg: &Registry, kind: Kind, name: &str) -> Option<String> {
    match kind {
        Kind::Package => reg
            .package(name)
            .ok()
            .flatten()
            .and_then(|e| e.spec.description.clone()),
        Kind::Container => reg
            .container(name)
            .ok()
            .flatten()
            .and_then(|e| e.spec.description.clone()),
        Kind::PackageGroup | Kind::ContainerGroup => reg
            .group(kind, name)
            .ok()
            .flatten()
            .and_then(|e| e.spec.description.clone()),
    }
}

pub fn run(ctx: &Ctx, cmd: RegistryCmd) -> Result<(), CliError> {
    match cmd {
        RegistryCmd::List => list(ctx, None),
        RegistryCmd::Search { query } => list(ctx, Some(&query)),
        RegistryCmd::Show { name } => show(ctx, &name),
        RegistryCmd::Validate => validate(ctx),
        RegistryCmd::Package(RegPackageCmd::Add(a)) => add_package(ctx, &a),
        RegistryCmd::Package(RegPackageCmd::Remove(r)) => remove(ctx, Kind::Package, &r),
        RegistryCmd::Container(RegContainerCmd::Add(a)) => add_container(ctx, &a),
        RegistryCmd::Container(RegContainerCmd::Remove(r)) => remove(ctx, Kind::Container, &r),
        RegistryCmd::Group(RegGroupCmd::Add(a)) => add_group(ctx, &a),
        RegistryCmd::Group(RegGroupCmd::Remove(r)) => {
            let reg = open(ctx)?;
            let kind = if reg.contains(Kind::PackageGroup, &r.name) {
                Kind::PackageGroup
            } else {
                Kind::ContainerGroup
            };
            remove(ctx, kind, &r)
        }
        RegistryCmd::Group(RegGroupCmd::AddOption {
            group,
            option,
            description,
        }) => group_option(ctx, &group, &option, description.as_deref(), true),
        RegistryCmd::Group(RegGroupCmd::RemoveOption { group, option }) => {
            group_option(ctx, &group, &option, None, false)
        }
    }
}

fn list(ctx: &Ctx, query: Option<&str>) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let q = query.map(str::to_lowercase);
    let mut out = Map::new();
    let mut text = String::new();
    let mut total = 0;
    for kind in Kind::ALL {
        let mut items = Vec::new();
        for name in reg.names(kind) {
            let desc = description(&reg, kind, name);
            if let Some(q) = &q
                && !name.to_lowercase().contains(q.as_str())
                && !desc
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(q.as_str())
            {
                continue;
            }
            items.push((name.to_string(), desc));
        }
        total += items.len();
        if !items.is_empty() {
            text.push_str(&format!("{}:\n", kind.folder()));
            for (n, d) in &items {
                match d {
                    Some(d) => text.push_str(&format!("  {n:<28} {d}\n")),
                    None => text.push_str(&format!("  {n}\n")),
                }
            }
        }
        out.insert(
            kind.folder().into(),
            json!(
                items
                    .iter()
                    .map(|(n, d)| json!({"name": n, "description": d}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    if ctx.printer.json {
        ctx.printer.json(&Value::Object(out));
    } else if total == 0 {
        ctx.printer.status(&match query {
            Some(q) => format!("No registry entry matches `{q}`"),
            None => "The registry is empty".to_string(),
        });
    } else {
        ctx.printer.out(&text);
    }
    Ok(())
}

fn show(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let found: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| reg.contains(*k, name))
        .collect();
    if found.is_empty() {
        let all: Vec<&str> = Kind::ALL.iter().flat_map(|k| reg.names(*k)).collect();
        let mut e = CliError::failure(format!("`{name}` is not in the registry"));
        if let Some(x) = infra_yaml::did_you_mean(name, all) {
            e = e.hint(format!("did you mean `{x}`?"));
        }
        return Err(e);
    }
    let mut entries = Vec::new();
    let mut text = String::new();
    for k in found {
        let path = reg.path_of(k, name);
        let body = std::fs::read_to_string(&path)
            .map_err(|e| CliError::failure(format!("cannot read `{}`: {e}", path.display())))?;
        text.push_str(&format!(
            "# {} `{name}` — {}\n{body}",
            k.noun(),
            reg.display(&path).display()
        ));
        entries.push(json!({"kind": k.noun(), "path": reg.display(&path), "text": body}));
    }
    if ctx.printer.json {
        ctx.printer.json(&json!({"name": name, "entries": entries}));
    } else {
        ctx.printer.out(&text);
    }
    Ok(())
}

/// Every file parses, and every name it refers to exists.
fn validate(ctx: &Ctx) -> Result<(), CliError> {
    let reg = open(ctx)?;
    let mut problems = reg.validate_all();
    problems.extend(references(&reg));
    if !problems.is_empty() {
        return Err(CliError::problems(problems));
    }
    let n: usize = Kind::ALL.iter().map(|k| reg.names(*k).len()).sum();
    if ctx.printer.json {
        ctx.printer.json(&json!({"ok": true, "entries": n}));
    } else {
        ctx.printer
            .success(&format!("Registry is valid ({n} entries)"));
    }
    Ok(())
}

/// Dangling references: implies targets and group options that do not exist.
fn references(reg: &Registry) -> Vec<infra_yaml::YamlError> {
    use hsm_schema::Implication;
    let mut out = Vec::new();
    let check = |imp: &hsm_schema::Implies,
                 file: &Path,
                 base: &str,
                 index: &infra_yaml::PathIndex,
                 out: &mut Vec<infra_yaml::YamlError>| {
        for i in &imp.0 {
            let key = format!("{base}implies.{}", i.target().key());
            let missing = match i {
                Implication::Container { name, .. } => {
                    (!reg.contains(Kind::Container, name)).then(|| (Kind::Container, name.clone()))
                }
                Implication::Package { name, .. } => {
                    (!reg.contains(Kind::Package, name)).then(|| (Kind::Package, name.clone()))
                }
                Implication::Group {
                    container, options, ..
                } => {
                    let k = if *container {
                        Kind::Container
                    } else {
                        Kind::Package
                    };
                    options
                        .iter()
                        .find(|o| !reg.contains(k, o))
                        .map(|o| (k, o.clone()))
                }
            };
            if let Some((k, n)) = missing {
                out.push(
                    infra_yaml::YamlError::new(
                        file,
                        format!("implies {} `{n}`, which is not in the registry", k.noun()),
                    )
                    .at(index.locate(&key))
                    .key(key)
                    .maybe_hint(reg.suggest(k, &n).map(|s| format!("did you mean `{s}`?"))),
                );
            }
        }
    };
    for n in reg.names(Kind::Package) {
        if let Ok(Some(e)) = reg.package(n) {
            check(&e.spec.implies, &e.display, "", &e.index, &mut out);
        }
    }
    for n in reg.names(Kind::Container) {
        if let Ok(Some(e)) = reg.container(n) {
            check(&e.spec.implies, &e.display, "", &e.index, &mut out);
            for (i, d) in e.spec.dependencies.iter().enumerate() {
                if !reg.contains(Kind::Package, d) {
                    let key = format!("dependencies[{i}]");
                    out.push(
                        e.error(
                            &key,
                            format!("dependency `{d}` is not a package in the registry"),
                        )
                        .maybe_hint(
                            reg.suggest(Kind::Package, d)
                                .map(|s| format!("did you mean `{s}`?")),
                        ),
                    );
                }
            }
        }
    }
    for gk in [Kind::PackageGroup, Kind::ContainerGroup] {
        let ck = if gk == Kind::PackageGroup {
            Kind::Package
        } else {
            Kind::Container
        };
        for n in reg.names(gk) {
            if let Ok(Some(e)) = reg.group(gk, n) {
                for (i, o) in e.spec.options.iter().enumerate() {
                    if !reg.contains(ck, &o.name) {
                        let key = format!("options[{i}].name");
                        out.push(
                            e.error(
                                &key,
                                format!(
                                    "option `{}` is not a {} in the registry",
                                    o.name,
                                    ck.noun()
                                ),
                            )
                            .maybe_hint(
                                reg.suggest(ck, &o.name)
                                    .map(|s| format!("did you mean `{s}`?")),
                            ),
                        );
                    }
                    check(
                        &o.implies,
                        &e.display,
                        &format!("options[{i}]."),
                        &e.index,
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

/// The entry name from the command line, or asked for when a person is at the terminal.
fn name_or_prompt(name: Option<&str>, what: &str) -> Result<String, CliError> {
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

fn key_values(list: &[String], flag: &str) -> Result<Map<String, Value>, CliError> {
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

fn implies(list: &[String]) -> Result<Map<String, Value>, CliError> {
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

fn write_entry(
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

fn add_package(ctx: &Ctx, a: &RegPackageAdd) -> Result<(), CliError> {
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

fn add_container(ctx: &Ctx, a: &RegContainerAdd) -> Result<(), CliError> {
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

fn add_group(ctx: &Ctx, a: &RegGroupAdd) -> Result<(), CliError> {
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

fn remove(ctx: &Ctx, kind: Kind, r: &RegRemove) -> Result<(), CliError> {
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

fn references_to(reg: &Registry, kind: Kind, name: &str) -> Vec<String> {
    use hsm_schema::{Implication, Implies};
    let hits = |imp: &Implies| {
        imp.0.iter().any(|i| match (i, kind) {
            (Implication::Container { name: n, .. }, Kind::Container)
            | (Implication::Package { name: n, .. }, Kind::Package) => n == name,
            (
                Implication::Group {
                    container: true,
                    options,
                    ..
                },
                Kind::Container,
            )
            | (
                Implication::Group {
                    container: false,
                    options,
                    ..
                },
                Kind::Package,
            ) => options.iter().any(|o| o == name),
            (
                Implication::Group {
                    container: true,
                    group,
                    ..
                },
                Kind::ContainerGroup,
            )
            | (
                Implication::Group {
                    container: false,
                    group,
                    ..
                },
                Kind::PackageGroup,
            ) => group == name,
            _ => false,
        })
    };
    let mut out = Vec::new();
    for n in reg.names(Kind::Package) {
        if let Ok(Some(e)) = reg.package(n)
            && hits(&e.spec.implies)
        {
            out.push(format!("`{}`", e.display.display()));
        }
    }
    for n in reg.names(Kind::Container) {
        if let Ok(Some(e)) = reg.container(n)
            && (hits(&e.spec.implies)
                || (kind == Kind::Package && e.spec.dependencies.iter().any(|d| d == name)))
        {
            out.push(format!("`{}`", e.display.display()));
        }
    }
    for gk in [Kind::PackageGroup, Kind::ContainerGroup] {
        let opt_kind = if gk == Kind::PackageGroup {
            Kind::Package
        } else {
            Kind::Container
        };
        for n in reg.names(gk) {
            if let Ok(Some(e)) = reg.group(gk, n)
                && ((opt_kind == kind && e.spec.options.iter().any(|o| o.name == name))
                    || e.spec.options.iter().any(|o| hits(&o.implies)))
            {
                out.push(format!("`{}`", e.display.display()));
            }
        }
    }
    out
}

fn group_option(
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
