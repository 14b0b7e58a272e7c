//! `[tool.uv.sources]` and `[[tool.uv.index]]`: where uv takes each managed distribution from.
//!
//! Per-mode source switching is what uv does not do by itself, so hsm writes a source for
//! every git, path or custom-index requirement, keyed by the distribution name. A custom
//! index becomes an `explicit = true` `[[tool.uv.index]]` entry (used only by the packages
//! that point at it) and `{ index = "<name>" }` as the package's source.

use hsm_adapter::{GitRef, Index, ReqKind, Requirement, normalize_name};
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use crate::error::{PyprojectError, shape};

/// The inline table written for `r`, if it needs one.
pub(crate) fn source_table(r: &Requirement) -> Option<InlineTable> {
    let mut t = InlineTable::new();
    match &r.kind {
        ReqKind::Index { index: None, .. } => return None,
        ReqKind::Index { index: Some(i), .. } => {
            t.insert("index", i.name.as_str().into());
        }
        ReqKind::Git {
            url,
            reference,
            subdirectory,
        } => {
            t.insert("git", url.as_str().into());
            match reference {
                GitRef::Default => {}
                GitRef::Rev(v) => {
                    t.insert("rev", v.as_str().into());
                }
                GitRef::Tag(v) => {
                    t.insert("tag", v.as_str().into());
                }
                GitRef::Branch(v) => {
                    t.insert("branch", v.as_str().into());
                }
            }
            if let Some(s) = subdirectory {
                t.insert("subdirectory", s.as_str().into());
            }
        }
        ReqKind::Path { path, editable } => {
            t.insert("path", path.as_str().into());
            if *editable {
                t.insert("editable", true.into());
            }
        }
    }
    Some(t)
}

/// The distinct custom indexes `wanted` uses, sorted by name; two URLs for one name is an
/// error.
pub(crate) fn indexes(wanted: &[&Requirement]) -> Result<Vec<Index>, PyprojectError> {
    let mut out: Vec<Index> = Vec::new();
    for r in wanted {
        let ReqKind::Index { index: Some(i), .. } = &r.kind else {
            continue;
        };
        match out.iter().find(|o| o.name == i.name) {
            Some(o) if o.url != i.url => {
                return Err(PyprojectError::IndexConflict {
                    name: i.name.clone(),
                    first: o.url.clone(),
                    second: i.url.clone(),
                });
            }
            Some(_) => {}
            None => out.push(i.clone()),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Whether the sources of `wanted` are written as wanted, and no stale managed source is left.
pub(crate) fn sources_current(
    doc: &DocumentMut,
    previous: &[String],
    wanted: &[&Requirement],
) -> bool {
    let existing = doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("sources"));
    let all_written = wanted.iter().all(|r| {
        let have = existing
            .and_then(|s| s.get(&r.distribution))
            .and_then(Item::as_inline_table);
        match (source_table(r), have) {
            (None, None) => true,
            (Some(w), Some(h)) => {
                let mut h = h.clone();
                h.fmt();
                w.to_string().trim() == h.to_string().trim()
            }
            _ => false,
        }
    });
    let wanted_names: Vec<String> = wanted
        .iter()
        .map(|r| normalize_name(&r.distribution))
        .collect();
    all_written
        && previous.iter().all(|p| {
            wanted_names.contains(p)
                || existing
                    .and_then(Item::as_table_like)
                    .is_none_or(|s| !s.iter().any(|(k, _)| normalize_name(k) == *p))
        })
}

/// The `[[tool.uv.index]]` entries as `(name, url)`, in file order.
pub(crate) fn written_indexes(doc: &DocumentMut) -> Vec<(String, String)> {
    let Some(arr) = doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("index"))
        .and_then(Item::as_array_of_tables)
    else {
        return Vec::new();
    };
    arr.iter()
        .map(|t| {
            let s = |k: &str| t.get(k).and_then(Item::as_str).unwrap_or("").to_string();
            (s("name"), s("url"))
        })
        .collect()
}

/// Rewrites the managed sources: stale ones removed, wanted ones written.
pub(crate) fn write_sources(
    uv: &mut Table,
    previous: &[String],
    wanted: &[&Requirement],
) -> Result<(), PyprojectError> {
    let sources = uv
        .entry("sources")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| shape("tool.uv.sources", "a table"))?;
    let stale: Vec<String> = sources
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| previous.contains(&normalize_name(k)))
        .collect();
    for k in stale {
        sources.remove(&k);
    }
    for r in wanted {
        if let Some(t) = source_table(r) {
            sources.insert(&r.distribution, Item::Value(Value::InlineTable(t)));
        }
    }
    if sources.is_empty() {
        uv.remove("sources");
    }
    Ok(())
}

/// Rewrites the managed `[[tool.uv.index]]` entries: those hsm wrote before (`previous`)
/// go, the wanted ones are appended. An index of the user's with a wanted name is an error.
pub(crate) fn write_indexes(
    uv: &mut Table,
    previous: &[String],
    wanted: &[Index],
) -> Result<(), PyprojectError> {
    let arr = uv
        .entry("index")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| shape("tool.uv.index", "an array of tables"))?;
    arr.retain(|t| {
        let name = t.get("name").and_then(Item::as_str).unwrap_or("");
        !previous.iter().any(|p| p == name)
    });
    for t in arr.iter() {
        let name = t.get("name").and_then(Item::as_str).unwrap_or("");
        if wanted.iter().any(|w| w.name == name) {
            return Err(PyprojectError::UserIndex {
                name: name.to_string(),
            });
        }
    }
    for i in wanted {
        let mut t = Table::new();
        t.insert("name", toml_edit::value(i.name.as_str()));
        t.insert("url", toml_edit::value(i.url.as_str()));
        t.insert("explicit", toml_edit::value(true));
        arr.push(t);
    }
    if arr.is_empty() {
        uv.remove("index");
    }
    Ok(())
}
