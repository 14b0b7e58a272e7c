//! The SQLite store on a real file: the registry, the queue, persistence across reopen.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlrs_schema::{
    ErrorCode, ErrorResponse, Event, EventType, InputKind, InstanceId, InstanceStatus, JobId,
    JobStatus, PlanTask, PrepareKind, PrepareResult, StateId, TaskInput, TaskStatus, TaskType,
};
use sqlrs_store::{InstanceRow, JobRow, SqliteStore, StateRow, Store, StoreError};

fn sid(c: char) -> StateId {
    StateId::parse(&c.to_string().repeat(64)).unwrap()
}

fn state(id: char, parent: Option<char>, at: &str) -> StateRow {
    StateRow {
        state_id: sid(id),
        parent_state_id: parent.map(sid),
        image_id: "pg15".into(),
        prepare_kind: PrepareKind::Psql,
        prepare_args_normalized: "-f a.sql".into(),
        created_at: at.into(),
        size_bytes: Some(4096),
        build_ms: Some(120),
    }
}

fn job(id: char) -> JobRow {
    JobRow {
        job_id: JobId::parse(&id.to_string().repeat(32)).unwrap(),
        prepare_kind: PrepareKind::Psql,
        image_id: "pg15".into(),
        plan_only: false,
        prepare_args_normalized: "-f a.sql".into(),
        signature: Some("sig".into()),
        request_json: r#"{"prepare_kind":"psql"}"#.into(),
        created_at: format!("2026-11-28T10:00:0{id}Z"),
    }
}

#[test]
fn states_form_a_tree_and_count_their_instances() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("state.db")).unwrap();
    assert!(store.put_state(&state('a', None, "t1")).unwrap());
    assert!(
        !store.put_state(&state('a', None, "t1")).unwrap(),
        "published twice is once"
    );
    store.put_state(&state('b', Some('a'), "t2")).unwrap();
    store.put_state(&state('c', Some('a'), "t3")).unwrap();
    assert_eq!(store.children(&sid('a')).unwrap(), [sid('b'), sid('c')]);
    let instance = InstanceRow {
        instance_id: InstanceId::parse(&"1".repeat(32)).unwrap(),
        state_id: sid('b'),
        image_id: "pg15".into(),
        created_at: "t4".into(),
        runtime_id: Some("4242".into()),
        data_dir: "/root/instances/1/data".into(),
        port: Some(54321),
    };
    store.put_instance(&instance).unwrap();
    let b = store.state(&sid('b')).unwrap().unwrap();
    assert_eq!(
        (b.refcount, b.use_count, b.last_used_at.as_deref()),
        (1, Some(1), Some("t4"))
    );
    assert_eq!(b.parent_state_id, Some(sid('a')));
    let (entry, row) = store.instance(&instance.instance_id).unwrap().unwrap();
    assert_eq!(entry.status, InstanceStatus::Orphaned);
    assert_eq!(row, instance);
    assert_eq!(store.states().unwrap().len(), 3);
    // An instance of a state that is not stored is refused; a state with an instance stays.
    let mut stray = instance.clone();
    stray.instance_id = InstanceId::parse(&"2".repeat(32)).unwrap();
    stray.state_id = sid('f');
    assert!(matches!(
        store.put_instance(&stray),
        Err(StoreError::Missing(_))
    ));
    assert!(
        store.delete_state(&sid('b')).is_err(),
        "foreign keys protect a used state"
    );
    store.delete_instance(&instance.instance_id).unwrap();
    store.delete_state(&sid('b')).unwrap();
    assert!(store.state(&sid('b')).unwrap().is_none());
}

#[test]
fn the_queue_survives_a_reopen_and_reports_what_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let j1 = job('1');
    let j2 = job('2');
    {
        let store = SqliteStore::open(&path).unwrap();
        store.create_job(&j1).unwrap();
        store.create_job(&j2).unwrap();
        let task = PlanTask {
            task_id: "execute-0".into(),
            task_type: TaskType::StateExecute,
            planner_kind: Some(PrepareKind::Psql),
            input: Some(TaskInput {
                kind: InputKind::Image,
                id: "pg15".into(),
            }),
            task_hash: Some("h".into()),
            output_state_id: Some(sid('a')),
            cached: false,
            changeset_id: None,
            changeset_author: None,
            changeset_path: None,
        };
        store
            .set_tasks(&j1.job_id, &[(task.clone(), "-f a.sql".to_string())])
            .unwrap();
        store
            .set_task_status(&j1.job_id, "execute-0", TaskStatus::Running)
            .unwrap();
        store
            .set_job_status(&j1.job_id, JobStatus::Running, "t5")
            .unwrap();
        for (i, s) in [JobStatus::Queued, JobStatus::Running]
            .into_iter()
            .enumerate()
        {
            let n = store
                .append_event(&j1.job_id, &Event::status(format!("t{i}"), s))
                .unwrap();
            assert_eq!(n, i as u64);
        }
        let result = PrepareResult {
            dsn: "postgres://sqlrs@127.0.0.1:54321/postgres".into(),
            instance_id: InstanceId::parse(&"1".repeat(32)).unwrap(),
            state_id: sid('a'),
            image_id: "pg15".into(),
            prepare_kind: PrepareKind::Psql,
            prepare_args_normalized: "-f a.sql".into(),
        };
        store
            .finish_job(&j2.job_id, "t6", Ok(Some(&result)))
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let resume = store.unfinished_jobs().unwrap();
    assert_eq!(resume.len(), 1);
    assert_eq!(resume[0].0, j1.job_id);
    let status = store.job(&j1.job_id).unwrap().unwrap();
    assert_eq!(status.status, JobStatus::Running);
    assert_eq!(status.started_at.as_deref(), Some("t5"));
    assert_eq!(status.tasks.len(), 1);
    let events = store.events(&j1.job_id, 1).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, EventType::Status);
    assert_eq!(events[0].status.as_deref(), Some("running"));
    let done = store.job(&j2.job_id).unwrap().unwrap();
    assert_eq!(done.status, JobStatus::Succeeded);
    assert_eq!(done.result.unwrap().state_id, sid('a'));
    let error = ErrorResponse {
        code: ErrorCode::Cancelled,
        message: "cancelled".into(),
        details: None,
    };
    store.finish_job(&j1.job_id, "t7", Err(&error)).unwrap();
    assert_eq!(store.job(&j1.job_id).unwrap().unwrap().error, Some(error));
    assert!(store.unfinished_jobs().unwrap().is_empty());

    tasks_and_jobs_list_and_go_with_their_job(&store, &j1.job_id);
}

#[test]
fn a_database_from_a_newer_sqlrs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(err.to_string().contains("schema version 99"), "{err}");
}

/// The task and job lists, and a deleted job taking its tasks and events along.
fn tasks_and_jobs_list_and_go_with_their_job(store: &SqliteStore, j1: &JobId) {
    let tasks = store.tasks(Some(j1)).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].args_summary, "-f a.sql");
    assert_eq!(tasks[0].status, TaskStatus::Running);
    assert_eq!(tasks[0].task.task_id, "execute-0");
    assert_eq!(store.tasks(None).unwrap().len(), 1);
    let jobs = store.jobs().unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0].status, JobStatus::Failed);
    store.delete_job(j1).unwrap();
    assert!(store.job(j1).unwrap().is_none());
    assert!(
        store.tasks(None).unwrap().is_empty(),
        "tasks go with their job"
    );
    assert!(store.events(j1, 0).unwrap().is_empty(), "events too");
    assert_eq!(store.jobs().unwrap().len(), 1);
}
