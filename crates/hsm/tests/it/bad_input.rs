//! Bad input: a corpus of broken manifests and registry files. Each one must exit 3 with a
//! message naming the file, the line and the key, and leave every file as it was.

use crate::common::*;

/// A minimal valid registry every case starts from.
const BASE: &[(&str, &str)] = &[
    ("hsm-registry/packages/app.yaml", "name: app\n"),
    (
        "hsm-registry/packages/legacy.yaml",
        "name: legacy\nimplies:\n  container_group:database: mysql\n",
    ),
    (
        "hsm-registry/packages/modern.yaml",
        "name: modern\nimplies:\n  container_group:database: postgres\n",
    ),
    (
        "hsm-registry/containers/postgres.yaml",
        "name: postgres\nimage: postgres:16\nports: [\"5432:5432\"]\ndeployment_profiles:\n  external-corp: {mode: external, external: {host: 10.0.0.5, port: 5432}}\nparams:\n  version: {merge: scalar}\n",
    ),
    (
        "hsm-registry/containers/mysql.yaml",
        "name: mysql\nimage: mysql:8\n",
    ),
    (
        "hsm-registry/container_groups/database.yaml",
        "name: database\ntype: container_group\nstrategy: 1-of-N\nalias: db\noptions:\n  - name: postgres\n  - name: mysql\n",
    ),
];

struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    /// Substrings the error output must contain (file:line, key, hint…).
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "bad yaml in manifest",
        files: &[("hsm.yaml", "packages: [app\n")],
        expect: &["hsm.yaml:1:"],
    },
    Case {
        name: "wrong type",
        files: &[("hsm.yaml", "packages: 5\n")],
        expect: &["hsm.yaml:1:", "`packages`"],
    },
    Case {
        name: "unknown key",
        files: &[("hsm.yaml", "project: {name: x}\npakages: [app]\n")],
        expect: &["hsm.yaml:2:", "pakages"],
    },
    Case {
        name: "bad mode",
        files: &[("hsm.yaml", "packages:\n  - app: devv\n")],
        expect: &["hsm.yaml:2:"],
    },
    Case {
        name: "unknown component",
        files: &[("hsm.yaml", "services:\n  containers: [postgress]\n")],
        expect: &[
            "hsm.yaml:2:",
            "`services.containers[0]`",
            "did you mean `postgres`?",
        ],
    },
    Case {
        name: "selection outside options",
        files: &[(
            "hsm.yaml",
            "services:\n  container_groups:\n    database: {selection: mysqll}\n",
        )],
        expect: &["hsm.yaml:3:", "database.selection", "did you mean `mysql`?"],
    },
    Case {
        name: "list for 1-of-N",
        files: &[(
            "hsm.yaml",
            "services:\n  container_groups:\n    database:\n      selection: [postgres, mysql]\n",
        )],
        expect: &["hsm.yaml:4:", "1-of-N"],
    },
    Case {
        name: "implies conflict",
        files: &[("hsm.yaml", "packages: [legacy, modern]\n")],
        expect: &[
            "is 1-of-N, but two options are forced",
            "package `legacy`",
            "package `modern`",
            "hsm-registry/packages/modern.yaml:3:",
        ],
    },
    Case {
        name: "implies cycle",
        files: &[
            ("hsm.yaml", "packages: [a]\n"),
            (
                "hsm-registry/packages/a.yaml",
                "name: a\nimplies:\n  package:b: {}\n",
            ),
            (
                "hsm-registry/packages/b.yaml",
                "name: b\nimplies:\n  package:a: {}\n",
            ),
        ],
        expect: &[
            "implies cycle: package `a` → package `b` → package `a`",
            "hsm-registry/packages/a.yaml",
        ],
    },
    Case {
        name: "scalar param conflict",
        files: &[
            ("hsm.yaml", "packages: [a, b]\n"),
            (
                "hsm-registry/packages/a.yaml",
                "name: a\nimplies:\n  container:postgres: {params: {version: \"15\"}}\n",
            ),
            (
                "hsm-registry/packages/b.yaml",
                "name: b\nimplies:\n  container:postgres: {params: {version: \"16\"}}\n",
            ),
        ],
        expect: &[
            "param `version` of container `postgres` takes one value",
            "`15`",
            "`16`",
            "hsm-registry/packages/b.yaml:3:",
        ],
    },
    Case {
        name: "unknown profile",
        files: &[(
            "hsm.yaml",
            "services:\n  containers:\n    - {name: postgres, profile: external-crop}\n",
        )],
        expect: &[
            "hsm.yaml:3:",
            "no deployment profile `external-crop`",
            "did you mean `external-corp`?",
        ],
    },
    Case {
        name: "bad yaml in registry",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (
                "hsm-registry/packages/app.yaml",
                "name: app\nimplies: {container:postgres: [\n",
            ),
        ],
        expect: &["hsm-registry/packages/app.yaml:"],
    },
    Case {
        name: "wrong type in registry",
        files: &[
            ("hsm.yaml", "services: {containers: [mysql]}\n"),
            (
                "hsm-registry/containers/mysql.yaml",
                "name: mysql\nimage: mysql:8\nports: {a: 1}\n",
            ),
        ],
        expect: &["hsm-registry/containers/mysql.yaml:3:", "`ports`"],
    },
    Case {
        name: "name mismatch",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            ("hsm-registry/packages/app.yaml", "name: ap\n"),
        ],
        expect: &["hsm-registry/packages/app.yaml:1:", "`name: app`"],
    },
    Case {
        name: "unknown source type",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (
                "hsm-registry/packages/app.yaml",
                "name: app\nsources:\n  prod: {type: pipy, spec: x}\n",
            ),
        ],
        expect: &["hsm-registry/packages/app.yaml:3:", "pipy"],
    },
    Case {
        name: "unknown registry key",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            ("hsm-registry/packages/app.yaml", "name: app\nimplys: {}\n"),
        ],
        expect: &["hsm-registry/packages/app.yaml:2:", "implys"],
    },
    Case {
        name: "group in wrong folder",
        files: &[
            (
                "hsm.yaml",
                "services: {container_groups: {database: {selection: postgres}}}\n",
            ),
            (
                "hsm-registry/container_groups/database.yaml",
                "name: database\ntype: package_group\nstrategy: 1-of-N\noptions: [{name: postgres}]\n",
            ),
        ],
        expect: &["hsm-registry/container_groups/database.yaml:2:", "`type`"],
    },
    Case {
        name: "unknown implies kind",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (
                "hsm-registry/packages/app.yaml",
                "name: app\nimplies:\n  service:postgres: {}\n",
            ),
        ],
        expect: &[
            "hsm-registry/packages/app.yaml:",
            "unknown implies kind `service`",
        ],
    },
    Case {
        name: "duplicate key",
        files: &[("hsm.yaml", "packages: [app]\npackages: [app]\n")],
        expect: &["hsm.yaml:2:", "duplicate"],
    },
    Case {
        name: "listed twice",
        files: &[("hsm.yaml", "packages:\n  - app\n  - app: dev\n")],
        expect: &["hsm.yaml:3:", "listed twice"],
    },
    Case {
        name: "unknown package manager",
        files: &[("hsm.yaml", "package_manager: poetry\npackages: [app]\n")],
        expect: &[
            "hsm.yaml:1:",
            "unknown package manager `poetry`",
            "known package managers: uv, pip",
        ],
    },
    Case {
        name: "future schema",
        files: &[("hsm.yaml", "schema_version: 2\n")],
        expect: &["hsm.yaml:1:", "schema_version"],
    },
    Case {
        name: "missing source directory",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (
                "hsm-registry/packages/app.yaml",
                "name: app\nsources:\n  prod: {type: local, path: ../../nowhere}\n",
            ),
        ],
        expect: &["hsm-registry/packages/app.yaml", "does not exist"],
    },
    Case {
        name: "secret in package source",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (
                "hsm-registry/packages/app.yaml",
                "name: app\nsources:\n  prod: {type: git, url: \"https://${TOKEN}@example.invalid/r.git\"}\n",
            ),
        ],
        expect: &["hsm-registry/packages/app.yaml", "committed"],
    },
    Case {
        name: "unset variable",
        files: &[
            ("hsm.yaml", "services: {containers: [mysql]}\n"),
            (
                "hsm-registry/containers/mysql.yaml",
                "name: mysql\nimage: mysql:8\nenv:\n  PW: \"${HSM_TEST_SURELY_UNSET}\"\n",
            ),
        ],
        expect: &[
            "hsm-registry/containers/mysql.yaml:4:",
            "`HSM_TEST_SURELY_UNSET` is not set",
            "`env.PW`",
        ],
    },
    Case {
        name: "bad dotenv",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (".env", "GOOD=1\nBAD LINE WITH SPACES\n"),
        ],
        expect: &[".env:2"],
    },
    Case {
        name: "user owns dependency",
        files: &[
            ("hsm.yaml", "packages: [app]\n"),
            (
                "hsm-registry/packages/app.yaml",
                "name: app\nsources:\n  prod: {type: pypi, spec: \">=1\"}\n",
            ),
            (
                "pyproject.toml",
                "[project]\nname = \"p\"\nversion = \"0\"\ndependencies = [\"app>=0.5\"]\n",
            ),
        ],
        expect: &[
            "pyproject.toml",
            "`app` is declared in `project.dependencies` by you",
        ],
    },
    Case {
        name: "no manifest",
        files: &[("not-hsm.yaml", "")],
        expect: &["no `hsm.yaml` found", "hsm init"],
    },
    Case {
        name: "missing registry",
        files: &[("hsm.yaml", "registry: ./nope\n")],
        expect: &["registry directory", "nope", "does not exist"],
    },
];

