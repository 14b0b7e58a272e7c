//! The hub over real HTTP against two emulated forges: authentication, health, the
//! operations (import, diff, staging, sync with and without `yes`, the safety flags),
//! NDJSON streaming, JSON-RPC error codes, concurrency on one org, the body limit,
//! loopback only, and no token value in any response.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    reason = "each test is one scenario, told in order"
)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyperforge_forge::Forge as _;
use hyperforge_hub::{HubError, Stop, serve, serve_until};
use hyperforge_ops::Secret;
use serde_json::{Value, json};
use support::{Fixture, HUB_TOKEN, checked};

#[test]
fn health_is_open_everything_else_needs_the_token() {
    let fx = Fixture::new();
    let health = fx.client.get(fx.url("/health")).send().unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let v: Value = serde_json::from_str(&health.text().unwrap()).unwrap();
    assert_eq!(v, json!({"status": "ok"}));
    let call = r#"{"jsonrpc":"2.0","method":"org.list","id":1}"#;
    let attempts = [
        None,
        Some("Bearer wrong-token-value".to_string()),
        Some(format!("Bearer {HUB_TOKEN}x")),
        Some(HUB_TOKEN.to_string()),
        Some(format!("Basic {HUB_TOKEN}")),
    ];
    for auth in &attempts {
        for (method, path) in [("POST", "/rpc"), ("GET", "/rpc"), ("GET", "/elsewhere")] {
            let mut req = fx
                .client
                .request(method.parse().unwrap(), fx.url(path))
                .body(call);
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            let resp = req.send().unwrap();
            assert_eq!(resp.status().as_u16(), 401, "{method} {path} with {auth:?}");
            assert_eq!(resp.text().unwrap(), "", "401 bodies are empty");
        }
    }
    let orgs = fx.ok("org.list", json!({}));
    assert_eq!(orgs[0]["name"], "acme", "{orgs}");
    let missing = fx
        .client
        .get(fx.url("/elsewhere"))
        .bearer_auth(HUB_TOKEN)
        .send()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

#[test]
fn import_then_diff_is_empty() {
    let fx = Fixture::new();
    Fixture::seed(&fx.gh, "api", Some("the API"));
    Fixture::seed(&fx.cb, "api", Some("the API"));
    Fixture::seed(&fx.gh, "docs", None);
    let before = fx.ok("repos.diff", json!({"org": "acme"}));
    assert_eq!(
        before["untracked_remote"].as_array().unwrap().len(),
        3,
        "{before}"
    );
    let imported = fx.ok("org.import", json!({"org": "acme"}));
    assert_eq!(imported, json!({"org": "acme", "repos": ["api", "docs"]}));
    let diff = fx.ok("repos.diff", json!({"org": "acme"}));
    for key in ["to_create", "to_update", "to_delete", "untracked_remote"] {
        assert_eq!(diff[key], json!([]), "{key}: {diff}");
    }
    assert_eq!(diff["in_sync"], json!(["api", "docs"]));
    assert_eq!(diff["org"], "acme");
    let listed = fx.ok("repos.list", json!({"org": "acme"}));
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    // Without an org and no default org in config.yaml: the param is required.
    let required = fx.err("repos.diff", json!({}));
    assert_eq!(required["data"]["field"], "org", "{required}");
    // The default org when none is given (config.yaml re-read: a fresh Hub per request).
    let path = fx.dir.path().join("config.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}default_org: acme\n")).unwrap();
    let by_default = fx.ok("repos.diff", json!({}));
    assert_eq!(
        by_default["in_sync"],
        json!(["api", "docs"]),
        "{by_default}"
    );
}

