//! Golden tests of the group selection operations on the example manifest.
#![allow(clippy::unwrap_used)]

mod common;

use common::{EX, assert_comments, edit, ex_with};
use hsm_edit::{ComponentKind, ManifestEditError, ManifestEditor};

fn sel(items: &[&str]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

#[test]
fn selecting_several_options_keeps_profile_and_its_comment() {
    let (changed, out) = edit(EX, |e| {
        e.set_group_selection(
            ComponentKind::Container,
            "vector-db",
            &sel(&["qdrant", "milvus"]),
        )
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "      selection: qdrant\n",
            "      selection:\n        - qdrant\n        - milvus\n"
        )
    );
    assert_comments(&out);
    let m = common::assert_manifest(&out);
    assert_eq!(
        m.services.container_groups["vector-db"].profile.as_deref(),
        Some("external-corp")
    );
}

#[test]
fn selecting_one_option_in_a_flow_entry_keeps_profile_and_mode() {
    let (changed, out) = edit(EX, |e| {
        e.set_group_selection(ComponentKind::Container, "graph-services", &sel(&["neo"]))
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "{selection: graph-builder-service, profile: managed-dev, mode: dev}",
            "{selection: neo, profile: managed-dev, mode: dev}"
        )
    );
    let (_, out) = edit(EX, |e| {
        e.set_group_selection(
            ComponentKind::Container,
            "graph-services",
            &sel(&["a", "b"]),
        )
    });
    assert_eq!(
        out,
        ex_with(
            "{selection: graph-builder-service, profile: managed-dev, mode: dev}",
            "{selection: [a, b], profile: managed-dev, mode: dev}"
        )
    );
}

#[test]
fn selecting_the_current_selection_is_already_so() {
    let (changed, _) = edit(EX, |e| {
        e.set_group_selection(ComponentKind::Container, "vector-db", &sel(&["qdrant"]))
    });
    assert!(!changed);
    let (changed, _) = edit(EX, |e| {
        e.set_group_selection(ComponentKind::Package, "server", &sel(&["uvicorn"]))
    });
    assert!(!changed);
    let text = "package_groups:\n  g: [a, b]\n  h:\n    selection: [c, d]\n";
    let (changed, _) = edit(text, |e| {
        Ok(
            e.set_group_selection(ComponentKind::Package, "g", &sel(&["a", "b"]))?
                | e.set_group_selection(ComponentKind::Package, "h", &sel(&["c", "d"]))?,
        )
    });
    assert!(!changed);
}

#[test]
fn selecting_in_a_new_group_creates_it() {
    let (changed, out) = edit(EX, |e| {
        e.set_group_selection(ComponentKind::Package, "db", &sel(&["psycopg"]))
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "  server: {selection: uvicorn}\n",
            "  server: {selection: uvicorn}\n  db:\n    selection: psycopg\n"
        )
    );
    let (_, out) = edit(EX, |e| {
        e.set_group_selection(
            ComponentKind::Container,
            "cache",
            &sel(&["redis", "valkey"]),
        )
    });
    assert_eq!(
        out,
        ex_with(
            "mode: dev}\n",
            "mode: dev}\n    cache:\n      selection:\n        - redis\n        - valkey\n"
        )
    );
}

#[test]
fn selecting_creates_services_and_the_groups_map() {
    let (_, out) = edit("project: {name: x}\n", |e| {
        e.set_group_selection(ComponentKind::Container, "vdb", &sel(&["qdrant"]))
    });
    assert_eq!(
        out,
        "project: {name: x}\nservices:\n  container_groups:\n    vdb:\n      selection: qdrant\n"
    );
    let (_, out) = edit("services:\n  containers: [redis]\n", |e| {
        e.set_group_selection(ComponentKind::Container, "vdb", &sel(&["q"]))
    });
    assert_eq!(
        out,
        "services:\n  containers: [redis]\n  container_groups:\n    vdb:\n      selection: q\n"
    );
}

#[test]
fn selecting_in_a_flow_groups_map_stays_flow() {
    let (_, out) = edit("package_groups: {a: {selection: x}}\n", |e| {
        e.set_group_selection(ComponentKind::Package, "b", &sel(&["p", "q"]))
    });
    assert_eq!(
        out,
        "package_groups: {a: {selection: x}, b: {selection: [p, q]}}\n"
    );
}

#[test]
fn a_shorthand_group_becomes_a_map() {
    let text = "package_groups:\n  g1: x   # bare\n  g2: [x, y]\n  g3:\n";
    let (_, out) = edit(text, |e| {
        e.set_group_selection(ComponentKind::Package, "g1", &sel(&["z"]))
    });
    assert_eq!(
        out,
        "package_groups:\n  g1: # bare\n    selection: z\n  g2: [x, y]\n  g3:\n"
    );
    let (_, out) = edit(text, |e| {
        e.set_group_selection(ComponentKind::Package, "g2", &sel(&["x", "z"]))
    });
    assert_eq!(
        out,
        "package_groups:\n  g1: x   # bare\n  g2:\n    selection:\n      - x\n      - z\n  g3:\n"
    );
    let (_, out) = edit(text, |e| {
        e.set_group_selection(ComponentKind::Package, "g3", &sel(&["x"]))
    });
    assert_eq!(
        out,
        "package_groups:\n  g1: x   # bare\n  g2: [x, y]\n  g3:\n    selection: x\n"
    );
}

#[test]
fn an_empty_selection_falls_back_to_the_default() {
    let (changed, out) = edit("package_groups:\n  g: {selection: x, mode: dev}\n", |e| {
        e.set_group_selection(ComponentKind::Package, "g", &[])
    });
    assert!(changed);
    assert_eq!(out, "package_groups:\n  g: {mode: dev}\n");
    let (changed, _) = edit("package_groups:\n  g:\n", |e| {
        e.set_group_selection(ComponentKind::Package, "g", &[])
    });
    assert!(!changed);
}

#[test]
fn selecting_refuses_a_wrong_shape() {
    let mut e = ManifestEditor::parse("package_groups: [a]\n").unwrap();
    assert_eq!(
        e.set_group_selection(ComponentKind::Package, "g", &sel(&["x"])),
        Err(ManifestEditError::Shape {
            key: "package_groups".into(),
            expected: "a mapping"
        })
    );
}

#[test]
fn group_selection_reads_every_form() {
    let e = ManifestEditor::parse(EX).unwrap();
    assert_eq!(
        e.group_selection(ComponentKind::Container, "vector-db"),
        Some(sel(&["qdrant"]))
    );
    assert_eq!(
        e.group_selection(ComponentKind::Container, "graph-services"),
        Some(sel(&["graph-builder-service"]))
    );
    assert_eq!(
        e.group_selection(ComponentKind::Package, "server"),
        Some(sel(&["uvicorn"]))
    );
    assert_eq!(e.group_selection(ComponentKind::Package, "vector-db"), None);
    let e = ManifestEditor::parse(
        "package_groups:\n  a: x\n  b: [x, y]\n  c:\n  d: {mode: dev}\n  e: {selection: [p]}\n",
    )
    .unwrap();
    assert_eq!(
        e.group_selection(ComponentKind::Package, "a"),
        Some(sel(&["x"]))
    );
    assert_eq!(
        e.group_selection(ComponentKind::Package, "b"),
        Some(sel(&["x", "y"]))
    );
    assert_eq!(e.group_selection(ComponentKind::Package, "c"), None);
    assert_eq!(e.group_selection(ComponentKind::Package, "d"), None);
    assert_eq!(
        e.group_selection(ComponentKind::Package, "e"),
        Some(sel(&["p"]))
    );
}

#[test]
fn remove_group() {
    let (changed, out) = edit(EX, |e| {
        e.remove_group(ComponentKind::Container, "vector-db")
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "    vector-db:\n      selection: qdrant\n      profile: external-corp   # corp cluster\n",
            ""
        )
    );
    let (changed, out) = edit(EX, |e| e.remove_group(ComponentKind::Package, "server"));
    assert!(changed);
    assert_eq!(
        out,
        ex_with("  server: {selection: uvicorn}\n", "")
            .replace("package_groups:\n", "package_groups: {}\n")
    );
    assert_comments(&out);
}

#[test]
fn remove_group_takes_its_leading_comment() {
    let text = "package_groups:\n  # the web server\n  server: uvicorn\n  # db\n  db: pg\n";
    let (_, out) = edit(text, |e| e.remove_group(ComponentKind::Package, "server"));
    assert_eq!(out, "package_groups:\n  # db\n  db: pg\n");
}

#[test]
fn remove_absent_group_is_already_so() {
    let (changed, _) = edit(EX, |e| e.remove_group(ComponentKind::Container, "server"));
    assert!(!changed);
    let (changed, _) = edit("project: {name: x}\n", |e| {
        e.remove_group(ComponentKind::Container, "server")
    });
    assert!(!changed);
}

#[test]
fn set_group_field_adds_changes_and_removes() {
    let (changed, out) = edit(EX, |e| {
        e.set_group_field(ComponentKind::Container, "vector-db", "mode", Some("dev"))
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "   # corp cluster\n",
            "   # corp cluster\n      mode: dev\n"
        )
    );
    let (changed, out) = edit(EX, |e| {
        e.set_group_field(
            ComponentKind::Container,
            "graph-services",
            "profile",
            Some("p2"),
        )
    });
    assert!(changed);
    assert_eq!(out, ex_with("profile: managed-dev", "profile: p2"));
    let (changed, out) = edit(EX, |e| {
        e.set_group_field(ComponentKind::Container, "vector-db", "profile", None)
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with("      profile: external-corp   # corp cluster\n", "")
    );
    let (changed, out) = edit(EX, |e| {
        e.set_group_field(ComponentKind::Container, "graph-services", "mode", None)
    });
    assert!(changed);
    assert_eq!(out, ex_with(", mode: dev}", "}"));
}

#[test]
fn set_group_field_already_so() {
    let (changed, _) = edit(EX, |e| {
        e.set_group_field(
            ComponentKind::Container,
            "graph-services",
            "mode",
            Some("dev"),
        )
    });
    assert!(!changed);
    let (changed, _) = edit(EX, |e| {
        e.set_group_field(ComponentKind::Container, "vector-db", "mode", None)
    });
    assert!(!changed);
    let (changed, _) = edit(EX, |e| {
        e.set_group_field(ComponentKind::Package, "absent", "mode", None)
    });
    assert!(!changed);
}

#[test]
fn set_group_field_expands_a_shorthand_entry() {
    let text = "package_groups:\n  g1: x   # bare\n  g2: [x, z]\n";
    let (_, out) = edit(text, |e| {
        e.set_group_field(ComponentKind::Package, "g1", "mode", Some("dev"))
    });
    assert_eq!(
        out,
        "package_groups:\n  g1: # bare\n    selection: x\n    mode: dev\n  g2: [x, z]\n"
    );
    let (_, out) = edit(text, |e| {
        e.set_group_field(ComponentKind::Package, "g2", "mode", Some("dev"))
    });
    assert_eq!(
        out,
        "package_groups:\n  g1: x   # bare\n  g2:\n    selection:\n      - x\n      - z\n    mode: dev\n"
    );
}

#[test]
fn set_group_field_rejects_bad_input_and_leaves_the_document() {
    let mut e = ManifestEditor::parse(EX).unwrap();
    assert!(matches!(
        e.set_group_field(ComponentKind::Container, "vector-db", "strategy", Some("x")),
        Err(ManifestEditError::Invalid(_))
    ));
    assert!(matches!(
        e.set_group_field(ComponentKind::Container, "vector-db", "mode", Some("weird")),
        Err(ManifestEditError::Invalid(_))
    ));
    assert!(matches!(
        e.set_group_field(ComponentKind::Package, "absent", "mode", Some("dev")),
        Err(ManifestEditError::NotFound(_))
    ));
    assert_eq!(e.to_string(), EX);
}
