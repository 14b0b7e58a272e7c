//! The edit: what hsm manages in `pyproject.toml`, and rewriting just that.

use hsm_adapter::{Requirement, normalize_name};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

use crate::dependencies::{append, current, dep_name, dep_string, remove_managed};
use crate::error::{PyprojectError, shape};
use crate::sources::{indexes, sources_current, write_indexes, write_sources, written_indexes};

/// A new `pyproject.toml` for a project that has none.
pub fn minimal_pyproject(project_name: &str, version: &str) -> String {
    format!(
        "# Created by hsm {version}. hsm manages only the dependencies listed under\n\
         # [tool.hsm]; everything else in this file is yours.\n\
         [project]\n\
         name = \"{}\"\n\
         version = \"0.1.0\"\n\
         requires-python = \">=3.10\"\n\
         dependencies = []\n",
        project_name.replace(['"', '\\', '\n'], "")
    )
}

/// The `[project] name` of a `pyproject.toml` text, if it has one.
pub fn project_name(text: &str) -> Option<String> {
    let doc: DocumentMut = text.parse().ok()?;
    doc.get("project")?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

fn hsm_list(doc: &DocumentMut, key: &str) -> Vec<String> {
    doc.get("tool")
        .and_then(|t| t.get("hsm"))
        .and_then(|h| h.get(key))
        .and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The distributions hsm managed last time (`[tool.hsm] managed-dependencies`), normalised.
pub fn managed_names(doc: &DocumentMut) -> Vec<String> {
    hsm_list(doc, "managed-dependencies")
        .iter()
        .map(|n| normalize_name(n))
        .collect()
}

/// What hsm wants written, in canonical order.
struct Wanted<'a> {
    reqs: Vec<&'a Requirement>,
    names: Vec<String>,
    deps: Vec<String>,
    indexes: Vec<hsm_adapter::Index>,
}

impl<'a> Wanted<'a> {
    fn of(reqs: &'a [Requirement]) -> Result<Self, PyprojectError> {
        let mut sorted: Vec<&Requirement> = reqs.iter().collect();
        sorted.sort_by_cached_key(|r| normalize_name(&r.distribution));
        Ok(Self {
            names: sorted
                .iter()
                .map(|r| normalize_name(&r.distribution))
                .collect(),
            deps: sorted.iter().map(|r| dep_string(r)).collect(),
            indexes: indexes(&sorted)?,
            reqs: sorted,
        })
    }
}

fn dependencies_mut(doc: &mut DocumentMut) -> Result<&mut Array, PyprojectError> {
    let project = doc
        .entry("project")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| shape("project", "a table"))?;
    project
        .entry("dependencies")
        .or_insert(Item::Value(Value::Array(Array::new())))
        .as_array_mut()
        .ok_or_else(|| shape("project.dependencies", "an array of strings"))
}

/// Whether the file already says exactly what hsm wants.
fn is_current(
    doc: &mut DocumentMut,
    previous: &[String],
    previous_indexes: &[String],
    w: &Wanted<'_>,
) -> Result<bool, PyprojectError> {
    let deps = dependencies_mut(doc)?;
    for s in deps.iter().filter_map(Value::as_str) {
        let n = dep_name(s);
        if w.names.contains(&n) && !previous.contains(&n) {
            return Err(PyprojectError::UserOwned { name: n });
        }
    }
    let deps_same = current(deps, previous) == w.deps && previous == w.names;
    let written: Vec<(String, String)> = written_indexes(doc)
        .into_iter()
        .filter(|(n, _)| previous_indexes.contains(n))
        .collect();
    let wanted: Vec<(String, String)> = w
        .indexes
        .iter()
        .map(|i| (i.name.clone(), i.url.clone()))
        .collect();
    Ok(deps_same && written == wanted && sources_current(doc, previous, &w.reqs))
}

/// Writes `[tool.hsm]`: the distributions and indexes hsm now manages.
fn write_marker(doc: &mut DocumentMut, w: &Wanted<'_>) -> Result<(), PyprojectError> {
    let tool = doc["tool"]
        .as_table_mut()
        .ok_or_else(|| shape("tool", "a table"))?;
    if w.names.is_empty() {
        tool.remove("hsm");
    } else {
        let hsm = tool
            .entry("hsm")
            .or_insert_with(|| {
                let mut t = Table::new();
                t.decor_mut().set_prefix(
                    "\n# Written by hsm: the dependencies it manages. Do not edit by hand.\n",
                );
                Item::Table(t)
            })
            .as_table_mut()
            .ok_or_else(|| shape("tool.hsm", "a table"))?;
        hsm.insert(
            "managed-dependencies",
            Item::Value(Value::Array(w.names.iter().collect())),
        );
        if w.indexes.is_empty() {
            hsm.remove("managed-indexes");
        } else {
            let names: Array = w.indexes.iter().map(|i| i.name.as_str()).collect();
            hsm.insert("managed-indexes", Item::Value(Value::Array(names)));
        }
    }
    if tool.is_empty() {
        doc.remove("tool");
    }
    Ok(())
}

/// The sub-table `key` of `parent`, created as an implicit table (no header of its own).
fn implicit_table<'a>(
    parent: &'a mut Table,
    key: &str,
    path: &'static str,
) -> Result<&'a mut Table, PyprojectError> {
    parent
        .entry(key)
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| shape(path, "a table"))
}

/// Applies `reqs` as the hsm-managed dependencies of `text`. Returns the new text (identical
/// to `text` when nothing changes). With no requirements it removes everything hsm wrote,
/// which is also what a project switching to another package manager needs.
pub fn apply(text: &str, reqs: &[Requirement]) -> Result<String, PyprojectError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| PyprojectError::parse(text, &e))?;
    let previous = managed_names(&doc);
    let previous_indexes = hsm_list(&doc, "managed-indexes");
    let wanted = Wanted::of(reqs)?;
    // Nothing managed before or now: leave the file alone.
    if previous.is_empty() && previous_indexes.is_empty() && wanted.reqs.is_empty() {
        return Ok(text.to_string());
    }
    if is_current(&mut doc, &previous, &previous_indexes, &wanted)? {
        return Ok(text.to_string());
    }
    let deps = dependencies_mut(&mut doc)?;
    remove_managed(deps, &previous);
    append(deps, &wanted.deps);
    let tool = implicit_table(doc.as_table_mut(), "tool", "tool")?;
    let uv = implicit_table(tool, "uv", "tool.uv")?;
    write_sources(uv, &previous, &wanted.reqs)?;
    write_indexes(uv, &previous_indexes, &wanted.indexes)?;
    if uv.is_empty() {
        tool.remove("uv");
    }
    write_marker(&mut doc, &wanted)?;
    Ok(doc.to_string())
}
