//! Golden tests of `modes:`, top-level scalars, parsing and the starter manifest.
#![allow(clippy::unwrap_used)]

mod common;

use common::{EX, assert_comments, assert_manifest, edit, ex_with};
use hsm_edit::{ComponentKind, ManifestEditError, ManifestEditor, Mode, new_manifest};

#[test]
fn mode_override_is_added_and_changed() {
    let (changed, out) = edit(EX, |e| e.set_mode_override("redis", Some(Mode::Prod)));
    assert!(changed);
    assert_eq!(
        out,
        ex_with("  postgres: dev\n", "  postgres: dev\n  redis: prod\n")
    );
    let (changed, out) = edit(EX, |e| e.set_mode_override("postgres", Some(Mode::Prod)));
    assert!(changed);
    assert_eq!(out, ex_with("  postgres: dev\n", "  postgres: prod\n"));
    assert_comments(&out);
}

#[test]
fn mode_override_already_so() {
    let (changed, _) = edit(EX, |e| e.set_mode_override("postgres", Some(Mode::Dev)));
    assert!(!changed);
    let (changed, _) = edit(EX, |e| e.set_mode_override("redis", None));
    assert!(!changed);
    let (changed, _) = edit("project: {name: x}\n", |e| {
        e.set_mode_override("redis", None)
    });
    assert!(!changed);
}

#[test]
fn removing_the_last_override_removes_modes() {
    let (changed, out) = edit(EX, |e| e.set_mode_override("postgres", None));
    assert!(changed);
    assert_eq!(out, ex_with("modes:\n  postgres: dev\n", ""));
    let text = "project: {name: x}\n# overrides\nmodes:\n  # pg\n  postgres: dev\n  # redis\n  redis: prod\nmode: dev\n";
    let (_, out) = edit(text, |e| e.set_mode_override("postgres", None));
    assert_eq!(
        out,
        "project: {name: x}\n# overrides\nmodes:\n  # redis\n  redis: prod\nmode: dev\n"
    );
    let (_, out) = edit(&out, |e| e.set_mode_override("redis", None));
    assert_eq!(out, "project: {name: x}\nmode: dev\n");
}

#[test]
fn mode_override_creates_modes() {
    let (_, out) = edit("project: {name: x}\n", |e| {
        e.set_mode_override("pg", Some(Mode::Dev))
    });
    assert_eq!(out, "project: {name: x}\nmodes:\n  pg: dev\n");
}

#[test]
fn mode_overrides_lists_names_in_order() {
    let (_, out) = edit(EX, |e| e.set_mode_override("redis", Some(Mode::Prod)));
    let e = ManifestEditor::parse(&out).unwrap();
    assert_eq!(
        e.mode_overrides(),
        vec!["postgres".to_string(), "redis".to_string()]
    );
    assert!(
        ManifestEditor::parse("project: {name: x}\n")
            .unwrap()
            .mode_overrides()
            .is_empty()
    );
}

#[test]
fn top_scalar_is_added_changed_and_removed() {
    let (changed, out) = edit(EX, |e| e.set_top_scalar("mode", Some("dev")));
    assert!(changed);
    assert_eq!(out, format!("{EX}mode: dev\n"));
    let text = "# head\nproject: {name: x}\npackage_manager: uv   # fast\n# where the registry lives\nregistry: ./reg\n";
    let (changed, out) = edit(text, |e| e.set_top_scalar("package_manager", Some("pip")));
    assert!(changed);
    assert_eq!(out, text.replace("uv", "pip"));
    let (changed, out) = edit(text, |e| e.set_top_scalar("registry", None));
    assert!(changed);
    assert_eq!(
        out,
        "# head\nproject: {name: x}\npackage_manager: uv   # fast\n"
    );
}

#[test]
fn top_scalar_already_so() {
    let text = "project: {name: x}\nmode: dev\n";
    let (changed, _) = edit(text, |e| e.set_top_scalar("mode", Some("dev")));
    assert!(!changed);
    let (changed, _) = edit(text, |e| e.set_top_scalar("registry", None));
    assert!(!changed);
}

#[test]
fn top_scalar_never_writes_an_invalid_manifest() {
    let mut e = ManifestEditor::parse(EX).unwrap();
    assert!(matches!(
        e.set_top_scalar("mode", Some("weird")),
        Err(ManifestEditError::Invalid(_))
    ));
    assert!(matches!(
        e.set_top_scalar("nonsense", Some("x")),
        Err(ManifestEditError::Invalid(_))
    ));
    assert!(matches!(
        e.set_top_scalar("schema_version", Some("yes")),
        Err(ManifestEditError::Invalid(_))
    ));
    assert_eq!(
        e.set_top_scalar("packages", Some("x")),
        Err(ManifestEditError::Shape {
            key: "packages".into(),
            expected: "a scalar"
        })
    );
    assert_eq!(e.to_string(), EX);
}

#[test]
fn every_mutator_refuses_to_touch_an_invalid_manifest() {
    let text = "project: {name: x}\nmode: weird\n";
    let mut e = ManifestEditor::parse(text).unwrap();
    assert!(matches!(
        e.add_component(ComponentKind::Package, "a", None),
        Err(ManifestEditError::Invalid(_))
    ));
    assert!(matches!(
        e.set_group_selection(ComponentKind::Package, "g", &["a".to_string()]),
        Err(ManifestEditError::Invalid(_))
    ));
    assert_eq!(e.to_string(), text);
}

