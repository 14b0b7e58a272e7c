//! The real `forge-emulator --kind gitlab`, driven over raw HTTP the way GitLab v4 clients
//! talk: `PRIVATE-TOKEN` and `Bearer` auth, scopes, projects by numeric id and by
//! URL-encoded path, GitLab's pagination headers, duplicate and validation bodies, archive
//! as its own call (and `PUT archived` ignored, as GitLab does), rate-limit headers and
//! faults in GitLab's dialect.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

struct Emu(Child, String);

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        for _ in 0..250 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Emu {
    fn start() -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut child = Command::new(env!("CARGO_BIN_EXE_forge-emulator"))
            .args([
                "--kind",
                "gitlab",
                "--listen",
                "127.0.0.1:0",
                "--user",
                "alice:t-alice",
                "--user",
                "bob:t-bob:read_api",
                "--org",
                "acme",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_string();
        Self(child, base)
    }

    fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Response {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}/api/v4{path}", self.1)
        };
        let mut r = Client::new()
            .request(method, url)
            .header("private-token", token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().unwrap()
    }

    fn get(&self, path: &str) -> Response {
        self.call(Method::GET, path, "t-alice", None)
    }

    fn send(&self, method: Method, path: &str, body: Value) -> Response {
        self.call(method, path, "t-alice", Some(body))
    }
}

fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no `{name}` header"))
}

fn group_id(emu: &Emu) -> u64 {
    emu.get("/groups/acme").json::<Value>().unwrap()["id"]
        .as_u64()
        .unwrap()
}

#[test]
fn auth_schemes_scopes_and_rate_limit_headers() {
    let emu = Emu::start();
    let me = emu.get("/user");
    assert_eq!(me.status(), 200);
    assert_eq!(header(&me, "ratelimit-limit"), "5000");
    assert!(header(&me, "ratelimit-remaining").parse::<u64>().unwrap() < 5000);
    assert!(header(&me, "ratelimit-reset").parse::<u64>().is_ok());
    let me: Value = me.json().unwrap();
    assert_eq!(
        (me["username"].as_str(), me["id"].as_u64()),
        (Some("alice"), Some(1))
    );
    let bearer = Client::new()
        .get(format!("{}/api/v4/user", emu.1))
        .bearer_auth("t-alice")
        .send()
        .unwrap();
    assert_eq!(bearer.status(), 200);
    let github_style = Client::new()
        .get(format!("{}/api/v4/user", emu.1))
        .header("authorization", "token t-alice")
        .send()
        .unwrap();
    assert_eq!(github_style.status(), 401, "GitLab takes no `token` scheme");
    let wrong = emu.call(Method::GET, "/user", "nope", None);
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().unwrap()["message"],
        "401 Unauthorized"
    );
    let token: Value = emu.get("/personal_access_tokens/self").json().unwrap();
    assert_eq!(token["scopes"], json!(["api"]));
    assert!(token["expires_at"].is_null());
    let reader = emu.call(
        Method::POST,
        "/projects",
        "t-bob",
        Some(json!({"name": "x"})),
    );
    assert_eq!(reader.status(), 403, "read_api may not write");
    assert_eq!(
        reader.json::<Value>().unwrap()["error"],
        "insufficient_scope"
    );
    assert_eq!(
        emu.call(Method::GET, "/groups/acme/projects", "t-bob", None)
            .status(),
        200
    );
}

