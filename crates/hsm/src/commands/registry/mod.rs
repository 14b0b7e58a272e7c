//! `hsm registry …`: inspect and author the shared registry. Browsing, validation and
//! authoring live in their own files; this one dispatches and opens the registry.

mod author;
mod browse;
mod validate;

use hsm_registry::{Kind, Registry};

use crate::cli::{RegContainerCmd, RegGroupCmd, RegPackageCmd, RegistryCmd};
use crate::context::Ctx;
use crate::error::CliError;

/// Opens the registry: of the project when there is one, else from flag/env/`./hsm-registry`.
/// A broken `hsm.yaml` must not block registry work, so its `registry:` key is only used when
/// the manifest loads.
pub(super) fn open(ctx: &Ctx) -> Result<Registry, CliError> {
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

pub fn run(ctx: &Ctx, cmd: RegistryCmd) -> Result<(), CliError> {
    match cmd {
        RegistryCmd::List => browse::list(ctx, None),
        RegistryCmd::Search { query } => browse::list(ctx, Some(&query)),
        RegistryCmd::Show { name } => browse::show(ctx, &name),
        RegistryCmd::Validate => validate::validate(ctx),
        RegistryCmd::Package(RegPackageCmd::Add(a)) => author::add_package(ctx, &a),
        RegistryCmd::Package(RegPackageCmd::Remove(r)) => author::remove(ctx, Kind::Package, &r),
        RegistryCmd::Container(RegContainerCmd::Add(a)) => author::add_container(ctx, &a),
        RegistryCmd::Container(RegContainerCmd::Remove(r)) => {
            author::remove(ctx, Kind::Container, &r)
        }
        RegistryCmd::Group(RegGroupCmd::Add(a)) => author::add_group(ctx, &a),
        RegistryCmd::Group(RegGroupCmd::Remove(r)) => {
            let reg = open(ctx)?;
            let kind = if reg.contains(Kind::PackageGroup, &r.name) {
                Kind::PackageGroup
            } else {
                Kind::ContainerGroup
            };
            author::remove(ctx, kind, &r)
        }
        RegistryCmd::Group(RegGroupCmd::AddOption {
            group,
            option,
            description,
        }) => author::group_option(ctx, &group, &option, description.as_deref(), true),
        RegistryCmd::Group(RegGroupCmd::RemoveOption { group, option }) => {
            author::group_option(ctx, &group, &option, None, false)
        }
    }
}
