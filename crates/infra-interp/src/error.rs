//! Errors from parsing and rendering templates.

/// A template could not be parsed or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpError {
    /// The template text is not valid interpolation syntax.
    #[error("invalid interpolation at byte {offset}: {message}")]
    Syntax {
        /// Byte offset in the parsed string where the problem starts.
        offset: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A variable without a default is not set (or is empty where `:?` demands a value).
    #[error("variable `{name}` is not set{}", match message {
        Some(message) => format!(": {message}"),
        None => String::new(),
    })]
    Missing {
        /// The variable name.
        name: String,
        /// The message from a `${NAME:?message}` / `${NAME?message}` reference.
        message: Option<String>,
    },
}
