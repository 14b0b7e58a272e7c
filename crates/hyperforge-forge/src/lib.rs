//! Talking to forges.
//!
//! [`Forge`] is what the plan and apply layers need of a forge: who the token belongs to,
//! the repositories of an owner, create, update, delete. [`RestForge`] implements it for
//! GitHub and Gitea (the [`Dialect`]) over HTTP with the [`Http`] core: a configurable base URL (GitHub Enterprise,
//! self-hosted Gitea/Forgejo, Codeberg, the emulator), timeouts, pagination through `Link`
//! headers, ETag conditional GETs, and retries with backoff and jitter on rate limits,
//! server errors and dropped connections — while auth failures are told apart from
//! network failures and never retried. [`GitLabForge`] implements it for GitLab's API v4
//! over the same core (the token in `PRIVATE-TOKEN`, projects by URL-encoded path, archive
//! as its own call).

#![warn(missing_docs)]

mod error;
mod gitlab;
mod http;
mod link;
mod model;
mod rest;

pub use error::ForgeError;
pub use gitlab::GitLabForge;
pub use http::{Answer, Http, RetryPolicy, requested_wait};
pub use link::next_link;
pub use model::{Forge, Identity, NewRepo, RemoteRepo, RepoPatch};
pub use rest::{Dialect, RestForge};
