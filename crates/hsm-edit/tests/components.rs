//! Golden tests of the standalone component operations on the example manifest.
#![allow(clippy::unwrap_used)]

mod common;

use common::{EX, assert_comments, assert_manifest, edit, ex_with};
use hsm_edit::{ComponentKind, ManifestEditError, ManifestEditor, Mode};

#[test]
fn unchanged_document_prints_back_verbatim() {
    assert_eq!(ManifestEditor::parse(EX).unwrap().to_string(), EX);
}

#[test]
fn add_appends_a_bare_name() {
    let (changed, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Package, "httpx", None)
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "  - {name: qdrant-client, mode: prod}\n",
            "  - {name: qdrant-client, mode: prod}\n  - httpx\n"
        )
    );
    assert_comments(&out);
}

#[test]
fn add_with_mode_appends_the_short_form() {
    let (changed, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Package, "httpx", Some(Mode::Dev))
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "  - {name: qdrant-client, mode: prod}\n",
            "  - {name: qdrant-client, mode: prod}\n  - httpx: dev\n"
        )
    );
}

#[test]
fn add_of_a_listed_component_is_already_so() {
    for name in ["auth-service", "neo4j-client", "qdrant-client"] {
        let (changed, out) = edit(EX, |e| e.add_component(ComponentKind::Package, name, None));
        assert!(!changed, "{name}");
        assert_eq!(out, EX);
    }
    let (changed, _) = edit(EX, |e| {
        e.add_component(ComponentKind::Package, "neo4j-client", Some(Mode::Dev))
    });
    assert!(!changed);
    let (changed, _) = edit(EX, |e| {
        e.add_component(ComponentKind::Container, "redis", None)
    });
    assert!(!changed);
}

#[test]
fn add_of_a_listed_component_with_another_mode_updates_it() {
    let (changed, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Package, "neo4j-client", Some(Mode::Prod))
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with("  - neo4j-client: dev\n", "  - neo4j-client: prod\n")
    );
    let (changed, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Package, "qdrant-client", Some(Mode::Dev))
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "{name: qdrant-client, mode: prod}",
            "{name: qdrant-client, mode: dev}"
        )
    );
}

#[test]
fn add_to_a_flow_list_stays_flow() {
    let (_, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Container, "postgres", None)
    });
    assert_eq!(
        out,
        ex_with("containers: [redis]", "containers: [redis, postgres]")
    );
    let (_, out) = edit(EX, |e| {
        e.add_component(ComponentKind::Container, "postgres", Some(Mode::Dev))
    });
    assert_eq!(
        out,
        ex_with(
            "containers: [redis]",
            "containers: [redis, {postgres: dev}]"
        )
    );
    assert_comments(&out);
}

#[test]
fn add_creates_services_and_the_list_when_missing() {
    let text = "# mine\nproject: {name: x}\n";
    let (changed, out) = edit(text, |e| {
        e.add_component(ComponentKind::Container, "redis", None)
    });
    assert!(changed);
    assert_eq!(
        out,
        "# mine\nproject: {name: x}\nservices:\n  containers:\n    - redis\n"
    );
    let (_, out) = edit(text, |e| {
        e.add_component(ComponentKind::Package, "httpx", Some(Mode::Dev))
    });
    assert_eq!(
        out,
        "# mine\nproject: {name: x}\npackages:\n  - httpx: dev\n"
    );
}

#[test]
fn add_fills_a_null_list_and_refuses_a_wrong_shape() {
    let (_, out) = edit("packages:\nmode: dev\n", |e| {
        e.add_component(ComponentKind::Package, "a", None)
    });
    assert_eq!(out, "packages:\n  - a\nmode: dev\n");
    let mut e = ManifestEditor::parse("packages: 3\n").unwrap();
    assert_eq!(
        e.add_component(ComponentKind::Package, "a", None),
        Err(ManifestEditError::Shape {
            key: "packages".into(),
            expected: "a list"
        })
    );
    assert_eq!(e.to_string(), "packages: 3\n");
}