#[test]
fn a_staged_create_is_synced_to_both_forges_only_with_yes() {
    let fx = Fixture::new();
    fx.ok("org.import", json!({"org": "acme"}));
    let staged = fx.ok(
        "repos.create",
        json!({"org": "acme", "repo": "new-repo", "description": "a new one"}),
    );
    assert_eq!(
        staged,
        json!({"org": "acme", "repo": "new-repo", "staged": "create"})
    );
    let diff = fx.ok("repos.diff", json!({"org": "acme"}));
    assert_eq!(diff["to_create"].as_array().unwrap().len(), 2, "{diff}");
    let refused = fx.err("repos.sync", json!({"org": "acme"}));
    assert_eq!(refused["code"], -32001, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("yes"),
        "{refused}"
    );
    let dry = fx.ok("repos.sync", json!({"org": "acme", "dry_run": true}));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        dry["plan"]["to_create"].as_array().unwrap().len(),
        2,
        "{dry}"
    );
    assert!(dry.get("applied").is_none(), "{dry}");
    assert!(
        Fixture::names(&fx.gh).is_empty(),
        "nothing created without yes"
    );
    assert!(
        Fixture::names(&fx.cb).is_empty(),
        "nothing created without yes"
    );
    let done = fx.ok("repos.sync", json!({"org": "acme", "yes": true}));
    assert_eq!(
        done["applied"]["synced"],
        json!(["codeberg/new-repo", "github/new-repo"]),
        "{done}"
    );
    assert_eq!(Fixture::names(&fx.gh), ["new-repo"]);
    assert_eq!(Fixture::names(&fx.cb), ["new-repo"]);
    let after = fx.ok("repos.diff", json!({"org": "acme"}));
    assert_eq!(after["to_create"], json!([]), "{after}");
    assert_eq!(after["in_sync"], json!(["new-repo"]), "{after}");
    let repos = fx.ok("repos.list", json!({"org": "acme"}));
    assert_eq!(repos[0]["synced"], json!(["codeberg", "github"]), "{repos}");
    assert!(repos[0].get("staged").is_none(), "merged: {repos}");
}

