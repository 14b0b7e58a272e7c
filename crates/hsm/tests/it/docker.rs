//! A generated stack brought up by a real Docker engine (runs when the suite sets
//! `HSM_TEST_DOCKER=1`, as `./scripts/test` and CI do after starting dockerd): a client
//! service reaches a server through its container group's alias.

use std::process::Command;

use crate::common::*;

#[test]
fn stack_comes_up_and_client_reaches_server_by_group_alias() {
    need!("docker", "HSM_TEST_DOCKER");
    let s = Scratch::empty();
    s.write("hsm-registry/containers/web-a.yaml", "name: web-a\nimage: hsm-busybox:local\ncommand: [\"sh\", \"-c\", \"mkdir -p /www && echo hello-from-web-a > /www/index.html && exec httpd -f -p 8080 -h /www\"]\nhealthcheck:\n  test: [\"CMD-SHELL\", \"wget -q -O - http://127.0.0.1:8080/ >/dev/null\"]\n  interval: 1s\n  retries: 30\n");
    s.write("hsm-registry/containers/web-b.yaml", "name: web-b\nimage: hsm-busybox:local\ncommand: [\"sh\", \"-c\", \"mkdir -p /www && echo hello-from-web-b > /www/index.html && exec httpd -f -p 8080 -h /www\"]\n");
    s.write("hsm-registry/containers/client.yaml", "name: client\nimage: hsm-busybox:local\ncommand: [\"sh\", \"-c\", \"for i in $$(seq 1 50); do wget -q -O - http://$${API_HOST}:8080/ && exit 0; sleep 0.2; done; exit 1\"]\nimplies:\n  container_group:backend: web-a\n");
    s.write("hsm-registry/container_groups/backend.yaml", "name: backend\ntype: container_group\nstrategy: 1-of-N\nalias: api\noptions: [{name: web-a}, {name: web-b}]\n");
    s.write("hsm.yaml", "compose: {project_name: hsmtest}\nservices:\n  containers: [client]\n  container_groups:\n    backend: {selection: web-a}\n");
    let dir = s.path();
    ok(&run(s
        .hsm(&dir)
        .args(["sync", "-q"])
        .env("HSM_UV", "true")
        .env("HSM_COMPOSE", "docker-compose")));
    let compose = read(&dir.join("docker-compose.hsm.yml"));
    assert!(compose.contains("API_HOST: api"), "{compose}");
    compose_config(&dir, &["docker-compose.hsm.yml"]);
    let up = run(s
        .hsm(&dir)
        .args(["up", "--", "--exit-code-from", "client", "client", "web-a"])
        .env("HSM_COMPOSE", "docker-compose"));
    let logs = transcript(&up);
    // `status --containers` sees what runs: web-a alone is drift (client is not running).
    let detached = run(s
        .hsm(&dir)
        .args(["up", "--", "-d", "web-a"])
        .env("HSM_COMPOSE", "docker-compose"));
    let status = run(s
        .hsm(&dir)
        .args(["status", "--containers"])
        .env("HSM_COMPOSE", "docker-compose")
        .env("HSM_UV", "true"));
    let _ = run(s
        .hsm(&dir)
        .args(["down", "--", "-t", "0", "-v"])
        .env("HSM_COMPOSE", "docker-compose"));
    assert!((detached.code == Some(0)), "{}", transcript(&detached));
    let status_err = fails_with(&status, 1);
    assert!(
        status_err.contains("container `client` is not running"),
        "{status_err}"
    );
    assert!(
        !status_err.contains("`web-a` is not running"),
        "{status_err}"
    );
    assert!((up.code == Some(0)), "{logs}");
    assert!(
        logs.contains("hello-from-web-a"),
        "client fetched through the alias:\n{logs}"
    );
    let leftover = Command::new("docker")
        .args(["ps", "-aq", "--filter", "name=hsmtest"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&leftover.stdout).trim().is_empty(),
        "down removed the containers"
    );
}
