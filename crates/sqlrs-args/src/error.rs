//! Why arguments are refused.

/// An argument sqlrs does not accept, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ArgsError {
    /// 0-based index of the argument in the list given, when one argument is to blame.
    pub index: Option<usize>,
    /// What is wrong and what to do instead.
    pub message: String,
}

impl ArgsError {
    pub(crate) fn at(index: usize, message: impl Into<String>) -> Self {
        Self {
            index: Some(index),
            message: message.into(),
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> Self {
        Self {
            index: None,
            message: message.into(),
        }
    }
}
