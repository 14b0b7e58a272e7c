//! What an operation reports while it runs: one [`Event`] per thing done, so the CLI can
//! print a line per event (or one NDJSON object per event with `--json`, as the earlier
//! hub streamed them) and the hub daemon can stream the same objects to its clients.

use serde::Serialize;

/// One thing that happened, tagged by `type` on the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A forge's repositories of the org's owner were listed.
    Refreshed {
        /// The forge.
        forge: String,
        /// The owner login listed.
        owner: String,
        /// How many repositories it holds.
        repos: usize,
    },
    /// A plan was computed.
    Planned {
        /// The org.
        org: String,
        /// Repositories to create (per forge).
        create: usize,
        /// Repositories to change.
        update: usize,
        /// Repositories to delete.
        delete: usize,
        /// Repositories to rename.
        rename: usize,
        /// Declared repositories needing nothing.
        in_sync: usize,
        /// The hash of the observed state it was computed from.
        observed_hash: String,
    },
    /// A plan step was carried out.
    Step {
        /// Its index in the plan.
        index: usize,
        /// `create`, `update`, `rename`, `delete`.
        op: String,
        /// The forge.
        forge: String,
        /// The repository.
        repo: String,
        /// An earlier, interrupted apply had done it.
        resumed: bool,
    },
    /// `repos.yaml` was updated with what the forges hold (`_synced`, `_discovered`).
    Captured {
        /// The org.
        org: String,
        /// Repositories recorded.
        repos: usize,
    },
    /// A change was staged.
    Staged {
        /// The org.
        org: String,
        /// The repository.
        repo: String,
        /// `create`, `update`, `remove`.
        change: String,
    },
    /// A git remote of a clone in a workspace was checked.
    Remote {
        /// The clone's repository.
        repo: String,
        /// The remote (named after the forge).
        remote: String,
        /// `added`, `corrected`, `kept` (a dry run: `to add`, `to correct`).
        change: String,
        /// Its URL.
        url: String,
    },
    /// Content was pushed to a mirror forge.
    Pushed {
        /// The repository.
        repo: String,
        /// The forge.
        forge: String,
    },
    /// A repository was cloned into a workspace.
    Cloned {
        /// The repository.
        repo: String,
        /// Where.
        path: String,
    },
    /// The HTTP requests an operation sent, per forge (retries included): the run's
    /// request budget, reported at its end.
    Requests {
        /// Requests per forge.
        forges: std::collections::BTreeMap<String, u64>,
        /// All of them.
        total: u64,
    },
    /// Something worth knowing that did not stop the operation.
    Warning {
        /// What.
        message: String,
    },
}

/// Where events go.
pub type Emit<'a> = &'a (dyn Fn(Event) + Sync);