#[test]
fn add_quotes_names_that_would_change_type() {
    let (_, out) = edit("packages: [a]\n", |e| {
        e.add_component(ComponentKind::Package, "yes", Some(Mode::Dev))
    });
    assert_eq!(out, "packages: [a, {'yes': dev}]\n");
    let (_, out) = edit("packages:\n  - a\n", |e| {
        e.add_component(ComponentKind::Package, "1.0", None)
    });
    assert_eq!(out, "packages:\n  - a\n  - '1.0'\n");
    let (_, out) = edit("packages:\n  - a\n", |e| {
        e.add_component(ComponentKind::Package, "null", None)
    });
    assert_eq!(out, "packages:\n  - a\n  - 'null'\n");
}

#[test]
fn add_of_a_reserved_key_name_uses_the_full_form() {
    let (_, out) = edit("packages:\n  - a\n", |e| {
        e.add_component(ComponentKind::Package, "mode", Some(Mode::Dev))
    });
    assert_eq!(out, "packages:\n  - a\n  - {name: mode, mode: dev}\n");
}

#[test]
fn remove_bare_entry_takes_its_inline_comment() {
    let (changed, out) = edit(EX, |e| {
        e.remove_component(ComponentKind::Package, "auth-service")
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with("  - auth-service          # the auth backend\n", "")
    );
}

#[test]
fn remove_one_key_map_entry() {
    let (changed, out) = edit(EX, |e| {
        e.remove_component(ComponentKind::Package, "neo4j-client")
    });
    assert!(changed);
    assert_eq!(out, ex_with("  - neo4j-client: dev\n", ""));
    assert_comments(&out);
}

#[test]
fn remove_full_map_entry() {
    let (changed, out) = edit(EX, |e| {
        e.remove_component(ComponentKind::Package, "qdrant-client")
    });
    assert!(changed);
    assert_eq!(out, ex_with("  - {name: qdrant-client, mode: prod}\n", ""));
    assert_comments(&out);
}

#[test]
fn remove_of_an_absent_component_is_already_so() {
    let (changed, _) = edit(EX, |e| e.remove_component(ComponentKind::Package, "nope"));
    assert!(!changed);
    let (changed, _) = edit(EX, |e| {
        e.remove_component(ComponentKind::Container, "auth-service")
    });
    assert!(!changed);
    let (changed, _) = edit("project: {name: x}\n", |e| {
        e.remove_component(ComponentKind::Container, "redis")
    });
    assert!(!changed);
}

#[test]
fn removing_the_last_items_leaves_an_empty_list() {
    let (_, out) = edit(EX, |e| {
        e.remove_component(ComponentKind::Package, "auth-service")?;
        e.remove_component(ComponentKind::Package, "neo4j-client")?;
        e.remove_component(ComponentKind::Package, "qdrant-client")
    });
    let expected = ex_with(
        "packages:\n  - auth-service          # the auth backend\n  - neo4j-client: dev\n  - {name: qdrant-client, mode: prod}\n",
        "packages: []\n",
    );
    assert_eq!(out, expected);
    let (_, out) = edit(EX, |e| {
        e.remove_component(ComponentKind::Container, "redis")
    });
    assert_eq!(out, ex_with("containers: [redis]", "containers: []"));
}

#[test]
fn an_emptied_list_gets_new_items_in_block_style() {
    let (_, out) = edit("packages:\n  - a\nmode: dev\n", |e| {
        e.remove_component(ComponentKind::Package, "a")?;
        e.add_component(ComponentKind::Package, "b", None)
    });
    assert_eq!(out, "packages:\n  - b\nmode: dev\n");
}

#[test]
fn remove_takes_the_comment_lines_above_the_entry() {
    let text = "# head\npackages:\n  # lead a\n  - a\n  # lead b\n  # more on b\n  - b: dev   # inl b\n\n  # detached\n  - {name: c}\n";
    let (_, out) = edit(text, |e| e.remove_component(ComponentKind::Package, "a"));
    assert_eq!(
        out,
        "# head\npackages:\n  # lead b\n  # more on b\n  - b: dev   # inl b\n\n  # detached\n  - {name: c}\n"
    );
    let (_, out) = edit(text, |e| e.remove_component(ComponentKind::Package, "b"));
    assert_eq!(
        out,
        "# head\npackages:\n  # lead a\n  - a\n\n  # detached\n  - {name: c}\n"
    );
    let (_, out) = edit(text, |e| e.remove_component(ComponentKind::Package, "c"));
    assert_eq!(
        out,
        "# head\npackages:\n  # lead a\n  - a\n  # lead b\n  # more on b\n  - b: dev   # inl b\n\n"
    );
}

#[test]
fn remove_keeps_comments_separated_by_a_blank_line_or_indented_otherwise() {
    let text = "packages:\n  # about the list\n\n  - a\n# about modes\n  - b\n  - c\n";
    let (_, out) = edit(text, |e| e.remove_component(ComponentKind::Package, "a"));
    // Kept (yaml-edit re-indents it to the list, which is where it now sits).
    assert_eq!(
        out,
        "packages:\n  # about the list\n\n  # about modes\n  - b\n  - c\n"
    );
    let (_, out) = edit(text, |e| e.remove_component(ComponentKind::Package, "b"));
    assert_eq!(
        out,
        "packages:\n  # about the list\n\n  - a\n# about modes\n  - c\n"
    );
}

#[test]
fn remove_keeps_the_file_header() {
    let (_, out) = edit("# header\npackages: [a]\n", |e| {
        e.remove_component(ComponentKind::Package, "a")
    });
    assert_eq!(out, "# header\npackages: []\n");
    let (_, out) = edit("# header\nmode: dev\nregistry: ./reg\n", |e| {
        e.set_top_scalar("mode", None)
    });
    assert_eq!(out, "# header\nregistry: ./reg\n");
}

#[test]
fn remove_removes_every_duplicate() {
    let (_, out) = edit("packages: [a, b, {name: a}]\n", |e| {
        e.remove_component(ComponentKind::Package, "a")
    });
    assert_eq!(out, "packages: [b]\n");
}

#[test]
fn remove_handles_quoted_names() {
    let (_, out) = edit("packages:\n  - \"on\": dev\n  - x\n", |e| {
        e.remove_component(ComponentKind::Package, "on")
    });
    assert_eq!(out, "packages:\n  - x\n");
}

#[test]
fn set_mode_turns_a_bare_entry_into_the_short_form_keeping_its_comment() {
    let (changed, out) = edit(EX, |e| {
        e.set_component_mode(ComponentKind::Package, "auth-service", Mode::Dev)
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "  - auth-service          # the auth backend\n",
            "  - auth-service: dev          # the auth backend\n"
        )
    );
}

#[test]
fn set_mode_keeps_the_quoting_of_the_name() {
    let (_, out) = edit("packages:\n  - 'yes'\n", |e| {
        e.set_component_mode(ComponentKind::Package, "yes", Mode::Dev)
    });
    assert_eq!(out, "packages:\n  - 'yes': dev\n");
}

#[test]
fn set_mode_updates_the_short_form() {
    let (changed, out) = edit(EX, |e| {
        e.set_component_mode(ComponentKind::Package, "neo4j-client", Mode::Prod)
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with("  - neo4j-client: dev\n", "  - neo4j-client: prod\n")
    );
}

#[test]
fn set_mode_updates_the_full_form() {
    let (changed, out) = edit(EX, |e| {
        e.set_component_mode(ComponentKind::Package, "qdrant-client", Mode::Dev)
    });
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "{name: qdrant-client, mode: prod}",
            "{name: qdrant-client, mode: dev}"
        )
    );
    assert_comments(&out);
}

