//! Talking to the container engine through its command-line client.
//!
//! The client (not an HTTP API library) is the interface Docker and Podman share, so one
//! adapter serves both and the user's own client configuration keeps working. Where the
//! daemon is comes only from the configuration ([`DockerConfig::host`], passed to the
//! client as `DOCKER_HOST` or `CONTAINER_HOST`): a library does not read the environment.
//! The client's failures are classified here by their words, so "the daemon is not
//! running" and "the image is missing" reach the user as such, not as a failed command.

use std::path::{Path, PathBuf};

use infra_process::{Cmd, Finished, Interrupt, Output, ProcessError};

use crate::RuntimeError;

/// Which container engine the client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Docker (`docker`, `DOCKER_HOST`).
    Docker,
    /// Podman (`podman`, `CONTAINER_HOST`).
    Podman,
}

impl Engine {
    /// `docker` or `podman`.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Docker => "docker",
            Engine::Podman => "podman",
        }
    }

    /// The client's variable naming the daemon.
    fn host_var(self) -> &'static str {
        match self {
            Engine::Docker => "DOCKER_HOST",
            Engine::Podman => "CONTAINER_HOST",
        }
    }
}

/// How to reach the container engine and what to run in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerConfig {
    /// Docker or Podman.
    pub engine: Engine,
    /// The client binary (a name looked up on `PATH`, or a path).
    pub binary: PathBuf,
    /// The daemon's address (`unix:///…/docker.sock`), given to the client as
    /// `DOCKER_HOST` (`CONTAINER_HOST` for Podman); `None`: the client's own default.
    pub host: Option<String>,
    /// The PostgreSQL image (never pulled: it must be present, see `scripts/sqlrs/pg-image`).
    pub image: String,
    /// The user the server runs as in the container (`--user uid:gid`), who owns the data
    /// directories on the host; the image must know the uid (initdb looks its name up).
    /// `None`: the image's own user, and data directories are left as they are.
    pub run_as: Option<crate::RunAs>,
    /// Which sqlrs store the containers belong to (label `sqlrs.scope`): orphans are only
    /// looked for among the containers of the same scope.
    pub scope: String,
    /// Extra `run` arguments (for example Podman's `--ulimit nofile=1024:1024`).
    pub run_args: Vec<String>,
    /// The `sqlrs` role's password host clients need (`None`: trust).
    pub password: Option<String>,
}

impl DockerConfig {
    /// `engine`'s client from `PATH`, its default daemon, the image's user, no extra args.
    pub fn new(engine: Engine, image: impl Into<String>, scope: impl Into<String>) -> Self {
        Self {
            engine,
            binary: PathBuf::from(engine.name()),
            host: None,
            image: image.into(),
            run_as: None,
            scope: scope.into(),
            run_args: Vec::new(),
            password: None,
        }
    }

    /// The host shown in messages.
    pub(crate) fn host_display(&self) -> String {
        self.host
            .clone()
            .unwrap_or_else(|| format!("the {} client's default", self.engine.name()))
    }

    /// A client command with no stdin, talking to the configured daemon.
    pub(crate) fn cmd(&self) -> Cmd {
        self.client().stdin_null()
    }

    /// A client command talking to the configured daemon, stdin not set.
    pub(crate) fn client(&self) -> Cmd {
        let cmd = Cmd::new(&self.binary);
        match &self.host {
            Some(host) => cmd
                .env(self.engine.host_var(), host)
                .env_remove("DOCKER_CONTEXT"),
            None => cmd,
        }
    }

    /// Runs a client command, its output captured; failures classified.
    pub(crate) fn run(
        &self,
        step: &str,
        cmd: &Cmd,
        interrupt: &Interrupt,
    ) -> Result<Finished, RuntimeError> {
        infra_process::run(cmd, Output::Capture, interrupt).map_err(|e| self.classify(step, e))
    }

