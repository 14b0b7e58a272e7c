//! `project.dependencies`: removing hsm's entries and appending the wanted ones while the
//! user's entries, comments and layout stay as they are.

use hsm_adapter::{ReqKind, Requirement, normalize_name};
use toml_edit::{Array, Value};

/// The normalised name of a PEP 508 requirement string.
pub(crate) fn dep_name(spec: &str) -> String {
    normalize_name(hsm_adapter::requirement_name(spec))
}

/// The entry written for `r`: its full requirement for an index, its distribution name for
/// git and path sources (the source itself goes to `[tool.uv.sources]`).
pub(crate) fn dep_string(r: &Requirement) -> String {
    match &r.kind {
        ReqKind::Index { spec, .. } => spec.clone(),
        ReqKind::Git { .. } | ReqKind::Path { .. } => r.distribution.clone(),
    }
}

/// The managed entries currently written, in order.
pub(crate) fn current(deps: &Array, previous: &[String]) -> Vec<String> {
    deps.iter()
        .filter_map(Value::as_str)
        .filter(|s| previous.contains(&dep_name(s)))
        .map(str::to_string)
        .collect()
}

/// Removes the entries hsm managed. A comment written after the comma of the entry *before*
/// a removed one lives in the removed entry's prefix; it is carried over to the next entry
/// (or the array's trailing space) so the user's comment stays on its line.
pub(crate) fn remove_managed(deps: &mut Array, previous: &[String]) {
    let mut carry = String::new();
    let mut i = 0;
    while i < deps.len() {
        let managed = deps
            .get(i)
            .and_then(Value::as_str)
            .is_some_and(|s| previous.contains(&dep_name(s)));
        if managed {
            let v = deps.remove(i);
            let prefix = v.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
            if let Some(idx) = prefix.find('\n') {
                let head = &prefix[..idx];
                if head.contains('#') {
                    carry.push_str(head);
                }
            }
            continue;
        }
        if !carry.is_empty()
            && let Some(v) = deps.get_mut(i)
        {
            let prefix = v
                .decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("")
                .to_string();
            v.decor_mut().set_prefix(format!("{carry}{prefix}"));
            carry.clear();
        }
        i += 1;
    }
    if !carry.is_empty() {
        let trailing = deps.trailing().as_str().unwrap_or("").to_string();
        deps.set_trailing(format!("{carry}{trailing}"));
    }
}

/// Appends `wanted` in the array's style: one per line with the last item's indent when the
/// array is written one item per line, inline otherwise.
pub(crate) fn append(deps: &mut Array, wanted: &[String]) {
    let multiline = deps.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    let indent = deps
        .iter()
        .last()
        .and_then(|v| {
            v.decor()
                .prefix()
                .and_then(|p| p.as_str())
                .map(str::to_string)
        })
        .and_then(|p| p.rsplit('\n').next().map(str::to_string))
        .unwrap_or_else(|| "    ".to_string());
    // A comment after the last item's comma lives in the array's trailing decor; keep it on
    // that line by moving it in front of the first appended item.
    let trailing = deps.trailing().as_str().unwrap_or("").to_string();
    for (i, d) in wanted.iter().enumerate() {
        if multiline {
            let prefix = if i == 0 && !trailing.trim().is_empty() {
                format!("{}\n{indent}", trailing.trim_end())
            } else {
                format!("\n{indent}")
            };
            deps.push_formatted(Value::from(d.as_str()).decorated(prefix, ""));
        } else {
            deps.push(d.as_str());
        }
    }
    if multiline && !wanted.is_empty() {
        deps.set_trailing("\n");
        deps.set_trailing_comma(true);
    }
}
