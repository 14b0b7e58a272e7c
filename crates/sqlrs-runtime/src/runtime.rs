//! The operations the prepare orchestration needs from a runtime, whatever runs the server.
//!
//! sqlrs builds states the same way on the host's PostgreSQL and in containers: a data
//! directory on the host is initialised, a server is started on it on a loopback port,
//! psql steps run against that port, the server is stopped cleanly before the directory is
//! snapshotted. [`Runtime`] is that contract, so the orchestration and the engine hold a
//! `&dyn Runtime` and never ask which kind they have. The data directory is the server's
//! identity (`start` and `stop` take it); the port is the client's (`psql`, `connections`,
//! `run_tool` take it), as a user's DSN does.

use std::path::{Path, PathBuf};

use infra_process::Interrupt;

use crate::RuntimeError;

/// What a psql step printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutput {
    /// Its stdout.
    pub stdout: String,
    /// Its stderr.
    pub stderr: String,
}

/// Who a running server belongs to: the container runtimes label their containers with it
/// (`sqlrs.job=<id>` or `sqlrs.instance=<id>`), so the servers of a job or an instance that
/// no longer exists can be found and removed ([`Runtime::reap_orphans`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A prepare job building states.
    Job(String),
    /// An instance handed out to a user.
    Instance(String),
}

impl Owner {
    /// The label key this owner is recorded under.
    pub fn label_key(&self) -> &'static str {
        match self {
            Owner::Job(_) => "sqlrs.job",
            Owner::Instance(_) => "sqlrs.instance",
        }
    }

    /// The owner's id.
    pub fn id(&self) -> &str {
        match self {
            Owner::Job(id) | Owner::Instance(id) => id,
        }
    }
}

/// How a user connects to the server on 127.0.0.1:`port`.
pub fn dsn(port: u16, password: Option<&str>) -> String {
    match password {
        Some(pw) => format!("postgres://sqlrs:{pw}@127.0.0.1:{port}/postgres"),
        None => format!("postgres://sqlrs@127.0.0.1:{port}/postgres"),
    }
}

/// A PostgreSQL client program a user may run against an instance (`sqlrs run:psql`,
/// `sqlrs run:pgbench`). A closed set: the container runtimes run it inside the server's
/// container, where only the image's PostgreSQL tools are known to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `psql`.
    Psql,
    /// `pgbench`.
    Pgbench,
}

impl Tool {
    /// The program's name.
    pub fn program(self) -> &'static str {
        match self {
            Tool::Psql => "psql",
            Tool::Pgbench => "pgbench",
        }
    }
}

/// How a client tool's input and output are connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolIo {
    /// Our stdin, stdout and stderr (an interactive session; a Ctrl-C reaches the tool).
    Inherit,
    /// These bytes on stdin (none: an empty stdin); stdout and stderr captured.
    Capture {
        /// The tool's stdin.
        stdin: Option<Vec<u8>>,
    },
}

/// How a client tool ended. A non-zero exit is a result here, not an error: the caller
/// passes the tool's own exit code on to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolRun {
    /// The exit code (`None` when the tool was killed by a signal).
    pub code: Option<i32>,
    /// Its stdout (captured runs that succeeded; empty otherwise).
    pub stdout: String,
    /// Its stderr when it succeeded, the last lines of its output when it failed (empty for
    /// [`ToolIo::Inherit`]).
    pub stderr: String,
}

/// A way of running PostgreSQL servers on host data directories.
///
/// The layout inside a data directory is the same for every runtime (PGDATA is
/// `<data>/pgdata`, role `sqlrs`, trust on loopback, UTF-8, C locale), so a state's files
/// do not depend on the runtime that built them beyond the server binaries themselves
/// (which [`Runtime::server_version`] names).
pub trait Runtime: std::fmt::Debug + Send + Sync {
    /// The runtime's kind: `native`, `docker` or `podman`.
    fn name(&self) -> &'static str;

    /// The `sqlrs` role's password clients on the host need (`None`: trust).
    fn password(&self) -> Option<&str> {
        None
    }