#[test]
fn streamed_events_come_before_the_final_response_line() {
    let fx = Fixture::new();
    fx.ok("repos.create", json!({"org": "acme", "repo": "streamed"}));
    let lines = fx.stream("repos.sync", json!({"org": "acme", "yes": true}));
    let (last, events) = lines.split_last().unwrap();
    assert_eq!(last["jsonrpc"], "2.0", "{last}");
    assert_eq!(last["id"], 7);
    assert_eq!(
        last["result"]["applied"]["synced"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    for t in ["refreshed", "planned", "step", "captured"] {
        assert!(types.contains(&t), "no {t} event in {types:?}");
    }
    assert_eq!(
        types.iter().filter(|t| **t == "step").count(),
        2,
        "{types:?}"
    );
    assert!(events.iter().all(|e| e.get("jsonrpc").is_none()));
    // Lines are sent as the operation goes, not gathered until it ends: with a slow
    // forge, the first event arrives well before the response line.
    fx.ok("repos.create", json!({"org": "acme", "repo": "slow"}));
    fx.slow_gitea(400);
    let started = Instant::now();
    let resp = fx
        .client
        .post(fx.url("/rpc"))
        .bearer_auth(HUB_TOKEN)
        .header("accept", "application/x-ndjson")
        .body(json!({"jsonrpc": "2.0", "method": "repos.sync", "params": {"org": "acme", "yes": true}, "id": 8}).to_string())
        .send()
        .unwrap();
    let mut arrivals = Vec::new();
    for line in BufReader::new(resp).lines() {
        let line = checked(line.unwrap());
        arrivals.push((
            started.elapsed(),
            serde_json::from_str::<Value>(&line).unwrap(),
        ));
    }
    let (first, last) = (&arrivals[0], arrivals.last().unwrap());
    assert!(
        first.1.get("type").is_some() && last.1.get("result").is_some(),
        "{arrivals:?}"
    );
    assert!(
        last.0 - first.0 >= Duration::from_millis(700),
        "the first event came {:?} before the response: {arrivals:?}",
        last.0 - first.0
    );
    // A failing call streams its error as the last line too.
    let lines = fx.stream("repos.sync", json!({"org": "nope", "yes": true}));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["error"]["code"], -32000, "{lines:?}");
    // And a streamed parse error is one line.
    let (status, text) = fx.post("{", Some("application/x-ndjson"));
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(v["error"]["code"], -32700);
}

#[test]
fn json_rpc_errors_have_the_spec_codes() {
    let fx = Fixture::new();
    let code = |body: &str| -> Value {
        let (status, text) = fx.post(body, None);
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap()
    };
    let parse = code("{\"jsonrpc\": \"2.0\", ");
    assert_eq!(
        (parse["error"]["code"].clone(), parse["id"].clone()),
        (json!(-32700), Value::Null)
    );
    let unknown = code(r#"{"jsonrpc":"2.0","method":"repos.frobnicate","id":"a"}"#);
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    assert_eq!(unknown["id"], "a");
    let bad_field = fx.err("repos.sync", json!({"org": "acme", "yess": true}));
    assert_eq!(bad_field["code"], -32602, "{bad_field}");
    assert!(
        bad_field["message"].as_str().unwrap().contains("`yess`"),
        "{bad_field}"
    );
    assert_eq!(bad_field["data"]["field"], "yess");
    let missing = fx.err("org.show", json!({}));
    assert_eq!(
        (missing["code"].clone(), missing["data"]["field"].clone()),
        (json!(-32602), json!("org"))
    );
    let bad_type = fx.err("repos.sync", json!({"org": "acme", "yes": "please"}));
    assert_eq!(bad_type["code"], -32602, "{bad_type}");
    let positional = code(r#"{"jsonrpc":"2.0","method":"org.show","params":["acme"],"id":2}"#);
    assert_eq!(positional["error"]["code"], -32602, "{positional}");
    let no_version = code(r#"{"method":"org.list","id":3}"#);
    assert_eq!(no_version["error"]["code"], -32600, "{no_version}");
    let failed = fx.err("org.show", json!({"org": "nope"}));
    assert_eq!(failed["code"], -32000, "{failed}");
    assert!(
        failed["message"].as_str().unwrap().contains("nope"),
        "{failed}"
    );
    // A batch answers each call, in order; notifications get nothing.
    let batch = code(
        r#"[{"jsonrpc":"2.0","method":"org.list","id":1},{"jsonrpc":"2.0","method":"x","id":2},{"jsonrpc":"2.0","method":"org.list"}]"#,
    );
    let batch = batch.as_array().unwrap();
    assert_eq!(batch.len(), 2, "{batch:?}");
    assert_eq!(batch[0]["result"][0]["name"], "acme");
    assert_eq!(batch[1]["error"]["code"], -32601);
    let (status, text) = fx.post(r#"{"jsonrpc":"2.0","method":"org.list"}"#, None);
    assert_eq!((status, text.as_str()), (204, ""));
    // The body limit.
    let big = format!(
        r#"{{"jsonrpc":"2.0","method":"org.list","id":1,"x":"{}"}}"#,
        "a".repeat(2 << 20)
    );
    let (status, _) = fx.post(&big, None);
    assert_eq!(status, 413);
}

#[test]
fn safety_flags_are_passed_through() {
    let fx = Fixture::new();
    for name in ["a", "b", "c", "d"] {
        Fixture::seed(&fx.gh, name, None);
    }
    fx.ok("org.import", json!({"org": "acme"}));
    // A protected repository: removing it needs force when staging and when syncing.
    fx.ok(
        "repos.update",
        json!({"org": "acme", "repo": "a", "protected": true}),
    );
    fx.ok("repos.sync", json!({"org": "acme", "yes": true}));
    let refused = fx.err("repos.remove", json!({"org": "acme", "repo": "a"}));
    assert_eq!(refused["data"]["kind"], "protected", "{refused}");
    assert_eq!(refused["data"]["field"], "force", "{refused}");
    let unknown = fx.err(
        "repos.create",
        json!({"org": "acme", "repo": "z", "forges": ["gitlab"]}),
    );
    assert_eq!(unknown["data"]["field"], "forges", "{unknown}");
    assert!(
        !unknown["message"].as_str().unwrap().contains("--"),
        "{unknown}"
    );
    fx.ok(
        "repos.remove",
        json!({"org": "acme", "repo": "a", "force": true}),
    );
    let refused = fx.err("repos.sync", json!({"org": "acme", "yes": true}));
    assert_eq!(refused["code"], -32002, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("protected"),
        "{refused}"
    );
    assert_eq!(Fixture::names(&fx.gh), ["a", "b", "c", "d"]);
    // A removal retires first (archived, private); `purge` deletes now.
    fx.ok(
        "repos.sync",
        json!({"org": "acme", "yes": true, "force": true}),
    );
    assert_eq!(Fixture::names(&fx.gh), ["a", "b", "c", "d"]);
    fx.ok(
        "repos.sync",
        json!({"org": "acme", "yes": true, "force": true, "purge": true}),
    );
    assert_eq!(Fixture::names(&fx.gh), ["b", "c", "d"]);
    // The blast radius: two of three repositories at once is more than 25 %.
    fx.ok("repos.remove", json!({"org": "acme", "repo": "b"}));
    fx.ok("repos.remove", json!({"org": "acme", "repo": "c"}));
    let refused = fx.err("repos.sync", json!({"org": "acme", "yes": true}));
    assert_eq!(refused["code"], -32002, "{refused}");
    assert!(
        !refused["message"].as_str().unwrap().contains("--"),
        "params, not CLI flags: {refused}"
    );
    assert_eq!(refused["data"]["field"], "allow_large", "{refused}");
    assert!(
        refused["data"]["hint"]
            .as_str()
            .unwrap()
            .contains("\"allow_large\": true"),
        "{refused}"
    );
    assert_eq!(Fixture::names(&fx.gh), ["b", "c", "d"]);
    fx.ok(
        "repos.sync",
        json!({"org": "acme", "yes": true, "allow_large": true, "purge": true}),
    );
    assert_eq!(Fixture::names(&fx.gh), ["d"]);
}

#[test]
fn concurrent_mutations_of_one_org_are_safe() {
    let fx = Fixture::new();
    // Staging in parallel: every change lands.
    std::thread::scope(|s| {
        for i in 0..6 {
            let fx = &fx;
            s.spawn(move || {
                fx.ok(
                    "repos.create",
                    json!({"org": "acme", "repo": format!("r{i}")}),
                )
            });
        }
    });
    let listed = fx.ok("repos.list", json!({"org": "acme"}));
    assert_eq!(listed.as_array().unwrap().len(), 6, "{listed}");
    // Two syncs at once: one applies, the other finds nothing left; neither fails.
    let results: Vec<Value> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..2)
            .map(|_| {
                let fx = &fx;
                s.spawn(move || fx.call("repos.sync", json!({"org": "acme", "yes": true})))
            })
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    for r in &results {
        assert!(r.get("error").is_none(), "{r}");
    }
    let applied: Vec<usize> = results
        .iter()
        .map(|r| {
            r["result"]["applied"]["synced"]
                .as_array()
                .map_or(0, Vec::len)
        })
        .collect();
    assert_eq!(
        applied.iter().sum::<usize>(),
        12,
        "each repository created once per forge, by one of the syncs: {applied:?}"
    );
    let want: Vec<String> = (0..6).map(|i| format!("r{i}")).collect();
    assert_eq!(Fixture::names(&fx.gh), want);
    assert_eq!(Fixture::names(&fx.cb), want);
}

#[test]
fn config_edits_are_seen_by_the_next_request() {
    let fx = Fixture::new();
    assert_eq!(fx.ok("org.list", json!({})).as_array().unwrap().len(), 1);
    let path = fx.dir.path().join("config.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}  beta:\n    owner: alice\n    forges: [github]\n    origin: github\n"),
    )
    .unwrap();
    let orgs = fx.ok("org.list", json!({}));
    let names: Vec<&str> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acme", "beta"]);
    let forges = fx.ok("forge.list", json!({}));
    assert_eq!(forges[0]["token"], "env:CB_TOKEN", "{forges}");
    let ws = fx.ok("workspace.show", json!({}));
    assert_eq!(ws, json!([]));
}

#[test]
fn no_token_value_in_any_response() {
    let fx = Fixture::new();
    let auth = fx.ok("forge.auth", json!({}));
    assert_eq!(auth[0]["status"], "ok", "{auth}");
    // A token the forge refuses, and one that is not set: the failures name references.
    fx.env
        .lock()
        .unwrap()
        .insert("GH_TOKEN".into(), "ghp_refused_0123456789".into());
    fx.env.lock().unwrap().remove("CB_TOKEN");
    let auth = fx.ok("forge.auth", json!({}));
    let text = auth.to_string();
    assert_eq!(auth[0]["status"], "no_token", "{text}");
    assert!(text.contains("CB_TOKEN"), "{text}");
    assert_eq!(auth[1]["status"], "refused", "{text}");
    assert!(!text.contains("ghp_refused_0123456789"), "{text}");
    let failed = fx.err("repos.diff", json!({"org": "acme"}));
    assert!(!failed.to_string().contains("ghp_refused"), "{failed}");
    // Even a value a forge hands back verbatim is scrubbed: a description holding the
    // hub's token reaches the client redacted.
    fx.env
        .lock()
        .unwrap()
        .insert("GH_TOKEN".into(), support::GH_TOKEN.into());
    fx.env
        .lock()
        .unwrap()
        .insert("CB_TOKEN".into(), support::CB_TOKEN.into());
    Fixture::seed(
        &fx.gh,
        "leaky",
        Some(&format!("see {HUB_TOKEN} and {}", support::CB_TOKEN)),
    );
    let imported = fx.stream("org.import", json!({"org": "acme"}));
    assert!(
        imported.last().unwrap().get("result").is_some(),
        "{imported:?}"
    );
    let listed = fx.ok("repos.list", json!({"org": "acme"}));
    assert_eq!(
        listed[0]["description"], "see <redacted> and <redacted>",
        "{listed}"
    );
    checked(listed.to_string());
}

#[test]
fn only_loopback_addresses_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let env = std::sync::Arc::default();
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:7654"] {
        let addr: SocketAddr = addr.parse().unwrap();
        let factory = support::factory(dir.path().to_path_buf(), std::sync::Arc::clone(&env));
        let called = std::cell::Cell::new(false);
        let e = serve(
            factory,
            addr,
            Secret::new(HUB_TOKEN),
            |_| called.set(true),
            |_| {},
        )
        .unwrap_err();
        assert!(matches!(e, HubError::NotLoopback(a) if a == addr), "{e:?}");
        assert!(e.to_string().contains("loopback"), "{e}");
        assert!(!called.get());
    }
    let factory = support::factory(dir.path().to_path_buf(), env);
    let e = serve_until(
        factory,
        "127.0.0.1:0".parse().unwrap(),
        Secret::new(""),
        |_| {},
        Stop::new(),
    );
    assert!(matches!(e, Err(HubError::EmptyToken)), "{e:?}");
}

#[test]
fn stopping_ends_serve_cleanly() {
    let mut fx = Fixture::new();
    fx.ok("org.list", json!({}));
    let addr = fx.server.addr;
    fx.server.shut_down().unwrap();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );
}

