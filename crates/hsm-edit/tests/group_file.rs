//! Golden tests of option edits in registry group files.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use hsm_edit::{ManifestEditError, add_group_option, remove_group_option};

const GROUP: &str = "# Vector databases.
name: vector-db
type: container_group
strategy: 1-of-N
options:
  # the default one
  - name: qdrant
    description: fast   # measured
  - {name: milvus}
default: qdrant
";

fn assert_group(text: &str) {
    infra_yaml::from_str::<hsm_schema::GroupSpec>(Path::new("g.yaml"), text)
        .unwrap_or_else(|e| panic!("invalid group file: {e}\n{text}"));
}

#[test]
fn add_option_appends_with_description() {
    let (out, changed) = add_group_option(GROUP, "chroma", Some("small")).unwrap();
    assert!(changed);
    assert_eq!(
        out,
        GROUP.replace(
            "  - {name: milvus}\n",
            "  - {name: milvus}\n  - name: chroma\n    description: small\n"
        )
    );
    assert_group(&out);
    let (out, _) = add_group_option(GROUP, "chroma", None).unwrap();
    assert_eq!(
        out,
        GROUP.replace(
            "  - {name: milvus}\n",
            "  - {name: milvus}\n  - name: chroma\n"
        )
    );
}

#[test]
fn add_option_already_there() {
    for name in ["qdrant", "milvus"] {
        let (out, changed) = add_group_option(GROUP, name, Some("x")).unwrap();
        assert!(!changed);
        assert_eq!(out, GROUP);
    }
}

#[test]
fn add_option_to_an_empty_list_goes_block() {
    let text = "name: g\ntype: package_group\nstrategy: M-of-N\noptions: []\n";
    let (out, _) = add_group_option(text, "a", None).unwrap();
    assert_eq!(
        out,
        "name: g\ntype: package_group\nstrategy: M-of-N\noptions:\n  - name: a\n"
    );
    let text = "name: g\ntype: package_group\nstrategy: M-of-N\noptions: [{name: a}]\n";
    let (out, _) = add_group_option(text, "b", None).unwrap();
    assert_eq!(
        out,
        "name: g\ntype: package_group\nstrategy: M-of-N\noptions: [{name: a}, {name: b}]\n"
    );
}

#[test]
fn remove_option_takes_its_comment_lines() {
    let (out, changed) = remove_group_option(GROUP, "qdrant").unwrap();
    assert!(changed);
    assert_eq!(
        out,
        GROUP.replace(
            "  # the default one\n  - name: qdrant\n    description: fast   # measured\n",
            ""
        )
    );
    assert_group(&out);
    let (out, changed) = remove_group_option(GROUP, "milvus").unwrap();
    assert!(changed);
    assert_eq!(out, GROUP.replace("  - {name: milvus}\n", ""));
}

#[test]
fn remove_option_absent_or_last() {
    let (out, changed) = remove_group_option(GROUP, "chroma").unwrap();
    assert!(!changed);
    assert_eq!(out, GROUP);
    let (out, _) = remove_group_option(GROUP, "milvus").unwrap();
    let (out, _) = remove_group_option(&out, "qdrant").unwrap();
    assert_eq!(
        out,
        "# Vector databases.\nname: vector-db\ntype: container_group\nstrategy: 1-of-N\noptions: []\ndefault: qdrant\n"
    );
}

#[test]
fn group_edits_never_return_an_invalid_file() {
    let broken = "name: g\ntype: nonsense\nstrategy: 1-of-N\noptions: []\n";
    assert!(matches!(
        add_group_option(broken, "a", None),
        Err(ManifestEditError::Invalid(_))
    ));
    assert!(matches!(
        add_group_option("options: 3\n", "a", None),
        Err(ManifestEditError::Shape { .. })
    ));
    assert!(matches!(
        add_group_option("a: [\n", "a", None),
        Err(ManifestEditError::Parse(_))
    ));
}
