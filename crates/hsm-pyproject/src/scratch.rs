//! A copy of `pyproject.toml` that still resolves from another directory.
//!
//! `hsm check` locks the planned project in a scratch directory so nothing the user owns is
//! touched. Every relative `path` source — hsm's and the user's own — is made absolute against
//! the real project root first, or the scratch copy would point at nothing.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Value};

use crate::PyprojectError;

/// `text` with every `[tool.uv.sources]` `path` made absolute against `root`.
pub fn absolutize_sources(text: &str, root: &Path) -> Result<String, PyprojectError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| PyprojectError::parse(text, &e))?;
    let Some(sources) = doc
        .get_mut("tool")
        .and_then(|t| t.get_mut("uv"))
        .and_then(|u| u.get_mut("sources"))
        .and_then(Item::as_table_like_mut)
    else {
        return Ok(text.to_string());
    };
    for (_, entry) in sources.iter_mut() {
        let Some(table) = entry.as_table_like_mut() else {
            continue;
        };
        let Some(path) = table.get("path").and_then(Item::as_str).map(str::to_string) else {
            continue;
        };
        if Path::new(&path).is_absolute() {
            continue;
        }
        let abs = infra_fs::normalize(&root.join(&path));
        table.insert(
            "path",
            Item::Value(Value::from(abs.to_string_lossy().into_owned())),
        );
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_relative_path_becomes_absolute() {
        let text = "[project]\nname = \"p\"\n[tool.uv.sources]\nmine = { path = \"../libs/mine\" }\nhsm = { path = \"pkgs/x\", editable = true }\ngit = { git = \"https://example.invalid/r\" }\n";
        let out = absolutize_sources(text, Path::new("/work/proj")).unwrap();
        assert!(
            out.contains("mine = { path = \"/work/libs/mine\" }"),
            "{out}"
        );
        assert!(
            out.contains("hsm = { path = \"/work/proj/pkgs/x\", editable = true }"),
            "{out}"
        );
        assert!(
            out.contains("git = { git = \"https://example.invalid/r\" }"),
            "{out}"
        );
    }
}