#[test]
fn set_mode_to_the_current_mode_is_already_so() {
    let (changed, _) = edit(EX, |e| {
        e.set_component_mode(ComponentKind::Package, "neo4j-client", Mode::Dev)
    });
    assert!(!changed);
    let (changed, _) = edit(EX, |e| {
        e.set_component_mode(ComponentKind::Package, "qdrant-client", Mode::Prod)
    });
    assert!(!changed);
}

#[test]
fn set_mode_in_a_flow_list_writes_a_flow_map() {
    let (_, out) = edit(EX, |e| {
        e.set_component_mode(ComponentKind::Container, "redis", Mode::Dev)
    });
    assert_eq!(
        out,
        ex_with("containers: [redis]", "containers: [{redis: dev}]")
    );
}

#[test]
fn set_mode_fills_a_null_short_form_and_an_options_map() {
    let text = "packages:\n  - a:\n  - b: {mode: dev}\n";
    let (_, out) = edit(text, |e| {
        e.set_component_mode(ComponentKind::Package, "a", Mode::Dev)?;
        e.set_component_mode(ComponentKind::Package, "b", Mode::Prod)
    });
    assert_eq!(out, "packages:\n  - a: dev\n  - b: {mode: prod}\n");
}

#[test]
fn set_mode_of_an_unlisted_component_is_not_found() {
    let mut e = ManifestEditor::parse(EX).unwrap();
    assert!(matches!(
        e.set_component_mode(ComponentKind::Package, "redis", Mode::Dev),
        Err(ManifestEditError::NotFound(_))
    ));
    assert_eq!(e.to_string(), EX);
}

