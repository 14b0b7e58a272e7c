//! Why an operation failed.

/// An operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The config directory.
    #[error(transparent)]
    State(#[from] hyperforge_state::StateError),
    /// A forge.
    #[error(transparent)]
    Forge(#[from] hyperforge_forge::ForgeError),
    /// Applying the plan.
    #[error(transparent)]
    Apply(#[from] hyperforge_apply::ApplyError),
    /// The safety rules refused the plan.
    #[error(transparent)]
    Safety(#[from] hyperforge_plan::SafetyError),
    /// After applying, the forges still differ from the desired state.
    #[error("drift detected: {0} change(s) remain after the apply")]
    Drift(usize),
    /// A name read from a forge is not one hyperforge accepts.
    #[error("the forge reports a repository named `{0}`, which is not a valid name")]
    BadName(String),
}
