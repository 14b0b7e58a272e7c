//! Edits of `pyproject.toml`, byte for byte.

use hsm_adapter::{GitRef, Index, ReqKind, Requirement};

use crate::{PyprojectError, apply};

fn req(name: &str, kind: ReqKind) -> Requirement {
    Requirement::new(name, kind)
}

fn index(spec: &str) -> ReqKind {
    ReqKind::Index {
        spec: spec.into(),
        index: None,
    }
}

const USER: &str = "# my project\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\n    \"httpx>=0.27\",  # user dep\n]\n\n[tool.uv.sources]\nhttpx = { git = \"https://example.invalid/httpx\" }\n";

#[test]
fn adds_keeps_user_and_is_idempotent() {
    let reqs = vec![
        req(
            "neo4j-client",
            ReqKind::Path {
                path: "packages/neo4j-client".into(),
                editable: true,
            },
        ),
        req("requests", index("requests>=2")),
        req(
            "lib",
            ReqKind::Git {
                url: "file:///r".into(),
                reference: GitRef::Tag("v1".into()),
                subdirectory: Some("py".into()),
            },
        ),
    ];
    let out = apply(USER, &reqs).unwrap();
    assert!(out.starts_with("# my project\n"));
    assert!(out.contains("\"httpx>=0.27\",  # user dep"), "{out}");
    assert!(
        out.contains("neo4j-client = { path = \"packages/neo4j-client\", editable = true }"),
        "{out}"
    );
    assert!(
        out.contains("lib = { git = \"file:///r\", tag = \"v1\", subdirectory = \"py\" }"),
        "{out}"
    );
    assert!(out.contains("\"requests>=2\""), "{out}");
    assert!(out.contains("httpx = { git"), "{out}");
    let again = apply(&out, &reqs).unwrap();
    assert_eq!(again, out, "second apply must be byte-identical");
    // Removing everything restores the user's deps and sources.
    let removed = apply(&out, &[]).unwrap();
    assert!(!removed.contains("neo4j"), "{removed}");
    assert!(!removed.contains("tool.hsm"), "{removed}");
    assert!(removed.contains("httpx = { git"), "{removed}");
    assert!(removed.contains("\"httpx>=0.27\""), "{removed}");
}

#[test]
fn refuses_to_take_over_user_deps() {
    let reqs = vec![req("httpx", index("httpx"))];
    assert!(matches!(
        apply(USER, &reqs),
        Err(PyprojectError::UserOwned { .. })
    ));
}

#[test]
fn noop_without_managed() {
    assert_eq!(apply(USER, &[]).unwrap(), USER);
}

#[test]
fn removing_entries_keeps_comments_of_user_lines() {
    let user = "[project]\nname = \"m\"\ndependencies = [\n    \"mine\", # not hsm's\n]\n";
    let a = req("a", index("a"));
    let b = req("b", index("b"));
    let both = apply(user, &[a.clone(), b]).unwrap();
    assert!(both.contains("\"mine\", # not hsm's\n"), "{both}");
    let one = apply(&both, &[a]).unwrap();
    assert!(one.contains("\"mine\", # not hsm's\n"), "{one}");
    assert_eq!(apply(&one, &[]).unwrap(), user);
}

#[test]
fn another_distribution_from_its_own_index() {
    let user = "[project]\nname = \"m\"\ndependencies = []\n";
    let mut torch = req(
        "torch-cpu",
        ReqKind::Index {
            spec: "torch>=2".into(),
            index: Some(Index {
                name: "pytorch-cpu".into(),
                url: "http://127.0.0.1:9/simple".into(),
            }),
        },
    );
    torch.distribution = "torch".into();
    let out = apply(user, &[torch.clone()]).unwrap();
    assert!(out.contains("dependencies = [\"torch>=2\"]"), "{out}");
    assert!(out.contains("torch = { index = \"pytorch-cpu\" }"), "{out}");
    assert!(
        out.contains("[[tool.uv.index]]\nname = \"pytorch-cpu\"\nurl = \"http://127.0.0.1:9/simple\"\nexplicit = true\n"),
        "{out}"
    );
    assert!(out.contains("managed-dependencies = [\"torch\"]"), "{out}");
    assert!(out.contains("managed-indexes = [\"pytorch-cpu\"]"), "{out}");
    assert_eq!(apply(&out, &[torch]).unwrap(), out);
    assert_eq!(apply(&out, &[]).unwrap(), user);
}

#[test]
fn an_index_of_the_users_is_not_taken_over() {
    let user = "[project]\nname = \"m\"\ndependencies = []\n\n[[tool.uv.index]]\nname = \"cpu\"\nurl = \"http://x/simple\"\n";
    let r = req(
        "t",
        ReqKind::Index {
            spec: "t".into(),
            index: Some(Index {
                name: "cpu".into(),
                url: "http://y/simple".into(),
            }),
        },
    );
    assert!(matches!(
        apply(user, &[r]),
        Err(PyprojectError::UserIndex { .. })
    ));
}