#[test]
fn refresh_plan_converge_and_single_repository_sync() {
    let fx = Fixture::new();
    Fixture::seed(&fx.gh, "api", Some("the API"));
    Fixture::seed(&fx.cb, "api", Some("the API"));
    fx.ok("org.import", json!({"org": "acme"}));
    let patch = hyperforge_forge::RepoPatch {
        description: Some("edited on the forge".into()),
        ..hyperforge_forge::RepoPatch::default()
    };
    fx.cb.update_repo("alice", "api", &patch).unwrap();
    let refreshed = fx.ok("repos.refresh", json!({"org": "acme"}));
    assert_eq!(
        refreshed["drift"],
        json!({"api": {"codeberg": ["description"]}})
    );
    let plan = fx.ok("repos.plan", json!({"org": "acme"}));
    assert_eq!(plan["org"], "acme");
    assert_eq!(plan["steps"].as_array().unwrap().len(), 1, "{plan}");
    assert!(
        plan["observed_hash"]
            .as_str()
            .is_some_and(|h| !h.is_empty())
    );
    let refused = fx.err("repos.converge", json!({"org": "acme"}));
    assert_eq!(refused["code"], -32001, "{refused}");
    let bad = fx.err("repos.converge", json!({"org": "acme", "repo": "api"}));
    assert_eq!(
        bad["data"]["field"], "repo",
        "converge takes no repo: {bad}"
    );
    let dry = fx.ok("repos.converge", json!({"org": "acme", "dry_run": true}));
    assert_eq!(
        dry["plan"]["to_update"].as_array().unwrap().len(),
        1,
        "{dry}"
    );
    let done = fx.ok("repos.converge", json!({"org": "acme", "yes": true}));
    assert_eq!(done["applied"]["synced"], json!(["codeberg/api"]), "{done}");
    let api = fx.cb.list_repos("alice").unwrap();
    assert_eq!(api[0].description.as_deref(), Some("the API"));
    // A sync of one repository applies only its staged change.
    fx.ok("repos.create", json!({"org": "acme", "repo": "x"}));
    fx.ok("repos.create", json!({"org": "acme", "repo": "y"}));
    let one = fx.ok(
        "repos.sync",
        json!({"org": "acme", "repo": "x", "yes": true}),
    );
    assert_eq!(
        one["applied"]["synced"],
        json!(["codeberg/x", "github/x"]),
        "{one}"
    );
    assert_eq!(Fixture::names(&fx.gh), ["api", "x"]);
    let listed = fx.ok("repos.list", json!({"org": "acme"}));
    let y = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "y")
        .unwrap();
    assert_eq!(y["staged"], "create", "{listed}");
    let shown = fx.ok("org.show", json!({"org": "acme"}));
    assert_eq!(
        (shown["repos"].clone(), shown["staged"].clone()),
        (json!(2), json!(1)),
        "{shown}"
    );
}

