//! The plan of a psql prepare: steps, their state ids, what is cached.

use sqlrs_hash::{Expanded, InputRef, StateId};

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
}

/// A plan.
#[derive(Debug, Clone)]
pub struct PsqlPlan {
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