#[test]
fn corpus_of_broken_inputs() {
    let mut all = String::new();
    for case in CASES {
        let s = Scratch::empty();
        for (p, t) in BASE {
            s.write(p, t);
        }
        for (p, t) in case.files {
            s.write(p, t);
        }
        let before = snapshot_tree(s.path());
        for cmd in [&["sync"][..], &["check", "--offline"], &["plan", "--json"]] {
            let out = run(s.hsm(s.path()).args(cmd));
            assert_eq!(
                out.code,
                Some(3),
                "case `{}` / {cmd:?} must exit 3:\n{}",
                case.name,
                transcript(&out)
            );
            assert_eq!(
                before,
                snapshot_tree(s.path()),
                "case `{}` changed files",
                case.name
            );
            let text = format!("{}{}", out.stdout.clone(), out.stderr.clone());
            assert!(
                !text.contains("panicked"),
                "case `{}` panicked:\n{text}",
                case.name
            );
            if cmd[0] == "sync" {
                for e in case.expect {
                    assert!(
                        text.contains(e),
                        "case `{}`: expected `{e}` in:\n{text}",
                        case.name
                    );
                }
                all.push_str(&format!("=== {}\n{}\n", case.name, transcript(&out)));
            } else if cmd[0] == "plan" {
                let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
                    panic!(
                        "case `{}`: --json error is not JSON ({e}):\n{text}",
                        case.name
                    )
                });
                assert_eq!(v["error"]["code"], 3, "{v}");
            }
        }
    }
    insta::assert_snapshot!("bad_input_corpus", all);
}

/// Deterministic mutation fuzzing of the loaders through the binary: truncations and byte
/// replacements of valid files never crash (exit 101) and never change a file.
#[test]
fn mutated_inputs_never_panic() {
    let manifest = "project: {name: demo}\npackages:\n  - app\n  - legacy: dev\nservices:\n  containers: [{name: postgres, profile: external-corp}]\n  container_groups:\n    database: {selection: mysql, mode: dev}\nmodes: {mysql: prod}\n";
    let replacements: &[&str] = &[
        "", ":", "- ", "[", "{", "}", "]", "\"", "'", "&a", "*a", "!!binary", "\t", "\n  ", "~",
        "? ", "%", "@", "${", "\u{0}", "é",
    ];
    let s = Scratch::empty();
    for (p, t) in BASE {
        s.write(p, t);
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..60 {
        let mut m = manifest.as_bytes().to_vec();
        let pos = (next() as usize) % m.len();
        let rep = replacements[(next() as usize) % replacements.len()];
        if i % 3 == 0 {
            m.truncate(pos);
        } else {
            m.splice(pos..(pos + 1).min(m.len()), rep.bytes());
        }
        s.write("hsm.yaml", &String::from_utf8_lossy(&m));
        let out = run(s.hsm(s.path()).args(["check", "--offline"]));
        let code = out.code;
        assert!(
            matches!(code, Some(0 | 3)),
            "mutation {i} exited {code:?}:\n{}\n{}",
            String::from_utf8_lossy(&m),
            transcript(&out)
        );
    }
}
