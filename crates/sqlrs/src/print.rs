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

/// `sqlrs init`.
pub fn init(p: &Printer, r: &sqlrs_ops::workspace::InitReport) {
    if p.is_json() {
        p.json(r);
    } else if r.outcome == "created" {
        p.success(&format!("created {}", r.config));
    } else {
        p.status(&format!("{} is already there; nothing changed", r.config));
    }
}

/// `sqlrs status`.
pub fn status(p: &Printer, r: &StatusReport) {
    if p.is_json() {
        p.json(r);
        return;
    }
    let mut lines = vec![
        format!(
            "engine: {} (version {}, pid {})",
            r.endpoint, r.version, r.pid
        ),
        format!("store: {}", r.store),
        format!("snapshot backend: {}", r.snapshot.as_deref().unwrap_or("?")),
        format!("runtime: {}", r.runtime.as_deref().unwrap_or("?")),
        format!("states: {}", r.states),
        format!("instances: {}", r.instances),
        format!("jobs: {}", r.jobs),
    ];
    if let Some(w) = &r.workspace {
        lines.insert(2, format!("workspace: {w}"));
    }
    if let Some(c) = &r.cache {
        let mib = |b: u64| b / (1024 * 1024);
        lines.push(format!(
            "cache.usage: {} MiB in {} states",
            mib(c.usage_bytes),
            c.state_count
        ));
        lines.push(format!(
            "cache.store: {} MiB free of {} MiB",
            mib(c.store_free_bytes),
            mib(c.store_total_bytes)
        ));
    }
    p.data(&lines.join("\n"));
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

/// The prepare stage of a composite: a status line only (stdout is the tool's).
pub fn prepared_for_run(p: &Printer, r: &PrepareReport) {
    let cached = r.steps.iter().filter(|s| s.cached).count();
    p.status(&format!(
        "prepared state {} ({} cached, {} built); running on instance {}",
        short(&r.state_id),
        infra_cli::count(cached, "step", "steps"),
        r.steps.len() - cached,
        short(&r.instance_id)
    ));
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

/// A table: its header and rows.
type Table = (&'static str, Vec<String>);

fn names_table(names: &[sqlrs_schema::NameEntry], id: &dyn Fn(&str) -> String) -> Table {
    let rows = names.iter().map(|n| {
        let instance = n
            .instance_id
            .as_ref()
            .map_or("-".to_string(), |i| id(i.as_str()));
        let status = format!("{:?}", n.status).to_lowercase();
        format!(
            "{:<20} {instance:<13} {:<13} {status}",
            n.name,
            id(n.state_id.as_str())
        )
    });
    (
        "NAME                 INSTANCE      STATE         STATUS",
        rows.collect(),
    )
}

fn instances_table(
    instances: &[sqlrs_schema::InstanceEntry],
    id: &dyn Fn(&str) -> String,
) -> Table {
    let rows = instances.iter().map(|i| {
        let name = i.name.as_deref().unwrap_or("-");
        let (instance, state) = (id(i.instance_id.as_str()), id(i.state_id.as_str()));
        format!("{instance:<13} {state:<13} {name:<20} {}", i.created_at)
    });
    (
        "INSTANCE      STATE         NAME                 CREATED",
        rows.collect(),
    )
}

fn states_table(states: &[sqlrs_schema::StateEntry], id: &dyn Fn(&str) -> String) -> Table {
    let rows = state_tree(states).into_iter().map(|(prefix, s)| {
        let label = format!("{prefix}{}", id(s.state_id.as_str()));
        format!(
            "{label:<13} {:<9} {} {}",
            s.refcount, s.created_at, s.prepare_args_normalized
        )
    });
    (
        "STATE         INSTANCES CREATED                         PREPARE_ARGS",
        rows.collect(),
    )
}

fn jobs_table(jobs: &[sqlrs_schema::PrepareJobEntry]) -> Table {
    let rows = jobs.iter().map(|j| {
        let status = format!("{:?}", j.status).to_lowercase();
        format!("{:<32} {status:<10} {}", j.job_id, j.created_at)
    });
    (
        "JOB                              STATUS     CREATED",
        rows.collect(),
    )
}

fn tasks_table(tasks: &[sqlrs_schema::TaskEntry], id: &dyn Fn(&str) -> String) -> Table {
    let rows = tasks.iter().map(|t| {
        let status = format!("{:?}", t.status).to_lowercase();
        let job = id(t.job_id.as_str());
        format!(
            "{job:<13} {:<16} {status:<10} {:<6} {}",
            t.task.task_id, t.task.cached, t.args_summary
        )
    });
    (
        "JOB           TASK             STATUS     CACHED ARGS",
        rows.collect(),
    )
}

/// `sqlrs ls`: a table per selected list, in the order names, instances, states (as a
/// tree), jobs, tasks; an empty list says so.
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
    let tables = [
        r.names.as_deref().map(|v| names_table(v, &id)),
        r.instances.as_deref().map(|v| instances_table(v, &id)),
        r.states.as_deref().map(|v| states_table(v, &id)),
        r.jobs.as_deref().map(jobs_table),
        r.tasks.as_deref().map(|v| tasks_table(v, &id)),
    ];
    let text: Vec<String> = tables
        .into_iter()
        .flatten()
        .map(|(header, rows)| {
            if rows.is_empty() {
                let what = header
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                format!("no {what}s")
            } else {
                std::iter::once(header.to_string())
                    .chain(rows)
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        })
        .collect();
    p.data(&text.join("\n\n"));
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
        BlockReason::ActiveTasks => "a running job uses it; wait for it or cancel it",
    }
}
