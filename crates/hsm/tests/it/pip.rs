//! The second package adapter, chosen by `package_manager: pip`: same resolved requirements,
//! a plain venv, editable where dev. Proves the adapter seam end to end.

use crate::common::*;

#[test]
fn pip_adapter_installs_the_same_stack() {
    require("python3");
    let s = Scratch::examples();
    let dir = s.project("editable-stack");
    let m = read(&dir.join("hsm.yaml"));
    std::fs::write(dir.join("hsm.yaml"), format!("package_manager: pip\n{m}")).unwrap();
    let out = run(hsm(&dir).args(["sync", "-q"]));
    ok(&out);
    let req = read(&dir.join(".hsm/requirements.txt"));
    insta::assert_snapshot!(
        "pip_requirements",
        req.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
    );
    assert!(
        !dir.join("pyproject.toml").exists(),
        "pip mode leaves pyproject alone"
    );
    let py = |code: &str| {
        ok(&run(hsm(&dir).args([
            "run",
            "--",
            ".venv/bin/python",
            "-c",
            code,
        ])))
    };
    assert_eq!(
        py("import neo4j_client; print(neo4j_client.GREETING)").trim(),
        "neo4j-client v1"
    );
    let src = s
        .path()
        .join("packages/neo4j-client/src/neo4j_client/__init__.py");
    std::fs::write(
        &src,
        read(&src).replace("neo4j-client v1", "neo4j-client v3"),
    )
    .unwrap();
    assert_eq!(
        py("import neo4j_client; print(neo4j_client.GREETING)").trim(),
        "neo4j-client v3",
        "editable"
    );
}
