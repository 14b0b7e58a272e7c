//! How reports look: `--output json` prints the report itself; human output is short
//! lines and tables (data on stdout, status on stderr).

use infra_cli::Printer;
use sqlrs_ops::list::{ListReport, state_tree};
use sqlrs_ops::prepare::{PlanReport, PrepareReport};
use sqlrs_ops::status::StatusReport;
use sqlrs_schema::{
    BlockReason, DeleteNode, DeleteOutcome, DeleteResult, Event, EventType, NodeKind,
    PrepareAccepted,
};

/// The first 12 characters of an id.
pub fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// One event in words.
pub fn event_line(e: &Event) -> String {
    match e.event_type {
        EventType::Status => format!("job {}", e.status.as_deref().unwrap_or("?")),
        EventType::Task => format!(
            "{} {}",
            e.task_id.as_deref().unwrap_or("?"),
            e.status.as_deref().unwrap_or("?")
        ),
        EventType::Log => e.message.clone().unwrap_or_default(),
        EventType::Result => "done".into(),
        EventType::Error => format!(
            "failed: {}",
            e.error.as_ref().map(|x| x.message.as_str()).unwrap_or("?")
        ),
    }
}

/// `sqlrs status`.
pub fn status(p: &Printer, r: &StatusReport) {
    if p.is_json() {
        p.json(r);
        return;
    }
    p.data(&format!(
        "engine: {} (version {}, pid {})\nstore: {}\nsnapshot backend: {}\nruntime: {}\nstates: {}\ninstances: {}\njobs: {}",
        r.endpoint,
        r.version,
        r.pid,
        r.store,
        r.snapshot.as_deref().unwrap_or("?"),
        r.runtime.as_deref().unwrap_or("?"),
        r.states,
        r.instances,
        r.jobs
    ));
}

/// The DSN of a finished prepare.
pub fn dsn(p: &Printer, dsn: &str, instance: &str) {
    if p.is_json() {
        p.json(&serde_json_dsn(dsn, instance));
    } else {
        p.data(&format!("DSN={dsn}"));
    }
}

#[derive(serde::Serialize)]
struct Dsn<'a> {
    dsn: &'a str,
    instance_id: &'a str,
}

fn serde_json_dsn<'a>(dsn: &'a str, instance_id: &'a str) -> Dsn<'a> {
    Dsn { dsn, instance_id }
}

/// `sqlrs prepare:psql`.
pub fn prepared(p: &Printer, r: &PrepareReport) {
    if p.is_json() {
        p.json(r);
        return;
    }
    let cached = r.steps.iter().filter(|s| s.cached).count();
    let built = r.steps.len() - cached;
    p.success(&format!(
        "prepared state {} ({} cached, {} built); instance {}",
        short(&r.state_id),
        infra_cli::count(cached, "step", "steps"),
        built,
        short(&r.instance_id)
    ));
    p.data(&format!("DSN={}", r.dsn));
}

/// `sqlrs prepare:psql --no-watch`.
pub fn accepted(p: &Printer, a: &PrepareAccepted) {
    if p.is_json() {
        p.json(a);
        return;
    }
    p.data(&format!(
        "JOB_ID={}\nSTATUS_URL={}\nEVENTS_URL={}",
        a.job_id, a.status_url, a.events_url
    ));
}

/// `sqlrs plan:psql`.
pub fn plan(p: &Printer, r: &PlanReport) {
    if p.is_json() {
        p.json(r);
        return;
    }
    let mut lines = Vec::new();
    for s in &r.steps {
        lines.push(format!(
            "{:<10} {:<6} {} {}",
            s.task_id,
            if s.cached { "cached" } else { "build" },
            short(s.state_id.as_deref().unwrap_or("-")),
            s.step
        ));
    }
    if let Some(state) = &r.state_id {
        lines.push(format!("final state {}", short(state)));
    }
    p.data(&lines.join("\n"));
}