#[test]
fn the_bearer_scheme_is_case_insensitive_over_http() {
    let fx = Fixture::new();
    let call = r#"{"jsonrpc":"2.0","method":"org.list","id":1}"#;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let resp = fx
            .client
            .post(fx.url("/rpc"))
            .header("authorization", format!("{scheme} {HUB_TOKEN}"))
            .body(call)
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{scheme}");
    }
}

#[test]
fn a_batch_over_the_limit_gets_one_error_and_runs_nothing() {
    let fx = Fixture::new();
    let one = json!({"jsonrpc": "2.0", "method": "repos.create",
        "params": {"org": "acme", "repo": "x"}, "id": 1});
    let batch = Value::Array(vec![one; hyperforge_hub::rpc::MAX_BATCH + 1]);
    let (status, text) = fx.post(&batch.to_string(), None);
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], -32600, "{v}");
    assert_eq!(
        v["error"]["message"], "invalid request: batch of 101 requests exceeds the limit of 100",
        "{v}"
    );
    let listed = fx.ok("repos.list", json!({"org": "acme"}));
    assert_eq!(listed, json!([]), "none of the calls ran");
}

#[test]
fn values_the_forges_refuse_are_invalid_params_and_nothing_is_staged() {
    let fx = Fixture::new();
    let long = "d".repeat(351);
    for (method, params, field, says) in [
        (
            "repos.create",
            json!({"org": "acme", "repo": "r", "description": long}),
            "description",
            "the description of repo `r` is 351 characters long: expected at most 350",
        ),
        (
            "repos.create",
            json!({"org": "acme", "repo": "r", "description": "a\u{1b}[31mred"}),
            "description",
            "control character `\\u{1b}`",
        ),
        (
            "repos.create",
            json!({"org": "acme", "repo": "r", "topics": ["Rust"]}),
            "topics",
            "topic `Rust` of repo `r`",
        ),
        (
            "repos.create",
            json!({"org": "acme", "repo": "r", "default_branch": "a..b"}),
            "default_branch",
            "default_branch `a..b` of repo `r` contains `..`",
        ),
    ] {
        let e = fx.err(method, params);
        assert_eq!(e["code"], -32602, "{e}");
        assert_eq!(e["data"]["field"], field, "{e}");
        assert!(e["message"].as_str().unwrap().contains(says), "{e}");
    }
    let twice = fx.err(
        "repos.create",
        json!({"org": "acme", "repo": "r", "topics": ["a", "a"]}),
    );
    assert_eq!(twice["code"], -32602, "{twice}");
    assert!(
        twice["message"].as_str().unwrap().contains("listed twice"),
        "{twice}"
    );
    assert_eq!(fx.ok("repos.list", json!({"org": "acme"})), json!([]));
    fx.ok("repos.create", json!({"org": "acme", "repo": "r"}));
    let e = fx.err(
        "repos.update",
        json!({"org": "acme", "repo": "r", "topics": ["ok", "-bad"]}),
    );
    assert_eq!(
        (e["code"].clone(), e["data"]["field"].clone()),
        (json!(-32602), json!("topics")),
        "{e}"
    );
}
