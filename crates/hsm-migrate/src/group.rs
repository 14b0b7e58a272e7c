//! A group file (`library_groups/`, `service_groups/`, 0.3's misspelt `service_group/`, and
//! 0.2's `package_groups/`, `container_groups/`) as an hsm group.
//!
//! The folder decides the group's kind, as it did for the original. `comment` (which the
//! original copied into `hsm.yaml` on `group add`) and `default` (which it never read)
//! become comments at the top of the file: hsm would act on a `default`.

use crate::finding::Report;
use crate::implies;
use crate::tree::{Entry, Item, Value};

/// Converts a group file; `group_type` is `package_group` or `container_group`; `legacy`
/// says the file is plainly the original's (so `default` is the original's unused list).
/// Returns the file and comment lines for its top.
pub(crate) fn convert(
    root: &Value,
    stem: &str,
    group_type: &str,
    legacy: bool,
    r: &mut Report<'_>,
) -> (Value, Vec<String>) {
    let mut out = Value::map();
    let mut header = Vec::new();
    super::registry::ensure_name(root, stem, &mut out, r);
    for e in root.entries().unwrap_or_default() {
        match e.key.as_str() {
            "name" => out.set_entry(super::registry::name_entry(e, stem, r)),
            "type" => {
                if e.value.as_str() == Some(group_type) {
                    out.set_entry(e.clone());
                } else {
                    out.set_entry(Entry {
                        value: Value::text(group_type),
                        ..e.clone()
                    });
                }
            }
            "strategy" | "description" | "alias" => out.set_entry(e.clone()),
            "default" if !legacy => out.set_entry(e.clone()),
            "default" => {
                if let Some(text) = flat(&e.value) {
                    r.note(e.line, "default", "kept as a comment: the original never read a group's `default`, and hsm would select it");
                    header.push(format!("# default in the original (unused): {text}"));
                }
            }
            "comment" => {
                if let Some(text) = e.value.as_str() {
                    r.note(
                        e.line,
                        "comment",
                        "kept as a comment at the top of the file",
                    );
                    header.extend(
                        text.lines()
                            .map(|l| format!("# {l}").trim_end().to_string()),
                    );
                }
            }
            "options" => out.set_entry(options(e, r)),
            other => r.refuse(
                e.line,
                other,
                format!("`{other}` is not a key of a group"),
                "remove it; groups have name, type, strategy, description and options",
            ),
        }
    }
    if out.get("type").is_none() {
        out.set("type", Value::text(group_type));
    }
    (out, header)
}

fn flat(v: &Value) -> Option<String> {
    match v {
        Value::Seq(items, _) if !items.is_empty() => Some(
            items
                .iter()
                .filter_map(|i| i.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        v => v.as_str().map(str::to_string),
    }
}

fn options(e: &Entry, r: &mut Report<'_>) -> Entry {
    let Value::Seq(items, flow) = &e.value else {
        return e.clone();
    };
    let items = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Map(fields, f) = &item.value else {
                return item.clone();
            };
            let mut out = Vec::new();
            for field in fields {
                let here = format!("options[{i}].{}", field.key);
                match field.key.as_str() {
                    "name" | "description" => out.push(field.clone()),
                    "implies" => out.push(implies::convert(field, &here, r)),
                    other => r.refuse(
                        field.line,
                        &here,
                        format!("`{other}` is not a key of a group option"),
                        "remove it; options have name, description and implies",
                    ),
                }
            }
            Item {
                line: item.line,
                value: Value::Map(out, *f),
            }
        })
        .collect();
    Entry {
        value: Value::Seq(items, *flow),
        ..e.clone()
    }
}
