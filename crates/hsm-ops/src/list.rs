//! `hsm list`: the resolved stack.

use std::collections::BTreeMap;

use hsm_resolve::{Deployment, Stack};
use hsm_schema::{ComponentKind, Mode, PackageSource, Strategy};
use serde::Serialize;

use crate::{Context, OpsError};

/// The resolved stack.
#[derive(Debug, Serialize)]
pub struct StackReport {
    /// Project name.
    pub project: String,
    /// Packages, by name.
    pub packages: Vec<PackageItem>,
    /// Containers, by name.
    pub containers: Vec<ContainerItem>,
    /// Groups, package groups first.
    pub groups: Vec<GroupItem>,
}

/// One package.
#[derive(Debug, Serialize)]
pub struct PackageItem {
    /// Name.
    pub name: String,
    /// Mode.
    pub mode: Mode,
    /// `pypi`, `git`, `local` or `virtual` (no source in this mode).
    pub source: &'static str,
    /// Why it is in the stack, outermost step first.
    pub via: Vec<String>,
    /// The other chains that would bring it too (several packages implying it).
    pub also_via: Vec<Vec<String>>,
}

/// One container.
#[derive(Debug, Serialize)]
pub struct ContainerItem {
    /// Name.
    pub name: String,
    /// Mode.
    pub mode: Mode,
    /// Deployment profile.
    pub profile: Option<String>,
    /// `managed` or `external`.
    pub deployment: &'static str,
    /// `docker` or `uv` (managed only).
    pub runtime: &'static str,
    /// The external host, for external deployments.
    pub host: Option<String>,
    /// Groups that selected it.
    pub groups: Vec<String>,
    /// Network aliases from its groups.
    pub aliases: Vec<String>,
    /// Merged implication params (only those with a value).
    pub params: BTreeMap<String, Vec<String>>,
    /// Why it is in the stack.
    pub via: Vec<String>,
    /// The other chains that would bring it too (several packages implying it).
    pub also_via: Vec<Vec<String>>,
}

/// One group.
#[derive(Debug, Serialize)]
pub struct GroupItem {
    /// Name.
    pub name: String,
    /// `package_group` or `container_group`.
    pub kind: &'static str,
    /// `1-of-N` or `M-of-N`.
    pub strategy: Strategy,
    /// Selected options.
    pub selected: Vec<String>,
    /// Network alias.
    pub alias: Option<String>,
    /// No registry file.
    pub adhoc: bool,
}

fn source_kind(s: Option<&PackageSource>) -> &'static str {
    match s {
        None => "virtual",
        Some(PackageSource::Pypi { .. }) => "pypi",
        Some(PackageSource::Git { .. }) => "git",
        Some(PackageSource::Local { .. }) => "local",
    }
}

/// Every chain after the first that implications record for a component.
fn also_via(stack: &Stack<'_>, kind: ComponentKind, name: &str) -> Vec<Vec<String>> {
    stack
        .auto
        .iter()
        .filter(|a| a.subject.0 == kind && a.subject.1 == name)
        .flat_map(|a| a.via.iter().skip(1).map(|v| v.chain.clone()))
        .collect()
}

impl StackReport {
    /// The report of a resolved stack.
    pub fn of(stack: &Stack<'_>) -> Self {
        let packages = stack
            .packages
            .iter()
            .map(|p| PackageItem {
                name: p.name.clone(),
                mode: p.mode,
                source: source_kind(p.source),
                via: p.via.chain.clone(),
                also_via: also_via(stack, ComponentKind::Package, &p.name),
            })
            .collect();
        let containers = stack
            .containers
            .iter()
            .map(|c| ContainerItem {
                name: c.name.clone(),
                mode: c.mode,
                profile: c.profile.clone(),
                deployment: match c.deployment {
                    Deployment::Managed => "managed",
                    Deployment::External(_) => "external",
                },
                runtime: if c.is_uv_service() { "uv" } else { "docker" },
                host: match &c.deployment {
                    Deployment::External(e) => e.get("host").cloned(),
                    Deployment::Managed => None,
                },
                groups: c.groups.clone(),
                aliases: c.group_aliases.clone(),
                params: c
                    .params
                    .iter()
                    .filter(|(_, v)| v.iter().any(|x| !x.is_empty()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                via: c.via.chain.clone(),
                also_via: also_via(stack, ComponentKind::Container, &c.name),
            })
            .collect();
        let groups = stack
            .groups
            .iter()
            .map(|g| GroupItem {
                name: g.name.clone(),
                kind: g.kind.group_type(),
                strategy: g.strategy,
                selected: g.selected.clone(),
                alias: g.alias.clone(),
                adhoc: g.adhoc,
            })
            .collect();
        Self {
            project: stack.project.clone(),
            packages,
            containers,
            groups,
        }
    }
}

/// Resolves the stack.
pub fn list(ctx: &Context<'_>) -> Result<StackReport, OpsError> {
    let project = ctx.open()?;
    let stack = hsm_resolve::resolve(&project.loaded.project, &project.loaded.registry)?;
    Ok(StackReport::of(&stack))
}