    /// A client failure as the user needs to hear it.
    pub(crate) fn classify(&self, step: &str, source: ProcessError) -> RuntimeError {
        let engine = self.engine.name();
        let tail = match &source {
            ProcessError::NotFound { .. } => {
                return RuntimeError::NotInstalled {
                    program: self.binary.display().to_string(),
                };
            }
            ProcessError::Failed { output_tail, .. } => output_tail.to_lowercase(),
            _ => String::new(),
        };
        let daemon_down = [
            "cannot connect to the docker daemon",
            "is the docker daemon running",
            "cannot connect to podman",
            "unable to connect to podman",
        ];
        if daemon_down.iter().any(|w| tail.contains(w)) {
            return RuntimeError::DaemonUnavailable {
                engine,
                host: self.host_display(),
                source,
            };
        }
        let no_image = ["no such image", "unable to find image", "image not known"];
        if no_image.iter().any(|w| tail.contains(w)) {
            return RuntimeError::NoImage {
                engine,
                image: self.image.clone(),
                source,
            };
        }
        RuntimeError::Tool {
            step: step.to_string(),
            source,
        }
    }
}

/// Whether a client failure says the container does not exist.
pub(crate) fn no_such_container(e: &RuntimeError) -> bool {
    match e {
        RuntimeError::Tool {
            source: ProcessError::Failed { output_tail, .. },
            ..
        } => {
            let t = output_tail.to_lowercase();
            ["no such container", "no such object", "no container with"]
                .iter()
                .any(|w| t.contains(w))
        }
        _ => false,
    }
}

/// Whether a `run` failed because the container name is taken.
pub(crate) fn name_in_use(e: &RuntimeError) -> bool {
    match e {
        RuntimeError::Tool {
            source: ProcessError::Failed { output_tail, .. },
            ..
        } => output_tail.contains("is already in use"),
        _ => false,
    }
}

/// The host path as a bind-mount source: absolute, UTF-8, and free of the characters the
/// clients' `-v src:dst` syntax splits on.
pub(crate) fn mount_source(path: &Path) -> Result<&str, RuntimeError> {
    let bad = |reason| RuntimeError::UnsupportedPath {
        path: path.to_path_buf(),
        reason,
    };
    if !path.is_absolute() {
        return Err(bad("expected an absolute path"));
    }
    let s = path.to_str().ok_or_else(|| bad("expected a UTF-8 path"))?;
    if s.contains([':', ',', '\n']) {
        return Err(bad("expected a path without `:`, `,` or line breaks"));
    }
    Ok(s)
}

/// A stable name for the container serving `data` in `scope` (FNV-1a: the same across
/// builds and releases, unlike `std`'s hasher), so one data directory never gets two
/// servers and `stop` finds it again after an engine restart.
pub(crate) fn container_name(scope: &str, data: &Path) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = scope
        .as_bytes()
        .iter()
        .chain(&[0u8])
        .chain(data.as_os_str().as_encoded_bytes());
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("sqlrs-pg-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_are_stable_and_differ_by_scope_and_path() {
        let a = container_name("s", Path::new("/x/a"));
        assert_eq!(a, container_name("s", Path::new("/x/a")));
        assert_ne!(a, container_name("t", Path::new("/x/a")));
        assert_ne!(a, container_name("s", Path::new("/x/b")));
        assert!(a.starts_with("sqlrs-pg-") && a.len() == 9 + 16, "{a}");
    }

    #[test]
    fn mount_sources_must_be_absolute_and_splittable() {
        assert_eq!(mount_source(Path::new("/a/b")).unwrap(), "/a/b");
        assert!(mount_source(Path::new("a/b")).is_err());
        assert!(mount_source(Path::new("/a:b")).is_err());
        assert!(mount_source(Path::new("/a,b")).is_err());
    }

    #[test]
    fn client_failures_are_classified_by_their_words() {
        let config = DockerConfig::new(Engine::Docker, "img:1", "s");
        let failed = |tail: &str| ProcessError::Failed {
            command: "docker run".into(),
            code: Some(125),
            signal: None,
            output_tail: tail.into(),
        };
        let down = config.classify(
            "x",
            failed("Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?"),
        );
        assert!(
            matches!(down, RuntimeError::DaemonUnavailable { .. }),
            "{down:?}"
        );
        let image = config.classify("x", failed("Error: No such image: img:1"));
        assert!(matches!(image, RuntimeError::NoImage { .. }), "{image:?}");
        let other = config.classify("x", failed("boom"));
        assert!(matches!(other, RuntimeError::Tool { .. }), "{other:?}");
        let missing = config.classify(
            "x",
            ProcessError::NotFound {
                program: "docker".into(),
            },
        );
        assert!(matches!(missing, RuntimeError::NotInstalled { .. }));
        assert!(no_such_container(
            &config.classify("x", failed("Error: No such container: sqlrs-pg-1"))
        ));
    }
}
