//! The plan of a psql prepare: steps, their state ids, what is cached.

use sqlrs_hash::{Expanded, InputRef, StateId};
use sqlrs_liquibase::{ChangelogContent, Changeset, LbArgs, Liquibase};
use sqlrs_schema::{
    InputKind, PlanTask, PrepareKind, StateId as SchemaStateId, TaskInput, TaskType,
};

/// One step.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// What it applies to.
    pub input: InputRef,
    /// Its task hash.
    pub task_hash: String,
    /// The state it produces.
    pub state_id: StateId,
    /// Whether that state is stored already.
    pub cached: bool,
    /// The exact bytes psql runs.
    pub content: Vec<u8>,
    /// `-f schema.sql`, `-c …`, `-f -`.
    pub summary: String,
    /// For a file: its expansion (to map psql's line numbers back to files).
    pub expanded: Option<Expanded>,
    /// For Liquibase: the changeset this step applies.
    pub changeset: Option<Changeset>,
}

/// What a Liquibase plan needs again to build its steps.
#[derive(Debug, Clone)]
pub struct LbContext {
    /// The located Liquibase.
    pub liquibase: Liquibase,
    /// The normalised arguments.
    pub args: LbArgs,
    /// The changelog files the plan was made from.
    pub content: ChangelogContent,
}

/// A plan.
#[derive(Debug, Clone)]
pub struct PsqlPlan {
    /// psql or Liquibase.
    pub kind: PrepareKind,
    /// For Liquibase: what building needs.
    pub lb: Option<LbContext>,
    /// The PostgreSQL build's base id (what the first step applies to).
    pub base: String,
    /// The options every step runs with.
    pub options: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<PlannedStep>,
    /// The normalised arguments, as one line.
    pub args_normalized: String,
}

impl PsqlPlan {
    /// The first step whose state is not stored (`steps.len()` when all are).
    pub fn first_missing(&self) -> usize {
        self.steps
            .iter()
            .position(|s| !s.cached)
            .unwrap_or(self.steps.len())
    }

    /// The final state.
    pub fn final_state(&self) -> Option<&StateId> {
        self.steps.last().map(|s| &s.state_id)
    }
}

/// A task with only its id and type set.
fn task(task_id: String, task_type: TaskType) -> PlanTask {
    PlanTask {
        task_id,
        task_type,
        planner_kind: None,
        input: None,
        task_hash: None,
        output_state_id: None,
        cached: false,
        changeset_id: None,
        changeset_author: None,
        changeset_path: None,
    }
}

/// The wire form of a step's input.
fn task_input(input: &InputRef) -> TaskInput {
    match input {
        InputRef::Base(base) => TaskInput {
            kind: InputKind::Image,
            id: base.clone(),
        },
        InputRef::State(id) => TaskInput {
            kind: InputKind::State,
            id: id.to_hex(),
        },
    }
}

impl PsqlPlan {
    /// The job signature: identical requests (same final state, same `plan_only`) share
    /// it, so retention can keep the newest few of each.
    pub fn signature(&self, plan_only: bool) -> String {
        let mut f = sqlrs_hash::Fingerprint::new("sqlrs-job-signature-v1");
        f.field("base", self.base.as_bytes());
        for step in &self.steps {
            f.field("state", step.state_id.to_hex().as_bytes());
        }
        f.field("plan_only", if plan_only { b"1" } else { b"0" });
        f.finish().to_hex()
    }

    /// The job's tasks as the API shows them — `plan`, `execute-<n>` per step,
    /// `prepare-instance` — each with its step in words.
    pub fn tasks(&self) -> Vec<(PlanTask, String)> {
        let mut tasks = vec![(task("plan".into(), TaskType::Plan), "plan".into())];
        for (i, step) in self.steps.iter().enumerate() {
            let mut t = task(format!("execute-{i}"), TaskType::StateExecute);
            t.planner_kind = Some(self.kind);
            if let Some(cs) = &step.changeset {
                t.changeset_id = Some(cs.id.clone());
                t.changeset_author = Some(cs.author.clone());
                t.changeset_path = Some(cs.path.clone());
            }
            t.input = Some(task_input(&step.input));
            t.task_hash = Some(step.task_hash.clone());
            t.output_state_id = SchemaStateId::parse(&step.state_id.to_hex()).ok();
            t.cached = step.cached;
            tasks.push((t, step.summary.clone()));
        }
        if let Some(last) = self.final_state() {
            let mut t = task("prepare-instance".into(), TaskType::PrepareInstance);
            t.input = Some(task_input(&InputRef::State(*last)));
            tasks.push((t, "instance".into()));
        }
        tasks
    }
}
