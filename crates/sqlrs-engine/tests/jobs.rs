//! The job API over real HTTP with the typed client: a prepare's events stream while it
//! runs, cancel, deletes answered 409 while blocked, and bad requests answered with the
//! envelope (and never a crash). The job parts need PostgreSQL (`SQLRS_TEST_PG=1`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use sqlrs_client::{Client, ClientError};
use sqlrs_schema::{ErrorCode, EventType, JobStatus, NodeKind, PrepareRequest};

struct Engine {
    child: Child,
    client: Client,
    _dir: tempfile::TempDir,
    work: std::path::PathBuf,
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn start() -> Engine {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_sqlrs-engine"))
        .arg("--state-store")
        .arg(dir.path().join("store"))
        .arg("--write-engine-json")
        .arg(dir.path().join("engine.json"))
        .args(["--idle-timeout", "0", "--snapshot", "copy"])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let announce = loop {
        if let Some(a) = sqlrs_client::read_engine_json(&dir.path().join("engine.json")) {
            break a;
        }
        assert!(Instant::now() < deadline, "engine.json never appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    let client = Client::new(
        &format!("http://{}", announce.endpoint),
        Some(announce.auth_token),
        Duration::from_secs(60),
    )
    .unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    Engine {
        child,
        client,
        _dir: dir,
        work,
    }
}

fn psql(work: &Path, args: &[&str]) -> PrepareRequest {
    PrepareRequest::Psql {
        image_id: "native".into(),
        plan_only: false,
        psql_args: args.iter().map(|s| s.to_string()).collect(),
        stdin: None,
        work_dir: Some(work.display().to_string()),
        name: None,
        reuse: false,
    }
}

fn api_code(e: ClientError) -> (u16, ErrorCode, Option<String>) {
    match e {
        ClientError::Api { status, error } => (status, error.code, error.details),
        other => panic!("expected an API error, got {other}"),
    }
}

#[test]
fn bad_requests_get_the_envelope_and_the_engine_survives() {
    let e = start();
    let bad = psql(&e.work, &["-h", "elsewhere", "-c", "select 1"]);
    let (status, code, field) = api_code(e.client.submit(&bad).unwrap_err());
    assert_eq!(
        (status, code, field.as_deref()),
        (400, ErrorCode::InvalidArgument, Some("psql_args"))
    );
    let mut rel = psql(&e.work, &["-c", "select 1"]);
    if let PrepareRequest::Psql { work_dir, .. } = &mut rel {
        *work_dir = Some("relative/dir".into());
    }
    let (status, _, field) = api_code(e.client.submit(&rel).unwrap_err());
    assert_eq!((status, field.as_deref()), (400, Some("work_dir")));
    let (status, code, _) = api_code(e.client.job(&"0".repeat(32)).unwrap_err());
    assert_eq!((status, code), (404, ErrorCode::NotFound));
    let (status, _, field) = api_code(e.client.job("../../etc").unwrap_err());
    assert!(status == 400 || status == 404, "{status} {field:?}");
    let (status, code, _) = api_code(
        e.client
            .delete(NodeKind::State, &"a".repeat(64), [true, false, false])
            .unwrap_err(),
    );
    assert_eq!((status, code), (404, ErrorCode::NotFound));
    assert!(e.client.health().unwrap().ok, "still serving");
}

#[test]
fn events_stream_while_a_job_runs_and_a_cancel_stops_it() {
    if infra_testkit::require_tool_with_hint("psql", "SQLRS_TEST_PG", "run ./scripts/setup")
        .is_none()
    {
        return;
    }
    let e = start();
    std::fs::write(e.work.join("slow.sql"), "select pg_sleep(30);\n").unwrap();
    let accepted = e
        .client
        .submit(&psql(
            &e.work,
            &["-c", "create table t(x int)", "-f", "slow.sql"],
        ))
        .unwrap();
    let job = accepted.job_id.to_string();
    let mut events = e.client.events(&job).unwrap();
    // Events arrive while the job runs: read until the slow step starts.
    loop {
        let ev = events.next().expect("the stream ended early").unwrap();
        if ev.event_type == EventType::Log
            && ev
                .message
                .as_deref()
                .is_some_and(|m| m.contains("slow.sql"))
        {
            break;
        }
    }
    assert_eq!(e.client.job(&job).unwrap().status, JobStatus::Running);
    let blocked = e
        .client
        .delete(NodeKind::Job, &job, [false, false, false])
        .unwrap();
    assert_eq!(
        blocked.outcome,
        sqlrs_schema::DeleteOutcome::Blocked,
        "a running job is not deleted"
    );
    let cancelled = e.client.cancel(&job).unwrap();
    assert!(!cancelled.status.is_terminal() || cancelled.status == JobStatus::Failed);
    let rest: Vec<_> = events.map(Result::unwrap).collect();
    let error = rest
        .iter()
        .find_map(|ev| ev.error.clone())
        .expect("an error event ends the stream");
    assert_eq!(error.code, ErrorCode::Cancelled);
    let done = e.client.job(&job).unwrap();
    assert_eq!(done.status, JobStatus::Failed);
    assert_eq!(
        e.client.cancel(&job).unwrap().status,
        JobStatus::Failed,
        "cancelling again answers the status"
    );
    assert_eq!(
        e.client.states().unwrap().len(),
        1,
        "the step before the cancel stays cached"
    );
    let scratch: Vec<_> = std::fs::read_dir(e._dir.path().join("store/jobs"))
        .unwrap()
        .collect();
    assert!(scratch.is_empty(), "no scratch left: {scratch:?}");
}
