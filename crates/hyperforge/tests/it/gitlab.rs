//! A GitLab-kind forge (`forge-emulator --kind gitlab`, API v4) in an org beside a
//! GitHub-kind one: import, create, rename, drift and converge through the real binary,
//! content pushed to the GitLab project.

use hyperforge_emulator::Running;

use crate::common::{World, git, last, repo_with_commit};

const GL_TOKEN: &str = "gl-secret-token-9012";

fn gitlab_project(gl: &Running, path: &str) -> Option<serde_json::Value> {
    let out = std::process::Command::new("curl")
        .args(["-sS", "-H", &format!("PRIVATE-TOKEN: {GL_TOKEN}")])
        .arg(format!("{}/projects/{}", gl.api, path.replace('/', "%2F")))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    v.get("id").is_some().then_some(v)
}

#[test]
fn an_org_on_github_and_gitlab_converges() {
    let w = World::with_org();
    let bin =
        std::path::Path::new(env!("CARGO_BIN_EXE_hyperforge")).with_file_name("forge-emulator");
    let gl = Running::start(&bin, "gitlab", &[&format!("bob:{GL_TOKEN}")], &["team:bob"]).unwrap();
    w.cmd()
        .args([
            "forge",
            "add",
            "gitlab",
            "--kind",
            "gitlab",
            "--api-url",
            &gl.api,
            "--token-ref",
            "env:GL_TOKEN",
        ])
        .env("GL_TOKEN", GL_TOKEN)
        .output()
        .success();
    let run = |args: &[&str]| w.cmd().args(args).env("GL_TOKEN", GL_TOKEN).output();
    run(&[
        "org",
        "create",
        "gl",
        "--owner",
        "github=acme,gitlab=team",
        "--forges",
        "github,gitlab",
        "--origin",
        "gitlab",
    ])
    .success();
    let t = run(&["--json", "forge", "auth", "gitlab"]);
    t.success();
    assert_eq!(
        last(&t, "auth")["forges"][0]["login"],
        "bob",
        "{}",
        t.render()
    );

    run(&[
        "repos",
        "create",
        "gl",
        "svc",
        "--description",
        "a service",
        "--visibility",
        "private",
    ])
    .success();
    let ws = w.scratch.path().join("gl-ws");
    repo_with_commit(&ws.join("svc"), "main.rs", "fn main() {}\n");
    run(&["workspace", "bind", ws.to_str().unwrap(), "gl"]).success();
    let t = run(&["--json", "repos", "sync", "gl", "--yes"]);
    t.success();
    let p = gitlab_project(&gl, "team/svc").expect("created on GitLab");
    assert_eq!(p["visibility"], "private");
    assert_eq!(p["description"], "a service");
    assert!(
        git(&ws.join("svc"), &["remote", "-v"]).contains("gitlab\t"),
        "a remote per forge"
    );
    let pushed = crate::common::events(&t)
        .into_iter()
        .filter(|e| e["type"] == "pushed")
        .count();
    assert_eq!(
        pushed,
        2,
        "content pushed to both new repositories: {}",
        t.render()
    );

    // A rename fans out to both forges; GitLab follows the project.
    run(&["repos", "update", "gl", "svc", "--rename", "service"]).success();
    run(&["repos", "sync", "gl", "--yes"]).success();
    assert!(gitlab_project(&gl, "team/service").is_some());
    assert!(w.remote_repo("github", "service").is_some());

    // Drift on GitLab (archived there), seen and converged.
    let out = std::process::Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "POST",
            "-H",
            &format!("PRIVATE-TOKEN: {GL_TOKEN}"),
        ])
        .arg(format!("{}/projects/team%2Fservice/archive", gl.api))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "201");
    let t = run(&["repos", "refresh", "gl"]);
    assert_eq!(t.code, Some(1), "{}", t.render());
    assert!(
        t.stdout.contains("service on gitlab: archived"),
        "{}",
        t.render()
    );
    run(&["repos", "converge", "gl", "--yes"]).success();
    assert_eq!(
        gitlab_project(&gl, "team/service").unwrap()["archived"],
        false
    );
    let d = last(&run(&["--json", "repos", "diff", "gl"]), "diff");
    assert_eq!(d["in_sync"], serde_json::json!(["service"]));
}
