//! A description of a command to run, and its display as a shell line.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A command to run: program, arguments, working directory and environment changes.
///
/// Unlike [`std::process::Command`] it is a plain value that can be cloned, inspected and
/// shown to the user with [`Cmd::display`].
#[derive(Clone)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    current_dir: Option<PathBuf>,
    /// Environment changes in order: `Some` sets a variable, `None` removes it.
    env: Vec<(OsString, Option<OsString>)>,
    stdin_null: bool,
    /// Bytes written to the child's stdin (then closed).
    stdin_bytes: Option<std::sync::Arc<[u8]>>,
    /// The user and group the child runs as.
    run_as: Option<(u32, u32)>,
    /// Values hidden in the child's output as hsm shows it (see [`Cmd::secret_env`]).
    secrets: Vec<String>,
}

/// Shows the command line and the names of environment changes, never their values.
impl std::fmt::Debug for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<_> = self.env.iter().map(|(k, _)| k).collect();
        f.debug_struct("Cmd")
            .field("command", &self.display())
            .field("current_dir", &self.current_dir)
            .field("env", &env)
            .finish_non_exhaustive()
    }
}

impl Cmd {
    /// A command running `program` (looked up on `PATH` unless it contains a `/`).
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            current_dir: None,
            env: Vec::new(),
            stdin_null: false,
            stdin_bytes: None,
            run_as: None,
            secrets: Vec::new(),
        }
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Appends several arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|arg| arg.as_ref().to_owned()));
        self
    }

    /// Runs the command in `dir` instead of our working directory.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.current_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Sets an environment variable whose value is secret: wherever the child's output is
    /// shown (forwarded lines, the tail of a failure), the value reads `<redacted>`.
    pub fn secret_env(mut self, key: impl AsRef<OsStr>, value: &str) -> Self {
        if crate::redact::worth_hiding(value) {
            self.secrets.push(value.to_string());
        }
        self.env(key, value)
    }

    /// The values marked secret.
    pub(crate) fn secrets(&self) -> &[String] {
        &self.secrets
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Gives the child an empty stdin instead of ours.
    pub fn stdin_null(mut self) -> Self {
        self.stdin_null = true;
        self
    }

    /// Gives the child these bytes as stdin (written by a thread, then closed).
    pub fn stdin_bytes(mut self, bytes: impl Into<std::sync::Arc<[u8]>>) -> Self {
        self.stdin_bytes = Some(bytes.into());
        self
    }

    /// The bytes for the child's stdin, if given.
    pub(crate) fn get_stdin_bytes(&self) -> Option<std::sync::Arc<[u8]>> {
        self.stdin_bytes.clone()
    }

    /// Runs the child as user `uid`, group `gid` (no supplementary groups); only root may.
    pub fn run_as(mut self, uid: u32, gid: u32) -> Self {
        self.run_as = Some((uid, gid));
        self
    }

    /// The program to run.
    pub fn program(&self) -> &OsStr {
        &self.program
    }

    /// The arguments, in order.
    pub fn get_args(&self) -> &[OsString] {
        &self.args
    }

    /// The working directory, if one was set.
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.current_dir.as_deref()
    }

    /// The command line as a shell would need it: program and arguments, with arguments
    /// containing spaces or shell metacharacters single-quoted. Environment variables are
    /// never included, so secrets passed through the environment cannot leak.
    pub fn display(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(|part| shell_quote(&part.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Builds the [`Command`] to spawn; stdout and stderr are left for the caller to set.
    pub(crate) fn to_command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if self.stdin_null {
            command.stdin(Stdio::null());
        }
        if self.stdin_bytes.is_some() {
            command.stdin(Stdio::piped());
        }
        if let Some((uid, gid)) = self.run_as {
            use std::os::unix::process::CommandExt as _;
            // As root, std also drops supplementary groups before switching.
            command.uid(uid).gid(gid);
        }
        command
    }
}

/// Quotes `word` for a POSIX shell when it contains anything but safe characters.
fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_only_when_needed() {
        let cmd = Cmd::new("uv")
            .args(["pip", "install", "--index-url=https://x.example/simple"])
            .arg("my package")
            .arg("")
            .arg("it's")
            .arg("$HOME")
            .arg("a;b")
            .arg("*.py");
        assert_eq!(
            cmd.display(),
            r"uv pip install --index-url=https://x.example/simple 'my package' '' 'it'\''s' '$HOME' 'a;b' '*.py'"
        );
    }

    #[test]
    fn display_never_shows_environment() {
        let cmd = Cmd::new("git")
            .arg("clone")
            .env("GIT_TOKEN", "hunter2")
            .env_remove("HOME");
        assert_eq!(cmd.display(), "git clone");
        assert!(!cmd.display().contains("hunter2"));
    }

    #[test]
    fn accessors() {
        let cmd = Cmd::new("/bin/sh").arg("-c").current_dir("/tmp");
        assert_eq!(cmd.program(), "/bin/sh");
        assert_eq!(cmd.get_args(), &[OsString::from("-c")]);
        assert_eq!(cmd.get_current_dir(), Some(Path::new("/tmp")));
    }
}