#[test]
fn parse_accepts_empty_and_comment_only_text() {
    let e = ManifestEditor::parse("").unwrap();
    assert_eq!(e.to_string(), "");
    let (_, out) = edit("", |e| e.add_component(ComponentKind::Package, "a", None));
    assert_eq!(out, "packages:\n  - a\n");
    let (_, out) = edit("# just a note\n", |e| e.set_top_scalar("mode", Some("dev")));
    assert_eq!(out, "# just a note\nmode: dev\n");
}

#[test]
fn parse_rejects_what_cannot_be_a_manifest() {
    assert!(matches!(
        ManifestEditor::parse("a: 1\n---\nb: 2\n"),
        Err(ManifestEditError::Parse(_))
    ));
    assert!(matches!(
        ManifestEditor::parse("- a\n- b\n"),
        Err(ManifestEditError::Shape { .. })
    ));
    assert!(matches!(
        ManifestEditor::parse("a: [unclosed\n"),
        Err(ManifestEditError::Parse(_))
    ));
}

#[test]
fn new_manifest_is_commented_valid_and_empty() {
    let text = new_manifest("demo", None);
    assert!(text.starts_with(
        "# hsm.yaml — the desired stack of this project. Edit by hand or with `hsm package add`, `hsm group select`, …\n"
    ));
    assert!(text.contains("project: {name: demo}\n"));
    assert!(text.contains("packages: []\n"));
    assert!(text.contains("package_groups: {}\n"));
    assert!(text.contains("services:\n  # "));
    assert!(text.contains("  containers: []\n"));
    assert!(text.contains("  container_groups: {}\n"));
    // A comment line above every section.
    for key in [
        "packages:",
        "package_groups:",
        "  containers:",
        "  container_groups:",
    ] {
        let at = text.find(key).unwrap();
        let line_before = text[..at - 1].lines().last().unwrap();
        assert!(line_before.trim_start().starts_with('#'), "{key}");
    }
    let m = assert_manifest(&text);
    assert_eq!(m.project.name.as_deref(), Some("demo"));
    assert!(m.packages.is_empty() && m.package_groups.is_empty());
    assert!(m.services.containers.is_empty() && m.services.container_groups.is_empty());
}

#[test]
fn new_manifest_quotes_names_that_need_it() {
    for name in [
        "my app",
        "yes",
        "1.0",
        "null",
        "a: b",
        "#x",
        "a,b",
        "{x}",
        "it's",
        "say \"hi\"",
        "",
        "tab\there",
        "ünï",
    ] {
        let text = new_manifest(name, None);
        let m = assert_manifest(&text);
        assert_eq!(m.project.name.as_deref(), Some(name), "{text}");
    }
    assert!(new_manifest("my-app_2.0", None).contains("project: {name: my-app_2.0}\n"));
    assert!(new_manifest("yes", None).contains("project: {name: \"yes\"}\n"));
}

#[test]
fn new_manifest_records_a_registry_path() {
    for path in ["../reg", "../../shared registry", "/abs/reg", ".", "a/b"] {
        let text = new_manifest("demo", Some(path));
        let m = assert_manifest(&text);
        assert_eq!(m.registry.as_deref(), Some(path), "{text}");
    }
    assert!(new_manifest("demo", Some("../reg")).contains("\nregistry: ../reg\n"));
}

#[test]
fn edits_of_the_new_manifest_fill_sections_in_block_style() {
    let (_, out) = edit(&new_manifest("demo", None), |e| {
        e.add_component(ComponentKind::Package, "a", None)?;
        e.add_component(ComponentKind::Container, "r", Some(Mode::Dev))?;
        e.set_group_selection(ComponentKind::Package, "s", &["u".to_string()])?;
        e.set_group_selection(ComponentKind::Container, "vdb", &["q".to_string()])
    });
    let expected = new_manifest("demo", None)
        .replace("packages: []\n", "packages:\n  - a\n")
        .replace(
            "package_groups: {}\n",
            "package_groups:\n  s:\n    selection: u\n",
        )
        .replace("  containers: []\n", "  containers:\n    - r: dev\n")
        .replace(
            "  container_groups: {}\n",
            "  container_groups:\n    vdb:\n      selection: q\n",
        );
    assert_eq!(out, expected);
}

#[test]
fn a_sequence_of_edits_keeps_every_untouched_line() {
    let (_, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Package, "httpx", None)?;
        e.set_component_mode(ComponentKind::Package, "neo4j-client", Mode::Prod)?;
        e.set_group_selection(
            ComponentKind::Container,
            "vector-db",
            &["milvus".to_string()],
        )?;
        e.set_mode_override("postgres", None)?;
        e.set_top_scalar("mode", Some("dev"))
    });
    let expected = EX
        .replace(
            "  - {name: qdrant-client, mode: prod}\n",
            "  - {name: qdrant-client, mode: prod}\n  - httpx\n",
        )
        .replace("neo4j-client: dev", "neo4j-client: prod")
        .replace("selection: qdrant\n", "selection: milvus\n")
        .replace("modes:\n  postgres: dev\n", "mode: dev\n");
    assert_eq!(out, expected);
    assert_comments(&out);
}
