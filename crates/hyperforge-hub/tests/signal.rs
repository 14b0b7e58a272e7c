//! `serve` ends gracefully on SIGTERM: in a test binary of its own, since the signal goes
//! to the whole process (the hub's handler is installed before `ready` is called, so the
//! signal cannot arrive too early and kill the process instead).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is a failure"
)]

mod support;

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use hyperforge_hub::serve;
use hyperforge_ops::Secret;

#[test]
fn sigterm_ends_serve_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let factory = support::factory(dir.path().to_path_buf(), Arc::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        serve(
            factory,
            listen,
            Secret::new(support::HUB_TOKEN),
            move |a| tx.send(a).unwrap(),
            |_| {},
        )
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let client = support::http();
    let health = client.get(format!("http://{addr}/health")).send().unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let orgs = client
        .post(format!("http://{addr}/rpc"))
        .bearer_auth(support::HUB_TOKEN)
        .body(r#"{"jsonrpc":"2.0","method":"org.list","id":1}"#)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(orgs, r#"{"jsonrpc":"2.0","result":[],"id":1}"#);
    let pid = std::process::id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || done_tx.send(thread.join().unwrap()).unwrap());
    let result = done_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("serve kept running");
    result.unwrap();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );
}