#[test]
fn projects_by_id_and_path_duplicates_and_validation() {
    let emu = Emu::start();
    let gid = group_id(&emu);
    let body = json!({"name": "Code Base", "path": "code", "namespace_id": gid, "description": "d", "visibility": "public"});
    let created = emu.send(Method::POST, "/projects", body.clone());
    assert_eq!(created.status(), 201);
    let p: Value = created.json().unwrap();
    assert_eq!(p["name"], "Code Base");
    assert_eq!(p["path"], "code");
    assert_eq!(p["path_with_namespace"], "acme/code");
    assert_eq!(p["namespace"]["full_path"], "acme");
    assert_eq!(p["namespace"]["kind"], "group");
    assert_eq!(p["visibility"], "public");
    assert_eq!(p["http_url_to_repo"], format!("{}/acme/code.git", emu.1));
    assert_eq!(p["web_url"], format!("{}/acme/code", emu.1));
    let id = p["id"].as_u64().unwrap();
    let by_path: Value = emu.get("/projects/acme%2Fcode").json().unwrap();
    let by_id: Value = emu.get(&format!("/projects/{id}")).json().unwrap();
    assert_eq!(by_path, by_id);
    let dup = emu.send(Method::POST, "/projects", body);
    assert_eq!(dup.status(), 400);
    assert_eq!(
        dup.json::<Value>().unwrap()["message"]["name"],
        json!(["has already been taken"])
    );
    let mine: Value = emu
        .send(Method::POST, "/projects", json!({"name": "solo"}))
        .json()
        .unwrap();
    assert_eq!(mine["path_with_namespace"], "alice/solo");
    assert_eq!(mine["visibility"], "private", "GitLab's default visibility");
    let by_name = emu.send(
        Method::POST,
        "/projects",
        json!({"path": "x", "namespace_id": "acme"}),
    );
    assert_eq!(by_name.status(), 201, "a namespace by path");
    let bad = emu.send(
        Method::POST,
        "/projects",
        json!({"path": "a b", "namespace_id": gid}),
    );
    assert_eq!(bad.status(), 400);
    assert!(bad.json::<Value>().unwrap()["message"]["path"].is_array());
    assert_eq!(emu.get("/projects/acme%2Fnope").status(), 404);
    assert_eq!(emu.get("/groups/nope/projects").status(), 404);
    assert_eq!(
        emu.get("/users/alice/projects")
            .json::<Value>()
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn pagination_headers_and_links() {
    let emu = Emu::start();
    for i in 0..45 {
        let r = emu.send(
            Method::POST,
            "/projects",
            json!({"path": format!("p{i:02}"), "namespace_id": "acme"}),
        );
        assert_eq!(r.status(), 201);
    }
    let first = emu.get("/groups/acme/projects");
    assert_eq!(
        header(&first, "x-per-page"),
        "20",
        "GitLab's default page size"
    );
    assert_eq!(header(&first, "x-page"), "1");
    assert_eq!(header(&first, "x-next-page"), "2");
    assert_eq!(header(&first, "x-prev-page"), "");
    assert_eq!(header(&first, "x-total"), "45");
    assert_eq!(header(&first, "x-total-pages"), "3");
    let page: Vec<Value> = first.json().unwrap();
    assert_eq!(page.len(), 20);
    assert_eq!(page[0]["path"], "p44", "newest first");
    let last = emu.get("/groups/acme/projects?per_page=20&page=3&sort=asc");
    assert_eq!(header(&last, "x-next-page"), "");
    let link = header(&last, "link");
    assert!(
        link.contains("page=2") && link.contains("rel=\"prev\""),
        "{link}"
    );
    assert!(!link.contains("rel=\"next\""), "{link}");
    let page: Vec<Value> = last.json().unwrap();
    assert_eq!(
        page.iter()
            .map(|p| p["path"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["p40", "p41", "p42", "p43", "p44"]
    );
    let big = emu.get("/groups/acme/projects?per_page=1000");
    assert_eq!(header(&big, "x-per-page"), "100", "at most 100 a page");
    let mut seen = 0;
    let mut next = Some(format!("{}/api/v4/groups/acme/projects?per_page=7", emu.1));
    while let Some(url) = next.take() {
        let r = emu.get(&url);
        next = header(&r, "link")
            .split(',')
            .find(|p| p.contains("rel=\"next\""))
            .map(|p| {
                p.trim()
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_string()
            });
        seen += r.json::<Vec<Value>>().unwrap().len();
    }
    assert_eq!(seen, 45);
}

#[test]
fn rename_archive_and_delete() {
    let emu = Emu::start();
    let made: Value = emu
        .send(
            Method::POST,
            "/projects",
            json!({"path": "old", "namespace_id": "acme"}),
        )
        .json()
        .unwrap();
    let id = made["id"].as_u64().unwrap();
    let put = emu.send(
        Method::PUT,
        "/projects/acme%2Fold",
        json!({"name": "new", "path": "new", "visibility": "public", "description": "x"}),
    );
    assert_eq!(put.status(), 200);
    let p: Value = put.json().unwrap();
    assert_eq!(
        (p["path"].as_str(), p["visibility"].as_str()),
        (Some("new"), Some("public"))
    );
    assert_eq!(
        emu.get("/projects/acme%2Fold").json::<Value>().unwrap()["id"],
        id,
        "the old path follows"
    );
    let ignored: Value = emu
        .send(
            Method::PUT,
            &format!("/projects/{id}"),
            json!({"archived": true}),
        )
        .json()
        .unwrap();
    assert_eq!(
        ignored["archived"], false,
        "GitLab's PUT ignores `archived`"
    );
    let archived = emu.send(Method::POST, &format!("/projects/{id}/archive"), json!({}));
    assert_eq!(archived.status(), 201);
    assert_eq!(archived.json::<Value>().unwrap()["archived"], true);
    let listed: Vec<Value> = emu
        .get("/groups/acme/projects?archived=false")
        .json()
        .unwrap();
    assert!(listed.is_empty());
    let again = emu.send(Method::POST, &format!("/projects/{id}/archive"), json!({}));
    assert_eq!(again.status(), 201, "archiving twice is no error");
    let un = emu.send(Method::POST, "/projects/acme%2Fnew/unarchive", json!({}));
    assert_eq!(un.json::<Value>().unwrap()["archived"], false);
    let reader = emu.call(Method::DELETE, &format!("/projects/{id}"), "t-bob", None);
    assert_eq!(reader.status(), 403);
    let gone = emu.call(Method::DELETE, &format!("/projects/{id}"), "t-alice", None);
    assert_eq!(gone.status(), 202);
    assert_eq!(emu.get(&format!("/projects/{id}")).status(), 404);
}

#[test]
fn faults_answer_in_gitlab_dialect() {
    let emu = Emu::start();
    let arm = |f: Value| {
        let r = Client::new()
            .post(format!("{}/_emulator/faults", emu.1))
            .bearer_auth("t-alice")
            .json(&f)
            .send()
            .unwrap();
        assert_eq!(r.status(), 201);
    };
    arm(json!({"rate_limit": true, "count": 1, "retry_after": 3}));
    let limited = emu.get("/user");
    assert_eq!(limited.status(), 429);
    assert_eq!(header(&limited, "retry-after"), "3");
    assert_eq!(header(&limited, "ratelimit-remaining"), "0");
    assert!(header(&limited, "ratelimit-reset").parse::<u64>().is_ok());
    arm(json!({"status": 502, "count": 1}));
    let failed = emu.get("/user");
    assert_eq!(failed.status(), 502);
    assert_eq!(
        failed.json::<Value>().unwrap()["message"],
        "502 Bad Gateway"
    );
    assert_eq!(emu.get("/user").status(), 200);
}
