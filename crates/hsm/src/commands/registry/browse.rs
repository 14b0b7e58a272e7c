//! Listing, searching and showing registry entries.

use hsm_registry::{Kind, Registry};
use serde_json::{Map, Value, json};

use super::open;
use crate::context::Ctx;
use crate::error::CliError;

pub(super) fn description(reg: &Registry, kind: Kind, name: &str) -> Option<String> {
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

pub(super) fn list(ctx: &Ctx, query: Option<&str>) -> Result<(), CliError> {
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

pub(super) fn show(ctx: &Ctx, name: &str) -> Result<(), CliError> {
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
