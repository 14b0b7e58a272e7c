//! `mode`, `package|container add|remove`, `group select|unselect`, `profile`.

use hsm_ops::edit::{self, EditReport, ModeTarget};
use hsm_schema::ComponentKind;
use infra_cli::CliError;

use super::Ctx;
use crate::cli::{ComponentCmd, GroupCmd, ModeArgs, ProfileArgs, SetArgs};

fn print(ctx: &Ctx<'_>, r: &EditReport) {
    let p = ctx.printer;
    if p.is_json() {
        p.json(r);
        return;
    }
    if !r.changed {
        p.success(&format!("Nothing to change: {} already", r.message));
        return;
    }
    if r.still_invalid {
        p.warn("hsm.yaml still has problems; run `hsm check`");
    }
    p.success(&format!(
        "{}. Run `hsm sync` to apply",
        capitalised(&r.message)
    ));
    for a in &r.implied {
        p.status(&format!("  implied: {}", a.describe()));
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn mode(ctx: &Ctx<'_>, args: &ModeArgs) -> Result<(), CliError> {
    let target = match (&args.all, &args.target, args.mode) {
        (Some(m), None, None) => ModeTarget::All(*m),
        (None, Some(t), Some(m)) => ModeTarget::One {
            target: t.clone(),
            mode: m,
        },
        _ => {
            return Err(CliError::usage(
                "give a component or group and a mode (`hsm mode redis dev`), or `--all dev|prod` alone",
            ));
        }
    };
    print(ctx, &edit::mode(&ctx.ops(), &target)?);
    Ok(())
}

pub fn component(ctx: &Ctx<'_>, kind: ComponentKind, cmd: ComponentCmd) -> Result<(), CliError> {
    let report = match cmd {
        ComponentCmd::Add {
            name,
            mode,
            profile,
        } => edit::add_component(&ctx.ops(), kind, &name, mode, profile.as_deref())?,
        ComponentCmd::Remove { name } => edit::remove_component(&ctx.ops(), kind, &name)?,
    };
    print(ctx, &report);
    Ok(())
}

pub fn group(ctx: &Ctx<'_>, cmd: GroupCmd) -> Result<(), CliError> {
    let report = match cmd {
        GroupCmd::Select {
            group,
            options,
            new,
        } => edit::select(&ctx.ops(), &group, &options, new)?,
        GroupCmd::Unselect { group, option } => {
            edit::unselect(&ctx.ops(), &group, option.as_deref())?
        }
    };
    print(ctx, &report);
    Ok(())
}

pub fn profile(ctx: &Ctx<'_>, args: &ProfileArgs) -> Result<(), CliError> {
    let value = (args.profile != "none").then_some(args.profile.as_str());
    print(ctx, &edit::profile(&ctx.ops(), &args.target, value)?);
    Ok(())
}

pub fn set(ctx: &Ctx<'_>, args: &SetArgs) -> Result<(), CliError> {
    let value = if args.unset {
        None
    } else {
        args.value.as_deref()
    };
    let r = edit::set(&ctx.ops(), &args.setting, value)?;
    print(ctx, &r);
    Ok(())
}

pub fn package_init(
    ctx: &Ctx<'_>,
    name: &str,
    path: Option<&std::path::Path>,
    uv: &str,
) -> Result<(), CliError> {
    let (r, pending) = hsm_ops::package_init::package_init(&ctx.ops(), name, path, uv)?;
    let p = ctx.printer;
    if !p.is_json() {
        if r.scaffolded {
            p.status(&format!("  created {} (uv init --lib)", r.path));
        }
        if let Some(w) = &r.registered {
            p.status(&format!("  registered {}", w.written));
        }
        p.status(&format!("  {}", r.added.message));
    }
    let args = crate::cli::SyncArgs::default();
    if let Err(mut e) = super::project::sync(ctx, &args) {
        // Nothing of the new package stays behind a sync that failed.
        match pending.undo() {
            Ok(()) => e.hints.push(format!(
                "`{}` was taken back: hsm.yaml, its registry entry and the scaffold are as before",
                r.name
            )),
            Err(u) => e
                .hints
                .push(format!("taking `{}` back failed too: {u}", r.name)),
        }
        return Err(e);
    }
    pending.keep();
    if p.is_json() {
        p.json(&r);
    } else {
        p.success(&format!(
            "Package `{}` is ready in {}: installed editable, so edits show without syncing",
            r.name, r.path
        ));
    }
    Ok(())
}
