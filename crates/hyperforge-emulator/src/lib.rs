//! A faithful forge emulator for hyperforge's tests and demo: no real forge is reachable
//! where they run, and a mock that only answers what a client asks cannot catch a client
//! that asks the wrong thing. It serves the GitHub REST v3 subset under `/api/v3` (as a
//! GitHub Enterprise Server), the Gitea API v1 subset under `/api/v1`, or the GitLab API v4
//! subset under `/api/v4` (orgs as groups, repositories as projects), with real pagination
//! headers, ETags and rate-limit headers, each repository a bare git repository behind
//! `git http-backend`, and faults armed per test through `/_emulator/faults`. All kinds
//! share one model, so a scenario reads the same whichever forge a test emulates.
//!
//! Start-up contract (see [`Config`]): `forge-emulator --kind github|gitea|gitlab --listen
//! 127.0.0.1:PORT [--user LOGIN:TOKEN[:SCOPES]]… [--org NAME[:OWNER]]… [--state DIR]
//! [--admin-token TOKEN]` prints `listening on http://127.0.0.1:PORT` as its first stdout
//! line and exits 0 on SIGTERM. `--user` scopes default to [`DEFAULT_SCOPES`] (on GitLab to
//! [`GITLAB_DEFAULT_SCOPES`]: `api`, while `read_api` may only read); an `--org`
//! without owners is owned by the first `--user`. Without `--state` the state lives in a
//! temporary directory removed at exit; with it, `state.json` (written atomically) and the
//! bare repositories under `git/` survive a restart.
//!
//! Auth: every API call needs `Authorization: token T` or `Bearer T` — on GitLab
//! `PRIVATE-TOKEN: T` or `Bearer T` — (401 otherwise, also for a wrong token); git smart HTTP takes the token as the basic-auth password, reads of
//! public repositories need none, pushes need an owner's (or org owner's) token.
//!
//! Fault injection, `/_emulator/faults`, guarded by the admin token — `--admin-token`, else
//! the first `--user`'s token (so a test that starts the emulator already holds it; with no
//! user and no `--admin-token` the endpoint is open): `POST` a JSON [`Fault`]
//! (`latency_ms`, `status`, `rate_limit`, `secondary_rate_limit`, `reset`, `count`,
//! `path_prefix`, `retry_after`) to arm it, `GET` to list, `DELETE` to disarm all. The first
//! armed fault whose prefix matches a request applies, `count` times (for ever without).

mod api;
mod app;
mod config;
mod effects;
mod error;
mod faults;
mod git;
mod gitlab;
mod gitlab_projects;
mod gitlab_render;
mod http;
mod model;
mod render;
mod server;
mod spawn;

pub use config::{Config, DEFAULT_SCOPES, GITLAB_DEFAULT_SCOPES, Kind, OrgFlag, USAGE, UserFlag};
pub use error::EmulatorError;
pub use faults::Fault;
pub use model::{Persisted, Repo};
pub use server::run;
pub use spawn::Running;
