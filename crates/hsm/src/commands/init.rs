//! `hsm init`.

use serde_json::json;

use crate::cli::InitArgs;
use crate::context::{Ctx, VERSION};
use crate::error::CliError;

fn write_new(path: &std::path::Path, text: &str) -> Result<(), CliError> {
    infra_fs::write_atomic(path, text.as_bytes(), None)
        .map_err(|e| CliError::failure(e.to_string()))
}

pub fn run(ctx: &Ctx, args: &InitArgs) -> Result<(), CliError> {
    let root = ctx.cwd.clone();
    let name = args.name.clone().unwrap_or_else(|| {
        root.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("project")
            .to_string()
    });
    let mut created = Vec::new();
    let manifest = root.join("hsm.yaml");
    if !manifest.exists() {
        write_new(&manifest, &hsm_edit::new_manifest(&name))?;
        created.push("hsm.yaml".to_string());
    }
    // Registry folders where the registry will be looked for.
    let (flag, env) = ctx.registry_override();
    let registry = flag.or(env).map_or_else(
        || root.join("hsm-registry"),
        |p| if p.is_absolute() { p } else { ctx.cwd.join(p) },
    );
    for kind in hsm_registry::Kind::ALL {
        let d = registry.join(kind.folder());
        if !d.is_dir() {
            std::fs::create_dir_all(&d)
                .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", d.display())))?;
            created.push(format!("{}/", ctx.show(&d)));
        }
    }
    let pyproject = root.join("pyproject.toml");
    if !pyproject.exists() {
        write_new(
            &pyproject,
            &hsm_pyproject::minimal_pyproject(&name, VERSION),
        )?;
        created.push("pyproject.toml".into());
    }
    // Keep hsm's local state (some of it secret) out of git.
    let gi = root.join(".gitignore");
    let current = std::fs::read_to_string(&gi).unwrap_or_default();
    if !current
        .lines()
        .any(|l| matches!(l.trim(), ".hsm" | ".hsm/" | "/.hsm" | "/.hsm/"))
    {
        let mut text = current.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# hsm local state (secrets live here)\n.hsm/\n");
        write_new(&gi, &text)?;
        created.push(if current.is_empty() {
            ".gitignore".into()
        } else {
            ".gitignore (added .hsm/)".into()
        });
    }
    if ctx.printer.json {
        ctx.printer
            .json(&json!({"created": created, "project": name}));
    } else {
        for c in &created {
            ctx.printer.status(&format!("  created {c}"));
        }
        if created.is_empty() {
            ctx.printer.success("Already initialised: nothing to do");
        } else {
            ctx.printer.success(&format!("Initialised hsm project `{name}`; add components with `hsm package add` / `hsm container add`, then `hsm sync`"));
        }
    }
    Ok(())
}
