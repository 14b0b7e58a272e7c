//! The real `forge-emulator` binary, driven over HTTP and with real `git`: the start-up
//! contract, auth, pagination, create/rename/archive/delete, ETags, every fault kind, a
//! push and clone round trip, SIGTERM and persistence across a restart.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

struct Emu {
    child: Child,
    base: String,
    first_line: String,
}

impl Emu {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_forge-emulator"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let first_line = line.trim_end().to_string();
        let base = first_line
            .strip_prefix("listening on ")
            .expect(&first_line)
            .to_string();
        Self {
            child,
            base,
            first_line,
        }
    }

    fn github() -> Self {
        Self::start(&[
            "--kind",
            "github",
            "--listen",
            "127.0.0.1:0",
            "--user",
            "alice:t-alice",
            "--user",
            "bob:t-bob:repo",
            "--org",
            "acme",
        ])
    }

    fn gitea() -> Self {
        Self::start(&[
            "--kind",
            "gitea",
            "--listen",
            "127.0.0.1:0",
            "--user",
            "alice:t-alice",
            "--org",
            "acme:alice",
        ])
    }

    fn api(&self) -> String {
        if self.base.is_empty() {
            String::new()
        } else {
            format!("{}/api/v3", self.base)
        }
    }

    fn req(&self, method: reqwest::Method, url: &str, token: &str) -> RequestBuilder {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{url}", self.base)
        };
        client()
            .request(method, url)
            .header("authorization", format!("token {token}"))
    }

    fn get(&self, url: &str) -> Response {
        self.req(reqwest::Method::GET, url, "t-alice")
            .send()
            .unwrap()
    }

    fn post(&self, url: &str, body: Value) -> Response {
        self.req(reqwest::Method::POST, url, "t-alice")
            .json(&body)
            .send()
            .unwrap()
    }

    fn patch(&self, url: &str, body: Value) -> Response {
        self.req(reqwest::Method::PATCH, url, "t-alice")
            .json(&body)
            .send()
            .unwrap()
    }

    fn fault(&self, fault: Value) {
        let r = self.post("/_emulator/faults", fault);
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    }

    /// SIGTERM and the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "the emulator did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        terminate(&mut self.child);
    }
}

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn json(r: Response) -> Value {
    r.json().unwrap()
}

fn link(r: &Response, rel: &str) -> Option<String> {
    let header = r.headers().get("link")?.to_str().unwrap().to_string();
    header
        .split(',')
        .find(|p| p.contains(&format!("rel=\"{rel}\"")))
        .map(|p| {
            let p = p.trim();
            p[p.find('<').unwrap() + 1..p.find('>').unwrap()].to_string()
        })
}

#[test]
fn start_up_line_port_zero_and_sigterm() {
    let emu = Emu::github();
    assert!(
        emu.first_line.starts_with("listening on http://127.0.0.1:"),
        "{}",
        emu.first_line
    );
    let port: u16 = emu.first_line.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    assert_eq!(emu.get("/api/v3/user").status(), 200);
    let status = emu.stop();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_flags_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_forge-emulator"))
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn auth_with_token_and_bearer() {
    let emu = Emu::github();
    let url = format!("{}/user", emu.api());
    let none = client().get(&url).send().unwrap();
    assert_eq!(none.status(), 401);
    for scheme in ["token", "Bearer"] {
        let bad = client()
            .get(&url)
            .header("authorization", format!("{scheme} nope"))
            .send()
            .unwrap();
        assert_eq!(bad.status(), 401);
        assert_eq!(json(bad)["message"], "Bad credentials");
        let ok = client()
            .get(&url)
            .header("authorization", format!("{scheme} t-alice"))
            .send()
            .unwrap();
        assert_eq!(ok.status(), 200);
        assert_eq!(
            ok.headers()["x-oauth-scopes"],
            "repo, delete_repo, read:org, user"
        );
        assert_eq!(ok.headers()["x-ratelimit-resource"], "core");
        assert_eq!(json(ok)["login"], "alice");
    }
    let bob = emu
        .req(reqwest::Method::GET, "/api/v3/user", "t-bob")
        .send()
        .unwrap();
    assert_eq!(bob.headers()["x-oauth-scopes"], "repo");
    let gitea = Emu::gitea();
    let url = format!("{}/api/v1/user", gitea.base);
    assert_eq!(client().get(&url).send().unwrap().status(), 401);
    let ok = client()
        .get(&url)
        .header("authorization", "token t-alice")
        .send()
        .unwrap();
    assert_eq!(json(ok)["username"], "alice");
}

#[test]
fn github_pagination_over_250_repos() {
    let emu = Emu::github();
    for i in 0..250 {
        let r = emu.post(
            "/api/v3/orgs/acme/repos",
            json!({"name": format!("repo-{i:03}"), "private": i % 2 == 0}),
        );
        assert_eq!(r.status(), 201);
    }
    let mut url = format!("{}/orgs/acme/repos?per_page=100", emu.api());
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = emu.get(&url);
        assert_eq!(r.status(), 200);
        pages += 1;
        if pages == 1 {
            assert!(link(&r, "prev").is_none());
            assert!(link(&r, "last").unwrap().ends_with("per_page=100&page=3"));
        } else {
            assert!(link(&r, "first").unwrap().ends_with("page=1"));
        }
        let next = link(&r, "next");
        let body = json(r);
        seen.extend(
            body.as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_string()),
        );
        match next {
            Some(n) => url = n,
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (250, 250));
    let small = emu.get("/api/v3/orgs/acme/repos");
    assert_eq!(
        json(small).as_array().unwrap().len(),
        30,
        "the default page is 30"
    );
    let huge = emu.get("/api/v3/orgs/acme/repos?per_page=500");
    assert_eq!(
        json(huge).as_array().unwrap().len(),
        100,
        "per_page is capped at 100"
    );
    let public = emu.get("/api/v3/users/acme/repos?per_page=100&page=2");
    assert_eq!(
        json(public).as_array().unwrap().len(),
        25,
        "only public repos, 125 in all"
    );
}

