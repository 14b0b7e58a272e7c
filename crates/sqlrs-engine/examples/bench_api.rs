//! Latency of the list and get endpoints with many states (run by `scripts/sqlrs/bench`).
//!
//! Fills a fresh store with N states (a chain of 10-state trees, as prepares would leave
//! them), starts the real `sqlrs-engine` on it, and times `GET /v1/states`,
//! `GET /v1/states/{id}` and `GET /v1/instances` over keep-alive HTTP on loopback; prints
//! p50/p99 in milliseconds and the engine's idle RSS.
//!
//!     cargo run --release -p sqlrs-engine --example bench_api -- ENGINE_BIN [N] [ROUNDS]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use sqlrs_schema::{PrepareKind, StateId};
use sqlrs_store::{SqliteStore, StateRow, Store};

fn id(n: usize) -> StateId {
    StateId::parse(&format!("{n:064x}")).unwrap()
}

/// One keep-alive GET; returns the body length.
fn get(conn: &mut BufReader<TcpStream>, path: &str, token: &str) -> usize {
    // One write: a request split over several would wait on Nagle's algorithm.
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer {token}\r\n\r\n");
    conn.get_mut().write_all(request.as_bytes()).unwrap();
    let mut len = 0;
    let mut line = String::new();
    loop {
        line.clear();
        conn.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    conn.read_exact(&mut body).unwrap();
    len
}

fn percentiles(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

/// A store at `store_dir` with `n` states.
fn fill(store_dir: &std::path::Path, n: usize) {
    std::fs::create_dir_all(store_dir).unwrap();
    let store = SqliteStore::open(&store_dir.join("state.db")).unwrap();
    for i in 1..=n {
        let parent = (i % 10 != 1).then(|| id(i - 1));
        store
            .put_state(&StateRow {
                state_id: id(i),
                parent_state_id: parent,
                image_id: "native|postgres (PostgreSQL) 15|initdb:UTF8,C,trust".into(),
                prepare_kind: PrepareKind::Psql,
                prepare_args_normalized: "-X -v ON_ERROR_STOP=1 -f schema.sql -f data.sql".into(),
                created_at: "2026-11-28T12:00:00.000000000Z".into(),
                size_bytes: Some(300 << 20),
                build_ms: Some(1200),
            })
            .unwrap();
    }
    drop(store);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = &args[1];
    let n: usize = args.get(2).map_or(1000, |s| s.parse().unwrap());
    let rounds: usize = args.get(3).map_or(1000, |s| s.parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    fill(&store_dir, n);
    let mut child = std::process::Command::new(engine)
        .arg("--state-store")
        .arg(&store_dir)
        .arg("--write-engine-json")
        .arg(dir.path().join("engine.json"))
        .args(["--idle-timeout", "0"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let announce: serde_json::Value = loop {
        if let Ok(t) = std::fs::read_to_string(dir.path().join("engine.json"))
            && let Ok(v) = serde_json::from_str(&t)
        {
            break v;
        }
        assert!(Instant::now() < deadline, "the engine did not start");
        std::thread::sleep(Duration::from_millis(20));
    };
    let token = announce["authToken"].as_str().unwrap().to_string();
    let endpoint = announce["endpoint"].as_str().unwrap().to_string();
    let stream = TcpStream::connect(&endpoint).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut conn = BufReader::new(stream);
    let mut time = |path: &dyn Fn(usize) -> String| {
        let mut ms = Vec::with_capacity(rounds);
        for r in 0..rounds {
            let t = Instant::now();
            get(&mut conn, &path(r), &token);
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        percentiles(ms)
    };
    let list = time(&|_| "/v1/states".to_string());
    let one = time(&|r| format!("/v1/states/{}", id(1 + r % n).as_str()));
    let instances = time(&|_| "/v1/instances".to_string());
    std::thread::sleep(Duration::from_secs(2));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .unwrap_or("?")
        .trim()
        .to_string();
    println!("states={n} rounds={rounds}");
    println!(
        "GET /v1/states          p50 {:.2} ms  p99 {:.2} ms",
        list.0, list.1
    );
    println!(
        "GET /v1/states/{{id}}     p50 {:.2} ms  p99 {:.2} ms",
        one.0, one.1
    );
    println!(
        "GET /v1/instances       p50 {:.2} ms  p99 {:.2} ms",
        instances.0, instances.1
    );
    println!("engine RSS after the run: {rss}");
    child.kill().unwrap();
    child.wait().unwrap();
}
