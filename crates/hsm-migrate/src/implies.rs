//! `implies:` keys in the original's vocabulary (`service:`, `library_group:`, …) and hsm's.
//!
//! The original read `service:<name>` (0.3/0.4) or `container:<name>` (0.2) with a
//! `{params}` value, and `library_group:` / `service_group:` / `container_group:` with an
//! option or a list. hsm reads the same shapes under `container:`, `package:`,
//! `package_group:` and `container_group:`; this renames the kinds and normalises values the
//! original read leniently (a non-mapping `service:` value meant "no params").

use crate::finding::Report;
use crate::tree::{Entry, Value};

/// hsm's kind for an original implies kind, if there is one.
fn kind(original: &str) -> Option<&'static str> {
    Some(match original.trim() {
        "service" | "container" => "container",
        "library" | "package" => "package",
        "library_group" | "package_group" => "package_group",
        "service_group" | "container_group" => "container_group",
        _ => return None,
    })
}

/// Converts the `implies` map at `path` (its entry `e`).
pub(crate) fn convert(e: &Entry, path: &str, r: &mut Report<'_>) -> Entry {
    let Some(targets) = e.value.entries() else {
        if !e.value.is_null() {
            r.refuse(
                e.line,
                path,
                "`implies` is not a mapping",
                "write it as `service:<name>: {params: …}` or `library_group:<group>: <option>`",
            );
        }
        return Entry {
            value: Value::map(),
            ..e.clone()
        };
    };
    let mut out = Vec::new();
    for t in targets {
        let key_path = format!("{path}.{}", t.key);
        let Some((k, name)) = t.key.split_once(':') else {
            r.refuse(
                t.line,
                &key_path,
                format!("implies key `{}` names no kind", t.key),
                "write `service:<name>`, `library_group:<group>` or `service_group:<group>`",
            );
            continue;
        };
        let Some(new_kind) = kind(k) else {
            r.refuse(
                t.line,
                &key_path,
                format!("implies kind `{k}` is not one the original knew"),
                "use `service`, `library_group` or `service_group`",
            );
            continue;
        };
        let value = match new_kind {
            "container" => container_value(t, &key_path, r),
            "package" => package_value(t, &key_path, r),
            _ => t.value.clone(),
        };
        out.push(Entry {
            key: format!("{new_kind}:{}", name.trim()),
            line: t.line,
            value,
        });
    }
    Entry {
        value: Value::Map(out, matches!(e.value, Value::Map(_, true))),
        ..e.clone()
    }
}

fn container_value(t: &Entry, path: &str, r: &mut Report<'_>) -> Value {
    let Some(entries) = t.value.entries() else {
        if !t.value.is_null() {
            r.note(
                t.line,
                path,
                "the original read a value that is not `{params: …}` as no params; written as `{}`",
            );
        }
        return Value::map();
    };
    for e in entries {
        if e.key != "params" {
            r.refuse(
                e.line,
                &format!("{path}.{}", e.key),
                format!("`{}` is not part of a service implication", e.key),
                "only `params` is carried; move the value into `params` or remove it",
            );
            continue;
        }
        for p in e.value.entries().unwrap_or_default() {
            let vals: Vec<&str> = match &p.value {
                Value::Seq(items, _) => items.iter().filter_map(|i| i.value.as_str()).collect(),
                v => v.as_str().into_iter().collect(),
            };
            if vals.iter().any(|v| v.contains("${")) {
                r.refuse(
                    p.line,
                    &format!("{path}.params.{}", p.key),
                    "a param holds a `${…}` reference, which hsm passes on as literal text",
                    "put the variable in the container's `env` and pass a plain value as the param",
                );
            }
        }
    }
    t.value.clone()
}

fn package_value(t: &Entry, path: &str, r: &mut Report<'_>) -> Value {
    r.note(
        t.line,
        path,
        "the original ignored implied libraries; hsm installs the implied package",
    );
    match &t.value {
        v if v.is_null() || v.entries().is_some() => v.clone(),
        v if matches!(v.as_str(), Some("dev" | "prod")) => {
            let mut m = Value::Map(Vec::new(), true);
            m.set("mode", v.clone());
            m
        }
        _ => Value::map(),
    }
}