#[test]
fn gitea_pagination_and_total_count() {
    let emu = Emu::gitea();
    for i in 0..120 {
        let r = emu.post("/api/v1/orgs/acme/repos", json!({"name": format!("r{i}")}));
        assert_eq!(r.status(), 201);
    }
    let mut seen = 0;
    for page in 1..=3 {
        let r = emu.get(&format!("/api/v1/orgs/acme/repos?limit=50&page={page}"));
        assert_eq!(r.headers()["x-total-count"], "120");
        assert_eq!(link(&r, "next").is_some(), page < 3);
        seen += json(r).as_array().unwrap().len();
    }
    assert_eq!(seen, 120);
}

#[test]
fn duplicates_are_422_on_github_and_409_on_gitea() {
    let emu = Emu::github();
    assert_eq!(
        emu.post("/api/v3/user/repos", json!({"name": "dup"}))
            .status(),
        201
    );
    let r = emu.post("/api/v3/user/repos", json!({"name": "dup"}));
    assert_eq!(r.status(), 422);
    let body = json(r);
    assert_eq!(body["message"], "Repository creation failed.");
    assert_eq!(
        body["errors"],
        json!([{"resource":"Repository","code":"custom","field":"name","message":"name already exists on this account"}])
    );
    assert_eq!(
        emu.post("/api/v3/orgs/nope/repos", json!({"name": "x"}))
            .status(),
        404
    );
    let gitea = Emu::gitea();
    assert_eq!(
        gitea
            .post("/api/v1/user/repos", json!({"name": "dup"}))
            .status(),
        201
    );
    assert_eq!(
        gitea
            .post("/api/v1/user/repos", json!({"name": "dup"}))
            .status(),
        409
    );
}

#[test]
fn github_refuses_long_or_control_character_descriptions_with_422() {
    let emu = Emu::github();
    for (description, words) in [
        (
            "d".repeat(351),
            "description is too long (maximum is 350 characters)",
        ),
        (
            "a\nb".to_string(),
            "description control characters are not allowed",
        ),
    ] {
        let r = emu.post(
            "/api/v3/user/repos",
            json!({"name": "x", "description": description}),
        );
        assert_eq!(r.status(), 422);
        let body = json(r);
        assert_eq!(body["message"], "Validation Failed");
        assert_eq!(body["errors"][0]["field"], "description");
        assert_eq!(body["errors"][0]["message"], words);
    }
    let ok = "é".repeat(350);
    let r = emu.post(
        "/api/v3/user/repos",
        json!({"name": "x", "description": ok}),
    );
    assert_eq!(r.status(), 201);
    let r = emu.patch(
        "/api/v3/repos/alice/x",
        json!({"description": "a\u{1b}[31m"}),
    );
    assert_eq!(r.status(), 422);
    assert_eq!(json(r)["errors"][0]["field"], "description");
    // Gitea's limit (2048 characters) is far above GitHub's, and it takes control characters.
    let gitea = Emu::gitea();
    let r = gitea.post(
        "/api/v1/user/repos",
        json!({"name": "x", "description": "d".repeat(351) + "\u{202e}\u{1b}"}),
    );
    assert_eq!(r.status(), 201);
}

