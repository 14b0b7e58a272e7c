//! `hsm registry …`.

use std::fmt::Write as _;

use hsm_ops::registry::{
    self as ops, NewContainer, NewGroup, NewPackage, ProdSource, WrittenReport,
};
use hsm_registry::Kind;
use infra_cli::CliError;

use super::Ctx;
use crate::cli::{
    RegContainerAdd, RegContainerCmd, RegGroupAdd, RegGroupCmd, RegPackageAdd, RegPackageCmd,
    RegRemove, RegistryCmd,
};

/// The entry name from the command line, or asked for when a person is at the terminal.
fn name_or_ask(ctx: &Ctx<'_>, name: Option<&str>, what: &str) -> Result<String, CliError> {
    if let Some(n) = name {
        return Ok(n.to_string());
    }
    match ctx.printer.ask(&format!("{what} name:")) {
        None => Err(CliError::usage(format!(
            "give the {what} name (there is no terminal to ask on)"
        ))),
        Some(n) if n.is_empty() => Err(CliError::usage(format!("no {what} name given"))),
        Some(n) => Ok(n),
    }
}

fn written(ctx: &Ctx<'_>, r: &WrittenReport) {
    if ctx.printer.is_json() {
        ctx.printer.json(r);
    } else {
        ctx.printer
            .success(&format!("Wrote {} `{}` to {}", r.kind, r.name, r.written));
    }
}

fn list(ctx: &Ctx<'_>, query: Option<&str>) -> Result<(), CliError> {
    let report = ops::list(&ctx.ops(), query)?;
    let p = ctx.printer;
    if p.is_json() {
        p.json(&report);
    } else if report.is_empty() {
        p.status(&match query {
            Some(q) => format!("No registry entry matches `{q}`"),
            None => "The registry is empty".to_string(),
        });
    } else {
        let mut text = String::new();
        for kind in Kind::ALL {
            let items = report.of(kind);
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(text, "{}:", kind.folder());
            for i in items {
                match &i.description {
                    Some(d) => _ = writeln!(text, "  {:<28} {d}", i.name),
                    None => _ = writeln!(text, "  {}", i.name),
                }
            }
        }
        p.data(&text);
    }
    Ok(())
}

fn show(ctx: &Ctx<'_>, name: &str) -> Result<(), CliError> {
    let report = ops::show(&ctx.ops(), name)?;
    if ctx.printer.is_json() {
        ctx.printer.json(&report);
    } else {
        let text: String = report
            .entries
            .iter()
            .map(|e| format!("# {} `{}` — {}\n{}", e.kind, report.name, e.path, e.text))
            .collect();
        ctx.printer.data(&text);
    }
    Ok(())
}

fn add_package(ctx: &Ctx<'_>, a: RegPackageAdd) -> Result<(), CliError> {
    let name = name_or_ask(ctx, a.name.as_deref(), "package")?;
    let prod = match (a.pypi, a.git, a.path) {
        (Some(spec), None, None) => Some(ProdSource::Pypi {
            spec: spec.0,
            index: a.index,
        }),
        (None, Some(url), None) => Some(ProdSource::Git {
            url,
            reference: a.reference,
            subdirectory: a.subdirectory,
        }),
        (None, None, Some(p)) => Some(ProdSource::Path(p)),
        (None, None, None) => None,
        _ => {
            return Err(CliError::usage(
                "give at most one prod source: `--pypi`, `--git` or `--path`",
            ));
        }
    };
    let new = NewPackage {
        name,
        version: a.version,
        description: a.description,
        distribution: a.distribution,
        prod,
        dev_path: a.dev_path,
        dev_git: a.dev_git,
        env: a.env,
        implies: a.implies,
        force: a.force,
    };
    written(ctx, &ops::add_package(&ctx.ops(), &new)?);
    Ok(())
}

