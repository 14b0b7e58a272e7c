//! The one place where hyperforge's errors become user messages: each case picks the kind
//! (hence the exit code) and the hints. Exit codes: 0 ok, 1 failure (a forge, the network,
//! drift left after an apply), 2 usage, 3 a file or value to fix, 4 refused by a safety
//! rule (`--force`, `--allow-large` or `--yes` would allow it).

use hyperforge_forge::ForgeError;
use hyperforge_ops::OpsError;
use hyperforge_state::StateError;
use infra_cli::{CliError, ErrorKind};

/// Refused by a safety rule.
pub const REFUSED: u8 = 4;

fn state(e: StateError) -> CliError {
    match e {
        StateError::Yaml(y) => {
            let headline = format!("invalid {}", y.file.display());
            CliError::diagnostics(headline, vec![y.into()])
        }
        StateError::UnknownOrg { .. } => CliError::new(ErrorKind::Validation, e)
            .hint("`hyperforge org list` lists the orgs; `hyperforge org create` defines one"),
        StateError::TooNew { .. } | StateError::Migration { .. } => {
            CliError::new(ErrorKind::Validation, e)
        }
        StateError::LockAbandoned { .. } => CliError::new(ErrorKind::Failure, e)
            .hint("another hyperforge is writing the same org; try again when it is done"),
        StateError::Fs(_) | StateError::Render { .. } => CliError::new(ErrorKind::Failure, e),
    }
}

/// A neutral option name (`allow_large`, [`OpsError::param`]) as the command line's flag.
fn flag(param: &str) -> String {
    format!("--{}", param.replace('_', "-"))
}

fn forge(e: ForgeError) -> CliError {
    let hint = match &e {
        ForgeError::Auth { .. } => {
            "check the token with `hyperforge forge auth`; it may be expired or lack the repo scope"
        }
        ForgeError::Network { .. } => {
            "the forge could not be reached or kept failing; nothing was lost — run the command again"
        }
        ForgeError::RateLimited { .. } => "wait for the rate limit to reset, then run it again",
        ForgeError::NotFound { .. } => {
            "check the org's owner login on that forge (`hyperforge org show`)"
        }
        ForgeError::Conflict { .. }
        | ForgeError::Protocol { .. }
        | ForgeError::Forbidden { .. } => "",
    };
    CliError::new(ErrorKind::Failure, e).maybe_hint((!hint.is_empty()).then(|| hint.to_string()))
}

impl From<Wrapped> for CliError {
    fn from(Wrapped(e): Wrapped) -> Self {
        match e {
            OpsError::State(s) => state(s),
            OpsError::Forge(f) => forge(f),
            OpsError::Apply(hyperforge_apply::ApplyError::Stale { .. }) => {
                CliError::new(ErrorKind::Failure, e)
                    .hint("make a new plan with `hyperforge repos plan --out` and apply that")
            }
            OpsError::Apply(hyperforge_apply::ApplyError::Interrupted { signal, .. }) => {
                let code = u8::try_from(128 + signal).unwrap_or(130);
                CliError::new(ErrorKind::Exit(code), e).hint(
                    "the steps done are logged; run the same command again to resume",
                )
            }
            OpsError::Apply(_) => CliError::new(ErrorKind::Failure, e).hint(
                "the steps before it are done and logged; run the same command again to resume",
            ),
            OpsError::Safety(_) | OpsError::ProtectedRemove(_) => {
                let hint = match &e {
                    OpsError::ProtectedRemove(_) => "remove it anyway",
                    OpsError::Safety(hyperforge_plan::SafetyError::Protected { .. }) => {
                        "do it anyway"
                    }
                    _ => "apply it anyway",
                };
                let hint = e.param().map(|p| format!("pass {} to {hint}", flag(p)));
                CliError::new(ErrorKind::Exit(REFUSED), e).maybe_hint(hint)
            }
            OpsError::Drift(_) => CliError::new(ErrorKind::Failure, e)
                .hint("something changed the forges during the apply, or a forge ignores a field; run `hyperforge repos diff`"),
            OpsError::Token { .. } => CliError::new(ErrorKind::Validation, e).hint(
                "set the variable, store the secret with `hyperforge secrets set KEY`, or change the reference with `hyperforge forge add NAME … --replace`",
            ),
            OpsError::Exists { hint, .. } => CliError::new(ErrorKind::Validation, e).hint(hint),
            OpsError::UnknownForge(_) => CliError::new(ErrorKind::Validation, e)
                .hint("`hyperforge forge list` lists them; `hyperforge forge add` adds one"),
            OpsError::RepoExists(_) => CliError::new(ErrorKind::Validation, e)
                .hint("change it with `hyperforge repos update`"),
            OpsError::CaseCollision { .. }
            | OpsError::CaseTwin { .. }
            | OpsError::RenameTargetTaken { .. } => {
                CliError::new(ErrorKind::Validation, e)
                    .hint("choose another name, or `hyperforge org import` to declare the existing repository")
            }
            OpsError::PlanMismatch => CliError::new(ErrorKind::Validation, e)
                .hint("make a new plan with `hyperforge repos plan --out` and apply that"),
            OpsError::PendingChange(_) => CliError::new(ErrorKind::Validation, e)
                .hint("`hyperforge repos sync ORG NAME --yes` applies it first"),
            OpsError::UnknownRepo(_) => CliError::new(ErrorKind::Validation, e)
                .hint("`hyperforge repos list ORG` lists the declared ones"),
            OpsError::Pending { .. } => CliError::new(ErrorKind::Exit(REFUSED), e)
                .hint("sync them first, or pass --force to drop them with the org"),
            OpsError::Problems { file, problems } => {
                CliError::diagnostics(format!("invalid {}", file.display()), problems)
            }
            OpsError::SecretsFile(y) => CliError::diagnostics(
                format!("invalid {}", y.file.display()),
                vec![(*y).into()],
            ),
            OpsError::NotBound(_) | OpsError::NoWorkspace(_) => {
                CliError::new(ErrorKind::Validation, e)
                    .hint("`hyperforge workspace bind DIR ORG` binds a directory")
            }
            OpsError::Invalid { .. }
            | OpsError::Limit { .. }
            | OpsError::NoOwner { .. }
            | OpsError::PlanOrg { .. }
            | OpsError::PlanFile { .. }
            | OpsError::BadName(_) => CliError::new(ErrorKind::Validation, e),
            OpsError::Git(_) | OpsError::Fs(_) | OpsError::Keyring(_) => {
                CliError::new(ErrorKind::Failure, e)
            }
        }
    }
}

/// An [`OpsError`] on its way to the user (the orphan rule keeps the `From` impl here).
pub struct Wrapped(pub OpsError);

/// `?` on an operation's result in a command.
pub trait OrCli<T> {
    /// The result with its error turned into a [`CliError`].
    fn cli(self) -> Result<T, CliError>;
}

impl<T> OrCli<T> for Result<T, OpsError> {
    fn cli(self) -> Result<T, CliError> {
        self.map_err(|e| CliError::from(Wrapped(e)))
    }
}

impl<T> OrCli<T> for Result<T, StateError> {
    fn cli(self) -> Result<T, CliError> {
        self.map_err(state)
    }
}