#[test]
fn rename_redirects_the_old_name() {
    let emu = Emu::github();
    let created = json(emu.post(
        "/api/v3/orgs/acme/repos",
        json!({"name": "old", "description": "d"}),
    ));
    let id = created["id"].as_u64().unwrap();
    let r = emu.patch(
        "/api/v3/repos/acme/old",
        json!({"name": "new", "private": true}),
    );
    assert_eq!(r.status(), 200);
    let body = json(r);
    assert_eq!(
        (body["name"].as_str(), body["visibility"].as_str()),
        (Some("new"), Some("private"))
    );
    let old = emu.get("/api/v3/repos/acme/old");
    assert_eq!(old.status(), 301);
    let location = old.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("{}/repositories/{id}", emu.api()));
    assert_eq!(json(emu.get(&location))["full_name"], "acme/new");
    assert_eq!(emu.get("/api/v3/repos/acme/new").status(), 200);
    assert_eq!(emu.get("/api/v3/repos/acme/never").status(), 404);
}

#[test]
fn etag_gives_304() {
    let emu = Emu::github();
    emu.post("/api/v3/user/repos", json!({"name": "e"}));
    let r = emu.get("/api/v3/repos/alice/e");
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let again = emu
        .req(reqwest::Method::GET, "/api/v3/repos/alice/e", "t-alice")
        .header("if-none-match", &tag)
        .send()
        .unwrap();
    assert_eq!(again.status(), 304);
    emu.patch("/api/v3/repos/alice/e", json!({"description": "changed"}));
    let changed = emu
        .req(reqwest::Method::GET, "/api/v3/repos/alice/e", "t-alice")
        .header("if-none-match", &tag)
        .send()
        .unwrap();
    assert_eq!(changed.status(), 200);
}

#[test]
fn delete_needs_the_scope_and_removes_the_repo() {
    let emu = Emu::github();
    emu.post("/api/v3/orgs/acme/repos", json!({"name": "gone"}));
    let bob = emu
        .req(reqwest::Method::DELETE, "/api/v3/repos/acme/gone", "t-bob")
        .send()
        .unwrap();
    assert_eq!(
        bob.status(),
        403,
        "bob sees the public repo but may not delete it"
    );
    let r = emu
        .req(
            reqwest::Method::DELETE,
            "/api/v3/repos/acme/gone",
            "t-alice",
        )
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(emu.get("/api/v3/repos/acme/gone").status(), 404);
    let listed = json(emu.get("/api/v3/orgs/acme/repos"));
    assert!(listed.as_array().unwrap().is_empty());
}

#[test]
fn each_fault_kind() {
    let emu = Emu::github();
    let unauthorised = client()
        .post(format!("{}/_emulator/faults", emu.base))
        .header("authorization", "token t-bob")
        .json(&json!({"status": 500}))
        .send()
        .unwrap();
    assert_eq!(unauthorised.status(), 401);
    emu.fault(json!({"status": 502, "count": 2, "path_prefix": "/api/v3/user"}));
    assert_eq!(emu.get("/api/v3/user").status(), 502);
    assert_eq!(emu.get("/api/v3/user").status(), 502);
    assert_eq!(
        emu.get("/api/v3/user").status(),
        200,
        "the count is used up"
    );
    emu.fault(json!({"rate_limit": true, "count": 1, "retry_after": 2}));
    let r = emu.get("/api/v3/user");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    emu.fault(json!({"secondary_rate_limit": true, "count": 1}));
    let r = emu.get("/api/v3/user");
    assert_eq!(r.status(), 403);
    assert!(r.headers().contains_key("retry-after"));
    assert!(
        json(r)["message"]
            .as_str()
            .unwrap()
            .contains("secondary rate limit")
    );
    emu.fault(json!({"latency_ms": 300, "count": 1}));
    let start = Instant::now();
    assert_eq!(emu.get("/api/v3/user").status(), 200);
    assert!(start.elapsed() >= Duration::from_millis(300));
    emu.fault(json!({"reset": true, "count": 1}));
    let err = emu
        .req(reqwest::Method::GET, "/api/v3/user", "t-alice")
        .send();
    assert!(err.is_err(), "the connection is dropped");
    assert_eq!(emu.get("/api/v3/user").status(), 200);
    emu.fault(json!({"status": 503}));
    let list = json(
        emu.req(reqwest::Method::GET, "/_emulator/faults", "t-alice")
            .send()
            .unwrap(),
    );
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        emu.req(reqwest::Method::DELETE, "/_emulator/faults", "t-alice")
            .send()
            .unwrap()
            .status(),
        204
    );
    assert_eq!(emu.get("/api/v3/user").status(), 200);
}

fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap()
}

fn push_commit(emu: &Emu, dir: &Path, repo: &str, token: &str) -> std::process::Output {
    let work = dir.join(format!("work-{}-{token}", repo.replace('/', "-")));
    std::fs::create_dir_all(&work).unwrap();
    assert!(git(&work, &["init", "-q", "-b", "main"]).status.success());
    std::fs::write(work.join("README"), "hello\n").unwrap();
    git(&work, &["add", "README"]);
    assert!(git(&work, &["commit", "-qm", "first"]).status.success());
    let url = emu.base.replace("http://", &format!("http://x:{token}@"));
    git(&work, &["push", "-q", &format!("{url}/{repo}.git"), "main"])
}

#[test]
fn git_push_clone_round_trip_and_archive() {
    if !git_available() {
        return;
    }
    let emu = Emu::github();
    let dir = tempfile::tempdir().unwrap();
    emu.post("/api/v3/orgs/acme/repos", json!({"name": "code"}));
    let denied = push_commit(&emu, dir.path(), "acme/code", "t-bob");
    assert!(!denied.status.success(), "bob does not own acme");
    let pushed = push_commit(&emu, dir.path(), "acme/code", "t-alice");
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let clone = git(
        dir.path(),
        &[
            "clone",
            "-q",
            &format!("{}/acme/code.git", emu.base),
            "back",
        ],
    );
    assert!(
        clone.status.success(),
        "{}",
        String::from_utf8_lossy(&clone.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("back/README")).unwrap(),
        "hello\n"
    );
    assert_eq!(
        emu.patch("/api/v3/repos/acme/code", json!({"archived": true}))
            .status(),
        200
    );
    assert_eq!(
        emu.patch("/api/v3/repos/acme/code", json!({"description": "x"}))
            .status(),
        403
    );
    let back = dir.path().join("back");
    std::fs::write(back.join("more"), "more\n").unwrap();
    git(&back, &["add", "more"]);
    git(&back, &["commit", "-qm", "second"]);
    let url = emu.base.replace("http://", "http://x:t-alice@");
    let refused = git(
        &back,
        &["push", "-q", &format!("{url}/acme/code.git"), "main"],
    );
    assert!(
        !refused.status.success(),
        "an archived repository refuses pushes"
    );
    assert_eq!(
        emu.patch("/api/v3/repos/acme/code", json!({"archived": false}))
            .status(),
        200
    );
    let ok = git(
        &back,
        &["push", "-q", &format!("{url}/acme/code.git"), "main"],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let args = [
        "--kind",
        "gitea",
        "--listen",
        "127.0.0.1:0",
        "--user",
        "alice:t-alice",
        "--org",
        "acme",
        "--state",
        state.to_str().unwrap(),
    ];
    let emu = Emu::start(&args);
    assert_eq!(
        emu.post(
            "/api/v1/orgs/acme/repos",
            json!({"name": "kept", "private": true})
        )
        .status(),
        201
    );
    assert_eq!(
        emu.patch("/api/v1/repos/acme/kept", json!({"name": "kept2"}))
            .status(),
        200
    );
    if git_available() {
        assert!(
            push_commit(&emu, dir.path(), "acme/kept2", "t-alice")
                .status
                .success()
        );
    }
    assert_eq!(emu.stop().code(), Some(0));
    let emu = Emu::start(&args);
    let r = emu.get("/api/v1/repos/acme/kept2");
    assert_eq!(r.status(), 200);
    let body = json(r);
    assert_eq!(body["private"], true);
    assert!(body["clone_url"].as_str().unwrap().starts_with(&emu.base));
    assert_eq!(emu.get("/api/v1/repos/acme/kept").status(), 301);
    let refs = emu.get("/acme/kept.git/info/refs?service=git-upload-pack");
    assert_eq!(refs.status(), 301, "git URLs of the old name redirect too");
    let location = refs.headers()["location"].to_str().unwrap();
    assert!(location.ends_with("/acme/kept2.git/info/refs?service=git-upload-pack"));
    if git_available() {
        let url = format!(
            "{}/acme/kept2.git",
            emu.base.replace("http://", "http://x:t-alice@")
        );
        let c = git(dir.path(), &["clone", "-q", &url, "again"]);
        assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    }
}

/// SIGTERM (so the emulator removes its temporary state), then SIGKILL if it lingers.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    for _ in 0..250 {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
