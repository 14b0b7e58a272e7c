//! `hsm list`: the resolved stack as a tree.

use hsm_resolve::Deployment;
use hsm_schema::PackageSource;
use serde_json::json;

use crate::context::Ctx;
use crate::error::CliError;

fn source_kind(s: Option<&PackageSource>) -> &'static str {
    match s {
        None => "virtual",
        Some(PackageSource::Pypi { .. }) => "pypi",
        Some(PackageSource::Git { .. }) => "git",
        Some(PackageSource::Local { .. }) => "local",
    }
}

pub fn run(ctx: &Ctx) -> Result<(), CliError> {
    let loaded = ctx.load()?;
    let stack =
        hsm_resolve::resolve(&loaded.project, &loaded.registry).map_err(CliError::problems)?;
    if ctx.printer.json {
        ctx.printer.json(&json!({
            "project": stack.project,
            "packages": stack.packages.iter().map(|p| json!({
                "name": p.name, "mode": p.mode.as_str(), "source": source_kind(p.source), "via": p.via.chain,
            })).collect::<Vec<_>>(),
            "containers": stack.containers.iter().map(|c| json!({
                "name": c.name, "mode": c.mode.as_str(), "profile": c.profile,
                "deployment": match &c.deployment { Deployment::Managed => "managed", Deployment::External(_) => "external" },
                "groups": c.groups, "aliases": c.group_aliases, "params": c.params, "via": c.via.chain,
            })).collect::<Vec<_>>(),
            "groups": stack.groups.iter().map(|g| json!({
                "name": g.name, "kind": if g.container { "container_group" } else { "package_group" },
                "strategy": g.strategy.as_str(), "selected": g.selected, "alias": g.alias, "adhoc": g.adhoc,
            })).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    let mut s = format!("Project: {}\n", stack.project);
    let mode_icon = |m: hsm_schema::Mode| {
        if m == hsm_schema::Mode::Dev {
            "dev"
        } else {
            "prod"
        }
    };
    s.push_str("├── Packages\n");
    let np = stack.packages.len();
    for (i, p) in stack.packages.iter().enumerate() {
        let branch = if i + 1 == np {
            "└──"
        } else {
            "├──"
        };
        let why = if p.via.is_direct() {
            String::new()
        } else {
            format!(
                "  ← {}",
                p.via.chain[..p.via.chain.len().saturating_sub(1)]
                    .last()
                    .cloned()
                    .unwrap_or_default()
            )
        };
        s.push_str(&format!(
            "│   {branch} {} [{}, {}]{why}\n",
            p.name,
            mode_icon(p.mode),
            source_kind(p.source)
        ));
    }
    s.push_str("├── Containers\n");
    let nc = stack.containers.len();
    for (i, c) in stack.containers.iter().enumerate() {
        let branch = if i + 1 == nc {
            "└──"
        } else {
            "├──"
        };
        let dep = match &c.deployment {
            Deployment::Managed if c.is_uv_service() => "managed, uv".to_string(),
            Deployment::Managed => "managed".to_string(),
            Deployment::External(e) => {
                format!("external {}", e.get("host").cloned().unwrap_or_default())
            }
        };
        let prof = c
            .profile
            .as_ref()
            .map(|p| format!(", profile {p}"))
            .unwrap_or_default();
        let alias = if c.group_aliases.is_empty() {
            String::new()
        } else {
            format!(", as {}", c.group_aliases.join("/"))
        };
        s.push_str(&format!(
            "│   {branch} {} [{}, {dep}{prof}{alias}]\n",
            c.name,
            mode_icon(c.mode)
        ));
        for (k, v) in &c.params {
            s.push_str(&format!(
                "│   {}     {k} = {}\n",
                if i + 1 == nc { " " } else { "│" },
                v.join(",")
            ));
        }
    }
    s.push_str("└── Groups\n");
    let ng = stack.groups.len();
    for (i, g) in stack.groups.iter().enumerate() {
        let branch = if i + 1 == ng {
            "└──"
        } else {
            "├──"
        };
        let kind = if g.container { "container" } else { "package" };
        let adhoc = if g.adhoc { ", ad hoc" } else { "" };
        s.push_str(&format!(
            "    {branch} {} ({kind}, {}{adhoc}) → {}\n",
            g.name,
            g.strategy.as_str(),
            g.selected.join(", ")
        ));
    }
    ctx.printer.out(&s);
    Ok(())
}