#[test]
fn set_profile_converts_to_the_full_form() {
    let (changed, out) = edit(EX, |e| e.set_component_profile("redis", Some("external")));
    assert!(changed);
    assert_eq!(
        out,
        ex_with(
            "containers: [redis]",
            "containers: [{name: redis, profile: external}]"
        )
    );
    let text = "services:\n  containers:\n    - redis   # cache\n    - pg: dev\n";
    let (_, out) = edit(text, |e| {
        e.set_component_profile("redis", Some("a"))?;
        e.set_component_profile("pg", Some("b"))
    });
    assert_eq!(
        out,
        "services:\n  containers:\n    - {name: redis, profile: a}   # cache\n    - {name: pg, mode: dev, profile: b}\n"
    );
}

#[test]
fn set_profile_edits_maps_in_place_and_removes() {
    let text = "services:\n  containers:\n    - x: {mode: dev}\n    - {name: y, profile: p}\n    - name: z\n      # why\n      profile: q\n";
    let (_, out) = edit(text, |e| e.set_component_profile("x", Some("p")));
    assert_eq!(out, text.replace("{mode: dev}", "{mode: dev, profile: p}"));
    let (_, out) = edit(text, |e| e.set_component_profile("y", Some("r")));
    assert_eq!(out, text.replace("profile: p}", "profile: r}"));
    let (_, out) = edit(text, |e| {
        e.set_component_profile("y", None)?;
        e.set_component_profile("z", None)
    });
    assert_eq!(
        out,
        "services:\n  containers:\n    - x: {mode: dev}\n    - {name: y}\n    - name: z\n"
    );
}

#[test]
fn set_profile_already_so() {
    let text = "services:\n  containers:\n    - {name: y, profile: p}\n    - z\n";
    let (changed, _) = edit(text, |e| e.set_component_profile("y", Some("p")));
    assert!(!changed);
    let (changed, _) = edit(text, |e| e.set_component_profile("z", None));
    assert!(!changed);
}

#[test]
fn set_profile_is_for_containers_only() {
    let mut e = ManifestEditor::parse(EX).unwrap();
    assert!(matches!(
        e.set_component_profile("auth-service", Some("p")),
        Err(ManifestEditError::NotFound(_))
    ));
}

#[test]
fn contains_component_sees_every_form() {
    let e = ManifestEditor::parse(EX).unwrap();
    for name in ["auth-service", "neo4j-client", "qdrant-client"] {
        assert!(e.contains_component(ComponentKind::Package, name), "{name}");
        assert!(
            !e.contains_component(ComponentKind::Container, name),
            "{name}"
        );
    }
    assert!(e.contains_component(ComponentKind::Container, "redis"));
    assert!(!e.contains_component(ComponentKind::Package, "redis"));
    assert!(!e.contains_component(ComponentKind::Package, "name"));
}

#[test]
fn names_the_loader_reads_as_booleans_are_quoted() {
    for name in ["y", "Y", "n", "N", "yes", "off", "null", "1.0"] {
        let (_, out) = edit("packages: []\n", |e| {
            e.add_component(ComponentKind::Package, name, None)
        });
        let m = assert_manifest(&out);
        assert_eq!(m.packages[0].name, name, "{out}");
        let (_, out) = edit("packages: []\n", |e| {
            e.add_component(ComponentKind::Package, name, Some(Mode::Dev))
        });
        let m = assert_manifest(&out);
        assert_eq!(m.packages[0].name, name, "{out}");
    }
}
