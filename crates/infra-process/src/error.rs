//! Everything that can go wrong when running a child process.

use std::io;

/// "not found on PATH" for a name, "does not exist" for a path (never looked up on PATH).
fn not_found(program: &str) -> String {
    if program.is_empty() {
        "the program to run is empty".to_string()
    } else if program.contains('/') {
        format!("`{program}` does not exist")
    } else {
        format!("`{program}` was not found on PATH")
    }
}

/// A child process could not be run or did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The program does not exist on `PATH` (or at the given path).
    #[error("{}", not_found(program))]
    NotFound {
        /// The program that was looked up.
        program: String,
    },
    /// The program exists but could not be started.
    #[error("failed to start `{command}`")]
    Spawn {
        /// The command line, as shown by [`Cmd::display`](crate::Cmd::display).
        command: String,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// Waiting for the child failed.
    #[error("failed to wait for `{command}`")]
    Wait {
        /// The command line, as shown by [`Cmd::display`](crate::Cmd::display).
        command: String,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// The child exited unsuccessfully or was killed by a signal.
    #[error("`{command}` {}", describe_failure(*code, *signal))]
    Failed {
        /// The command line, as shown by [`Cmd::display`](crate::Cmd::display).
        command: String,
        /// The exit code, when the child exited normally.
        code: Option<i32>,
        /// The signal that killed the child, if any.
        signal: Option<i32>,
        /// The last lines of the child's output (empty for [`Output::Inherit`](crate::Output::Inherit)).
        output_tail: String,
    },
    /// We were interrupted by SIGINT/SIGTERM while (or before) running the command.
    #[error("`{command}` was interrupted by signal {signal}")]
    Interrupted {
        /// The command line, as shown by [`Cmd::display`](crate::Cmd::display).
        command: String,
        /// The signal we received.
        signal: i32,
    },
}

fn describe_failure(code: Option<i32>, signal: Option<i32>) -> String {
    match (code, signal) {
        (Some(code), _) => format!("failed with exit status {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        (None, None) => "failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_messages() {
        let failed = |code, signal| ProcessError::Failed {
            command: "uv sync".into(),
            code,
            signal,
            output_tail: "boom".into(),
        };
        assert_eq!(
            failed(Some(2), None).to_string(),
            "`uv sync` failed with exit status 2"
        );
        assert_eq!(
            failed(None, Some(9)).to_string(),
            "`uv sync` was killed by signal 9"
        );
        assert_eq!(
            ProcessError::NotFound {
                program: "uv".into()
            }
            .to_string(),
            "`uv` was not found on PATH"
        );
    }
}