fn add_container(ctx: &Ctx<'_>, a: RegContainerAdd) -> Result<(), CliError> {
    let new = NewContainer {
        name: name_or_ask(ctx, a.name.as_deref(), "container")?,
        description: a.description,
        image: a.image,
        ports: a.ports,
        service_port: a.service_port,
        volumes: a.volumes,
        env: a.env,
        healthcheck: a.healthcheck,
        aliases: a.aliases,
        build: a.build,
        dockerfile: a.dockerfile,
        dev_volumes: a.dev_volumes,
        dev_env: a.dev_env,
        dev_git: a.dev_git,
        external: a.external,
        managed: a.managed,
        uv_profiles: a.uv_profiles,
        command: a.command,
        restart: a.restart,
        working_dir: a.working_dir,
        cpus: a.cpus,
        memory: a.memory,
        labels: a.labels,
        params: a.params,
        dependencies: a.dependencies,
        implies: a.implies,
        force: a.force,
    };
    written(ctx, &ops::add_container(&ctx.ops(), &new)?);
    Ok(())
}

fn add_group(ctx: &Ctx<'_>, a: RegGroupAdd) -> Result<(), CliError> {
    let new = NewGroup {
        name: name_or_ask(ctx, a.name.as_deref(), "group")?,
        kind: a.kind,
        strategy: a.strategy,
        options: a.options,
        alias: a.alias,
        default: a.default,
        description: a.description,
        force: a.force,
    };
    written(ctx, &ops::add_group(&ctx.ops(), &new)?);
    Ok(())
}

fn remove(ctx: &Ctx<'_>, kind: Kind, r: &RegRemove) -> Result<(), CliError> {
    let printer = ctx.printer;
    let confirm = |question: &str| {
        r.yes
            || printer
                .ask(&format!("{question} [y/N]"))
                .is_some_and(|a| matches!(a.as_str(), "y" | "Y" | "yes"))
    };
    if !r.yes && !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(CliError::usage(format!(
            "removing `{}` needs confirmation: pass `--yes`",
            r.name
        )));
    }
    let report = ops::remove(&ctx.ops(), kind, &r.name, &confirm)?;
    if printer.is_json() {
        printer.json(&report);
    } else {
        printer.success(&format!(
            "Removed {} `{}` ({})",
            report.kind, report.name, report.removed
        ));
    }
    Ok(())
}

fn option(
    ctx: &Ctx<'_>,
    group: &str,
    option: &str,
    description: Option<&str>,
    add: bool,
) -> Result<(), CliError> {
    let report = ops::group_option(&ctx.ops(), group, option, description, add)?;
    if ctx.printer.is_json() {
        ctx.printer.json(&report);
    } else if !report.changed {
        ctx.printer.success(&format!(
            "Nothing to change: `{option}` is an option of group `{group}` already"
        ));
    } else if add {
        ctx.printer
            .success(&format!("Added option `{option}` to group `{group}`"));
    } else {
        ctx.printer
            .success(&format!("Removed option `{option}` from group `{group}`"));
    }
    Ok(())
}

pub fn run(ctx: &Ctx<'_>, cmd: RegistryCmd) -> Result<(), CliError> {
    match cmd {
        RegistryCmd::List => list(ctx, None),
        RegistryCmd::Search { query } => list(ctx, Some(&query)),
        RegistryCmd::Show { name } => show(ctx, &name),
        RegistryCmd::Validate => {
            let report = ops::validate(&ctx.ops())?;
            if ctx.printer.is_json() {
                ctx.printer.json(&report);
            } else {
                ctx.printer.success(&format!(
                    "Registry is valid ({})",
                    infra_cli::count(report.entries, "entry", "entries")
                ));
            }
            Ok(())
        }
        RegistryCmd::Package(RegPackageCmd::Add(a)) => add_package(ctx, a),
        RegistryCmd::Package(RegPackageCmd::Remove(r)) => remove(ctx, Kind::PACKAGE, &r),
        RegistryCmd::Container(RegContainerCmd::Add(a)) => add_container(ctx, *Box::new(a)),
        RegistryCmd::Container(RegContainerCmd::Remove(r)) => remove(ctx, Kind::CONTAINER, &r),
        RegistryCmd::Group(RegGroupCmd::Add(a)) => add_group(ctx, a),
        RegistryCmd::Group(RegGroupCmd::Remove(r)) => remove(ctx, Kind::PACKAGE_GROUP, &r),
        RegistryCmd::Group(RegGroupCmd::AddOption {
            group,
            option: o,
            description,
        }) => option(ctx, &group, &o, description.as_deref(), true),
        RegistryCmd::Group(RegGroupCmd::RemoveOption { group, option: o }) => {
            option(ctx, &group, &o, None, false)
        }
    }
}
