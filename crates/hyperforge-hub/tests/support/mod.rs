//! Test support: two emulated forges (GitHub and Gitea kinds), a config directory naming
//! them, the hub serving it on a free loopback port in a thread, and an HTTP client that
//! checks every response it reads for token values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    reason = "test support: a panic is a failed test; not every test file uses every helper"
)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hyperforge_forge::{Dialect, Forge, NewRepo, RestForge, RetryPolicy};
use hyperforge_hub::{HubError, HubFactory, Stop, serve_until};
use hyperforge_ops::{HttpSettings, Hub, Secret, Secrets};
use hyperforge_state::Store;
use serde_json::{Value, json};

/// The hub's bearer token.
pub const HUB_TOKEN: &str = "hub-token-5f1c9e2b7a4d";
/// alice's token on the GitHub-kind emulator.
pub const GH_TOKEN: &str = "ghp_alice_0123456789abcdef";
/// alice's token on the Gitea-kind emulator.
pub const CB_TOKEN: &str = "gitea_alice_fedcba9876543210";

/// Every token value a response must never contain.
pub fn secrets() -> [&'static str; 3] {
    [HUB_TOKEN, GH_TOKEN, CB_TOKEN]
}

/// A running `forge-emulator`.
pub struct Emulator {
    child: Child,
    /// Its API base URL.
    pub base: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Starts an emulator of `kind` with user alice (token `token`) and org acme.
pub fn emulator(kind: &str, token: &str) -> Emulator {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "hyperforge-emulator"])
            .status()
            .unwrap()
            .success();
        assert!(ok, "building the emulator failed");
    });
    let exe = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("forge-emulator");
    let user = format!("alice:{token}");
    let mut child = Command::new(exe)
        .args(["--kind", kind, "--listen", "127.0.0.1:0", "--user", &user])
        .args(["--org", "acme:alice"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let api = if kind == "github" {
        "/api/v3"
    } else {
        "/api/v1"
    };
    Emulator {
        child,
        base: format!("{url}{api}"),
    }
}

/// A direct client of an emulator (to set up and check what the forge holds).
pub fn forge(e: &Emulator, dialect: Dialect, token: &str) -> RestForge {
    let retry = RetryPolicy {
        attempts: 2,
        base: Duration::from_millis(10),
        max_wait: Duration::from_secs(1),
    };
    RestForge::new(dialect, &e.base, token, Duration::from_secs(10), retry).unwrap()
}

/// The config: forges `github` and `codeberg`, org `acme` on both.
pub fn config(gh: &Emulator, cb: &Emulator) -> String {
    format!(
        "version: 1\nforges:\n  github:\n    kind: github\n    api_url: {}\n    token: env:GH_TOKEN\n  codeberg:\n    kind: gitea\n    api_url: {}\n    token: env:CB_TOKEN\norgs:\n  acme:\n    owner: alice\n    forges: [codeberg, github]\n    origin: github\n",
        gh.base, cb.base
    )
}

/// The hub's HTTP client.
pub fn http() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A `Hub` factory over `dir`, reading environment variables from `env`.
pub fn factory(dir: std::path::PathBuf, env: Arc<Mutex<HashMap<String, String>>>) -> HubFactory {
    Arc::new(move || {
        let env = Arc::clone(&env);
        Ok(Hub {
            store: Store::open(&dir)?,
            env: Arc::new(move |k| env.lock().unwrap().get(k).cloned()),
            secrets: Secrets::new(&dir, None),
            http: HttpSettings {
                timeout: Duration::from_secs(10),
                retry: RetryPolicy {
                    attempts: 2,
                    base: Duration::from_millis(10),
                    max_wait: Duration::from_secs(1),
                },
            },
            max_fraction: 0.25,
            clock: Arc::new(|| "2026-11-28T12:00:00Z".to_string()),
            home: None,
            ssh_config: None,
            interrupt: infra_process::Interrupt::none(),
        })
    })
}

/// A hub serving in a thread.
pub struct Server {
    /// Its address.
    pub addr: SocketAddr,
    stop: Stop,
    thread: Option<JoinHandle<Result<(), HubError>>>,
}

impl Server {
    /// Serves `factory` on a free loopback port.
    pub fn start(factory: HubFactory) -> Self {
        let stop = Stop::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
            let ready = move |addr| tx.send(addr).unwrap();
            serve_until(factory, listen, Secret::new(HUB_TOKEN), ready, s)
        });
        let addr = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        Self {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops it and returns what `serve_until` returned.
    pub fn shut_down(&mut self) -> Result<(), HubError> {
        self.stop.stop();
        self.thread.take().map_or(Ok(()), |t| t.join().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

/// Two emulated forges, a config directory, a hub serving it, a client.
pub struct Fixture {
    pub server: Server,
    pub gh: RestForge,
    pub cb: RestForge,
    pub dir: tempfile::TempDir,
    pub env: Arc<Mutex<HashMap<String, String>>>,
    pub client: reqwest::blocking::Client,
    /// The GitHub-kind and the Gitea-kind emulator.
    pub emulators: (Emulator, Emulator),
}

impl Fixture {
    pub fn new() -> Self {
        let (gh, cb) = (emulator("github", GH_TOKEN), emulator("gitea", CB_TOKEN));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), config(&gh, &cb)).unwrap();
        let env = Arc::new(Mutex::new(HashMap::from([
            ("GH_TOKEN".to_string(), GH_TOKEN.to_string()),
            ("CB_TOKEN".to_string(), CB_TOKEN.to_string()),
        ])));
        let server = Server::start(factory(dir.path().to_path_buf(), Arc::clone(&env)));
        Self {
            server,
            gh: forge(&gh, Dialect::GitHub, GH_TOKEN),
            cb: forge(&cb, Dialect::Gitea, CB_TOKEN),
            dir,
            env,
            client: http(),
            emulators: (gh, cb),
        }
    }

    /// Every request to the Gitea-kind emulator from now on takes `ms` longer.
    pub fn slow_gitea(&self, ms: u64) {
        let root = self.emulators.1.base.trim_end_matches("/api/v1");
        let resp = self
            .client
            .post(format!("{root}/_emulator/faults"))
            .bearer_auth(CB_TOKEN)
            .body(json!({"latency_ms": ms}).to_string())
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "{:?}", resp.text());
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    /// POSTs `body` to /rpc with the token (and `accept` when given): status and body,
    /// the body checked for token values.
    pub fn post(&self, body: &str, accept: Option<&str>) -> (u16, String) {
        let mut req = self
            .client
            .post(self.url("/rpc"))
            .bearer_auth(HUB_TOKEN)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(a) = accept {
            req = req.header("accept", a);
        }
        let resp = req.send().unwrap();
        let status = resp.status().as_u16();
        (status, checked(resp.text().unwrap()))
    }

    /// The JSON-RPC response to `method` with `params` (id 1).
    pub fn call(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
        let (status, text) = self.post(&body.to_string(), None);
        assert_eq!(status, 200, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["jsonrpc"], "2.0", "{v}");
        assert_eq!(v["id"], 1, "{v}");
        v
    }

    /// The result of a call that must succeed.
    pub fn ok(&self, method: &str, params: Value) -> Value {
        let v = self.call(method, params);
        assert!(v.get("error").is_none(), "{method} failed: {v}");
        v["result"].clone()
    }

    /// The error of a call that must fail.
    pub fn err(&self, method: &str, params: Value) -> Value {
        let v = self.call(method, params);
        assert!(v.get("result").is_none(), "{method} did not fail: {v}");
        v["error"].clone()
    }

    /// The NDJSON lines of a streamed call, each as it was read.
    pub fn stream(&self, method: &str, params: Value) -> Vec<Value> {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 7});
        let resp = self
            .client
            .post(self.url("/rpc"))
            .bearer_auth(HUB_TOKEN)
            .header("accept", "application/x-ndjson")
            .body(body.to_string())
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(
            resp.headers()["content-type"].to_str().unwrap(),
            "application/x-ndjson"
        );
        let mut text = String::new();
        BufReader::new(resp).read_to_string(&mut text).unwrap();
        checked(text)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Repository names alice has on `f`.
    pub fn names(f: &dyn Forge) -> Vec<String> {
        let mut v: Vec<String> = f
            .list_repos("alice")
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        v.sort();
        v
    }

    /// Creates `name` on `f` directly.
    pub fn seed(f: &dyn Forge, name: &str, description: Option<&str>) {
        f.create_repo(
            "alice",
            &NewRepo {
                name: name.into(),
                description: description.map(Into::into),
                private: false,
            },
        )
        .unwrap();
    }
}

/// `text`, after checking that no token value is in it.
pub fn checked(text: String) -> String {
    for s in secrets() {
        assert!(!text.contains(s), "a token value in a response: {text}");
    }
    text
}
