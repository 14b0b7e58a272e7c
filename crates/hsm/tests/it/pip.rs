//! The second package adapter, chosen by `package_manager: pip`: same resolved requirements,
//! a plain venv, editable where dev. Proves the adapter seam end to end.

use crate::common::*;

#[test]
fn pip_adapter_installs_the_same_stack() {
    need!("python3", "HSM_TEST_PYTHON");
    let s = Scratch::examples();
    let dir = s.project("editable-stack");
    let m = read(&dir.join("hsm.yaml"));
    std::fs::write(dir.join("hsm.yaml"), format!("package_manager: pip\n{m}")).unwrap();
    let out = run(s.hsm(&dir).args(["sync", "-q"]));
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
    assert_neo4j_client_editable(&s, &dir);
}
