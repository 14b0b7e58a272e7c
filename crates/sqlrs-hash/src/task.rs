//! Task hashes and the chain of state ids.

use crate::{Digest, Fingerprint, InputRef, StateId};

/// The schema tag of state ids: bump it when what a state id covers changes meaning.
pub const STATE_SCHEMA: &str = "sqlrs-state-v1";

/// The schema tag of psql task hashes.
const PSQL_TASK_SCHEMA: &str = "sqlrs-psql-task-v1";

/// One psql step, as it will run.
#[derive(Debug, Clone, Copy)]
pub struct PsqlStep<'a> {
    /// The exact text psql executes (a script expanded with its includes, a `-c` command,
    /// or stdin).
    pub content: &'a [u8],
    /// The normalised psql options in force for the step, in order: `-X`,
    /// `-v ON_ERROR_STOP=1`, the user's variables (`-v name=value`) and flags such as
    /// `--single-transaction`. They change what the script does, so they are part of it.
    pub options: &'a [String],
}

/// The hash of a psql step on a given PostgreSQL build (`server` identifies it: the
/// version string `postgres --version` prints, or an image digest).
pub fn psql_task_hash(step: &PsqlStep<'_>, server: &str) -> Digest {
    let mut f = Fingerprint::new(PSQL_TASK_SCHEMA);
    f.field("kind", b"psql")
        .field("server", server.as_bytes())
        .list("options", step.options)
        .field("content", step.content);
    f.finish()
}

/// The id of the state a task with hash `task` produces from `input`: shared prefixes of
/// steps give shared states, and a change in one step changes that state and every later
/// one.
pub fn chain(input: &InputRef, task: &Digest) -> StateId {
    let mut f = Fingerprint::new(STATE_SCHEMA);
    f.field("input_kind", input.kind().as_bytes())
        .field("input_id", input.id().as_bytes())
        .field("task", task.as_bytes());
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(steps: &[(&str, &[&str])], server: &str) -> Vec<StateId> {
        let mut input = InputRef::Base("pg15".into());
        let mut out = Vec::new();
        for (content, options) in steps {
            let options: Vec<String> = options.iter().map(|s| s.to_string()).collect();
            let task = psql_task_hash(
                &PsqlStep {
                    content: content.as_bytes(),
                    options: &options,
                },
                server,
            );
            let id = chain(&input, &task);
            out.push(id);
            input = InputRef::State(id);
        }
        out
    }

    #[test]
    fn a_changed_step_keeps_the_states_before_it_and_changes_every_later_one() {
        let base = ids(
            &[
                ("create table a();", &[]),
                ("insert 1;", &[]),
                ("insert 2;", &[]),
            ],
            "15",
        );
        let edit = ids(
            &[
                ("create table a();", &[]),
                ("insert 1 ;", &[]),
                ("insert 2;", &[]),
            ],
            "15",
        );
        assert_eq!(base[0], edit[0]);
        assert_ne!(base[1], edit[1]);
        assert_ne!(
            base[2], edit[2],
            "the same script on another parent is another state"
        );
        assert_eq!(
            base,
            ids(
                &[
                    ("create table a();", &[]),
                    ("insert 1;", &[]),
                    ("insert 2;", &[])
                ],
                "15"
            )
        );
    }

    #[test]
    fn variables_options_and_the_server_are_part_of_a_state() {
        let plain = ids(&[("select :x;", &["-v", "x=1"])], "15");
        assert_ne!(plain, ids(&[("select :x;", &["-v", "x=2"])], "15"));
        assert_ne!(
            plain,
            ids(
                &[("select :x;", &["-v", "x=1", "--single-transaction"])],
                "15"
            )
        );
        assert_ne!(plain, ids(&[("select :x;", &["-v", "x=1"])], "16"));
    }
}