    /// What identifies the server build: `postgres --version`'s line.
    fn server_version(&self, interrupt: &Interrupt) -> Result<String, RuntimeError>;

    /// Creates `data` and initialises a cluster in `<data>/pgdata`.
    fn init_base(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError>;

    /// Starts the server of `data` on 127.0.0.1:`port` for `owner`; returns once it
    /// accepts connections.
    fn start(
        &self,
        data: &Path,
        port: u16,
        owner: &Owner,
        interrupt: &Interrupt,
    ) -> Result<(), RuntimeError>;

    /// Stops the server of `data` cleanly (a checkpoint and no `postmaster.pid` left, so
    /// the directory is a consistent snapshot) and releases what ran it.
    fn stop(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError>;

    /// Runs psql with `options` against the server on `port`, `input` as its script (read
    /// from stdin, so exactly these bytes run). A failing script is
    /// [`RuntimeError::Tool`] holding psql's exit status and last lines.
    fn psql(
        &self,
        port: u16,
        options: &[String],
        input: &[u8],
        interrupt: &Interrupt,
    ) -> Result<StepOutput, RuntimeError>;

    /// How many client connections the server on `port` has, from `pg_stat_activity`
    /// (client backends only, this query's own connection not counted).
    fn connections(&self, port: u16, interrupt: &Interrupt) -> Result<u32, RuntimeError>;

    /// Runs `tool` with the user's `args` against the server on `port` (host, port, user
    /// and database come from `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, so `args` may
    /// override them).
    fn run_tool(
        &self,
        port: u16,
        tool: Tool,
        args: &[String],
        io: ToolIo,
        interrupt: &Interrupt,
    ) -> Result<ToolRun, RuntimeError>;

    /// Whether a server accepts connections on 127.0.0.1:`port` (a startup packet, no
    /// client tool needed; see [`crate::accepting_connections`]).
    fn ready(&self, port: u16) -> bool {
        crate::accepting_connections(port)
    }

    /// Removes the servers this runtime started whose owner `alive` says is gone (called
    /// when the engine starts); returns what was removed. Servers that are plain host
    /// processes have no labels: the native runtime finds none.
    fn reap_orphans(
        &self,
        alive: &dyn Fn(&Owner) -> bool,
        interrupt: &Interrupt,
    ) -> Result<Vec<String>, RuntimeError> {
        let _ = (alive, interrupt);
        Ok(Vec::new())
    }
}

/// Where PGDATA is inside a data directory (the same for every runtime).
pub fn pgdata(data: &Path) -> PathBuf {
    data.join("pgdata")
}

/// The query behind [`Runtime::connections`].
pub(crate) const CONNECTIONS_SQL: &[u8] = b"select count(*) from pg_stat_activity \
where backend_type = 'client backend' and pid <> pg_backend_pid();\n";

/// psql options for a one-value query: no psqlrc, tuples only, unaligned, stop on error.
pub(crate) fn query_options() -> Vec<String> {
    ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}

/// The count [`CONNECTIONS_SQL`] printed.
pub(crate) fn parse_count(out: &StepOutput) -> Result<u32, RuntimeError> {
    out.stdout
        .trim()
        .parse()
        .map_err(|_| RuntimeError::UnexpectedOutput {
            step: "count connections".into(),
            output: out.stdout.trim().to_string(),
            expected: "a number",
        })
}

/// Maps a tool's ending to a [`ToolRun`]: a non-zero exit is the tool's answer, anything
/// else (not found, interrupted) an error.
pub(crate) fn tool_run(
    tool: Tool,
    result: Result<infra_process::Finished, infra_process::ProcessError>,
) -> Result<ToolRun, RuntimeError> {
    match result {
        Ok(done) => Ok(ToolRun {
            code: Some(done.code),
            stdout: done.stdout,
            stderr: done.stderr,
        }),
        Err(infra_process::ProcessError::Failed {
            code, output_tail, ..
        }) => Ok(ToolRun {
            code,
            stdout: String::new(),
            stderr: output_tail,
        }),
        Err(source) => Err(RuntimeError::Tool {
            step: tool.program().to_string(),
            source,
        }),
    }
}