/// `sqlrs cache explain`.
pub fn explain(p: &Printer, r: &PlanReport) {
    let miss = r.steps.iter().find(|s| !s.cached);
    if p.is_json() {
        #[derive(serde::Serialize)]
        struct Explain<'a> {
            decision: &'a str,
            reason_code: &'a str,
            state_id: Option<&'a str>,
            first_miss: Option<&'a sqlrs_ops::prepare::StepReport>,
            steps: &'a [sqlrs_ops::prepare::StepReport],
        }
        p.json(&Explain {
            decision: if miss.is_none() { "hit" } else { "miss" },
            reason_code: if miss.is_none() {
                "exact_state_match"
            } else {
                "no_matching_state"
            },
            state_id: r.state_id.as_deref(),
            first_miss: miss,
            steps: &r.steps,
        });
        return;
    }
    let mut lines = vec![format!(
        "decision: {}",
        if miss.is_none() { "hit" } else { "miss" }
    )];
    match miss {
        None => lines.push("reason: every step's state is cached".into()),
        Some(m) => lines.push(format!(
            "reason: {} ({}) is not cached; it and every step after it would be built",
            m.task_id, m.step
        )),
    }
    if let Some(s) = &r.state_id {
        lines.push(format!("state: {s}"));
    }
    p.data(&lines.join("\n"));
}

/// `sqlrs ls`.
pub fn list(p: &Printer, r: &ListReport, long: bool) {
    if p.is_json() {
        p.json(r);
        return;
    }
    let id = |s: &str| {
        if long {
            s.to_string()
        } else {
            short(s).to_string()
        }
    };
    let mut out = Vec::new();
    if let Some(instances) = &r.instances {
        out.push("INSTANCE      STATE         CREATED".to_string());
        for i in instances {
            out.push(format!(
                "{:<13} {:<13} {}",
                id(i.instance_id.as_str()),
                id(i.state_id.as_str()),
                i.created_at
            ));
        }
        out.push(String::new());
    }
    if let Some(states) = &r.states {
        out.push(
            "STATE         INSTANCES CREATED                         PREPARE_ARGS".to_string(),
        );
        for (prefix, s) in state_tree(states) {
            out.push(format!(
                "{:<13} {:<9} {} {}",
                format!("{prefix}{}", id(s.state_id.as_str())),
                s.refcount,
                s.created_at,
                s.prepare_args_normalized
            ));
        }
        out.push(String::new());
    }
    if let Some(jobs) = &r.jobs {
        out.push("JOB                              STATUS     CREATED".to_string());
        for j in jobs {
            out.push(format!(
                "{:<32} {:<10} {}",
                j.job_id,
                format!("{:?}", j.status).to_lowercase(),
                j.created_at
            ));
        }
        out.push(String::new());
    }
    if let Some(tasks) = &r.tasks {
        out.push("JOB           TASK             STATUS     CACHED ARGS".to_string());
        for t in tasks {
            out.push(format!(
                "{:<13} {:<16} {:<10} {:<6} {}",
                id(t.job_id.as_str()),
                t.task.task_id,
                format!("{:?}", t.status).to_lowercase(),
                t.task.cached,
                t.args_summary
            ));
        }
        out.push(String::new());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    p.data(&out.join("\n"));
}

/// `sqlrs rm`: the tree, one node a line.
pub fn deleted(p: &Printer, r: &DeleteResult) {
    if p.is_json() {
        p.json(r);
        return;
    }
    let mut lines = Vec::new();
    node_lines(&r.root, r.outcome, 0, &mut lines);
    p.data(&lines.join("\n"));
}

fn node_lines(n: &DeleteNode, outcome: DeleteOutcome, depth: usize, out: &mut Vec<String>) {
    let kind = match n.kind {
        NodeKind::Instance => "instance",
        NodeKind::State => "state",
        NodeKind::Job => "job",
    };
    let verdict = match (n.blocked, outcome) {
        (Some(b), _) => format!("blocked ({})", block_word(b)),
        (None, DeleteOutcome::Deleted) => "deleted".into(),
        (None, DeleteOutcome::WouldDelete) => "would delete".into(),
        (None, DeleteOutcome::Blocked) => "kept".into(),
    };
    let connections = n
        .connections
        .map(|c| format!(" connections={c}"))
        .unwrap_or_default();
    out.push(format!(
        "{}{verdict} {kind} {}{connections}",
        "  ".repeat(depth),
        short(&n.id)
    ));
    for c in &n.children {
        node_lines(c, outcome, depth + 1, out);
    }
}

fn block_word(b: BlockReason) -> &'static str {
    match b {
        BlockReason::ActiveConnections => "clients connected; --force disconnects them",
        BlockReason::HasDescendants => "instances or states depend on it; -r deletes them too",
        BlockReason::BlockedByDescendant => "something under it is blocked",
        BlockReason::ActiveTasks => "its job is running; --force cancels it",
    }
}
