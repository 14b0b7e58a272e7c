//! The native runtime: the host's PostgreSQL binaries.

use std::path::{Path, PathBuf};

use infra_process::{Cmd, Interrupt, Output};

use crate::runtime::{CONNECTIONS_SQL, parse_count, query_options, tool_run};
use crate::{Owner, RunAs, Runtime, RuntimeError, StepOutput, Tool, ToolIo, ToolRun};

/// `<root>/<major>/bin` of the highest major version that has an `initdb`.
fn debian_bin(root: &Path) -> Option<PathBuf> {
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    majors.sort();
    majors.pop().map(|(_, bin)| bin)
}

/// The role sqlrs creates in every cluster and connects as.
const ROLE: &str = "sqlrs";

/// PostgreSQL from a directory of binaries, run as `run_as` when sqlrs is root.
#[derive(Debug, Clone)]
pub struct NativeRuntime {
    bin: PathBuf,
    run_as: Option<RunAs>,
    /// The `sqlrs` role's password: set by initdb, required on every TCP connection
    /// (scram-sha-256); `None` keeps the old trust authentication.
    password: Option<String>,
}

/// Writes `text` to `path`, mode 0600, owned by `owner` when given.
fn write_private(path: &Path, text: &str, owner: Option<RunAs>) -> Result<(), RuntimeError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| RuntimeError::io("create", path, e))?;
    file.write_all(format!("{text}\n").as_bytes())
        .map_err(|e| RuntimeError::io("write", path, e))?;
    if let Some(u) = owner {
        u.own(path)?;
    }
    Ok(())
}

impl NativeRuntime {
    /// The binaries in `bin` (the directory holding `initdb`, `pg_ctl`, `postgres`, `psql`).
    pub fn new(bin: impl Into<PathBuf>, run_as: Option<RunAs>) -> Self {
        Self {
            bin: bin.into(),
            run_as,
            password: None,
        }
    }

    /// With a password for the `sqlrs` role: clusters initialised from now on require it
    /// (scram-sha-256), and every client this runtime starts passes it in `PGPASSWORD`
    /// (never on a command line).
    #[must_use]
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The binaries next to the `initdb` found on `PATH` (links resolved), else those of
    /// the newest `/usr/lib/postgresql/<major>/bin` (where Debian installs them, off `PATH`).
    pub fn detect(run_as: Option<RunAs>) -> Result<Self, RuntimeError> {
        let not_installed = || RuntimeError::NotInstalled {
            program: "initdb".into(),
        };
        let bin = match infra_process::which("initdb") {
            Some(initdb) => {
                let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
                real.parent().ok_or_else(not_installed)?.to_path_buf()
            }
            None => debian_bin(Path::new("/usr/lib/postgresql")).ok_or_else(not_installed)?,
        };
        Ok(Self::new(bin, run_as))
    }

    fn cmd(&self, program: &str) -> Cmd {
        // From `/`: the engine's own directory is no business of the server user's (it may
        // not even be able to enter it).
        let cmd = Cmd::new(self.bin.join(program))
            .stdin_null()
            .current_dir("/");
        match self.run_as {
            Some(u) => cmd.run_as(u.uid, u.gid),
            None => cmd,
        }
    }

    /// `cmd` with the role's password in `PGPASSWORD` (redacted from its output).
    fn authenticated(&self, cmd: Cmd) -> Cmd {
        match &self.password {
            Some(pw) => cmd.secret_env("PGPASSWORD", pw),
            None => cmd,
        }
    }

    fn run(
        &self,
        step: &str,
        cmd: &Cmd,
        interrupt: &Interrupt,
    ) -> Result<infra_process::Finished, RuntimeError> {
        infra_process::run(cmd, Output::Capture, interrupt).map_err(|source| RuntimeError::Tool {
            step: step.to_string(),
            source,
        })
    }

    /// What identifies this PostgreSQL build: `postgres --version`'s line.
    pub fn server_version(&self, interrupt: &Interrupt) -> Result<String, RuntimeError> {
        let out = self.run(
            "postgres --version",
            &self.cmd("postgres").arg("--version"),
            interrupt,
        )?;
        Ok(out.stdout.trim().to_string())
    }

    /// Where PGDATA is inside a data directory.
    pub fn pgdata(data: &Path) -> PathBuf {
        crate::runtime::pgdata(data)
    }

    /// Creates `data` and initialises a cluster in it: role `sqlrs`, trust on loopback,
    /// UTF-8, C locale (the same everywhere, so states do not depend on the host's locale).
    pub fn init_base(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        std::fs::create_dir_all(data).map_err(|e| RuntimeError::io("create", data, e))?;
        if let Some(u) = self.run_as {
            u.own(data)?;
        }
        let pgdata = Self::pgdata(data);
        let auth = if self.password.is_some() {
            "scram-sha-256"
        } else {
            "trust"
        };
        let mut cmd = self.cmd("initdb").arg("-D").arg(&pgdata).args([
            "-U",
            ROLE,
            "-A",
            auth,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        // The password in a file only the server's user reads, removed right after: not on
        // a command line (`/dev/stdin` cannot be reopened after the switch of user).
        let pwfile = data.join(".pwfile");
        if let Some(pw) = &self.password {
            write_private(&pwfile, pw, self.run_as)?;
            cmd = cmd.arg(format!("--pwfile={}", pwfile.display()));
        }
        let ran = self.run("initdb", &cmd, interrupt);
        let _ = std::fs::remove_file(&pwfile);
        ran?;
        Ok(())
    }

    /// Starts the server of `data` on 127.0.0.1:`port`, its socket inside `data`.
    pub fn start(&self, data: &Path, port: u16, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        if let Some(u) = self.run_as {
            u.own_tree(data)?;
        }
        // TCP on loopback only, no Unix socket: a socket path inside a deep store would
        // pass the kernel's 107-byte limit, and every client connects by TCP anyway.
        let options =
            format!("-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''");
        let cmd = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(Self::pgdata(data))
            .arg("-l")
            .arg(data.join("server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(options)
            .arg("start");
        self.run("pg_ctl start", &cmd, interrupt)?;
        Ok(())
    }

    /// Stops the server of `data` cleanly (a checkpoint, so the directory is a consistent
    /// snapshot).
    pub fn stop(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        let cmd = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(Self::pgdata(data))
            .args(["-m", "fast", "-w", "-t", "60", "stop"]);
        self.run("pg_ctl stop", &cmd, interrupt)?;
        Ok(())
    }

    /// Runs psql with `options` against the server on `port`, `input` as its script (read
    /// from stdin, so exactly these bytes run).
    pub fn psql(
        &self,
        port: u16,
        options: &[String],
        input: &[u8],
        interrupt: &Interrupt,
    ) -> Result<StepOutput, RuntimeError> {
        let cmd = self
            .cmd("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                ROLE,
                "-d",
                "postgres",
            ])
            .args(options)
            .args(["-f", "-"])
            .stdin_bytes(input.to_vec());
        let cmd = self.authenticated(cmd);
        let out = self.run("psql", &cmd, interrupt)?;
        Ok(StepOutput {
            stdout: out.stdout,
            stderr: out.stderr,
        })
    }

    /// How many client connections the server on `port` has (see [`Runtime::connections`]).
    pub fn connections(&self, port: u16, interrupt: &Interrupt) -> Result<u32, RuntimeError> {
        parse_count(&self.psql(port, &query_options(), CONNECTIONS_SQL, interrupt)?)
    }

    /// Runs `tool` with `args` against the server on `port` (see [`Runtime::run_tool`]).
    pub fn run_tool(
        &self,
        port: u16,
        tool: Tool,
        args: &[String],
        io: ToolIo,
        interrupt: &Interrupt,
    ) -> Result<ToolRun, RuntimeError> {
        let mut cmd = Cmd::new(self.bin.join(tool.program()))
            .args(args)
            .env("PGHOST", "127.0.0.1")
            .env("PGPORT", port.to_string())
            .env("PGUSER", ROLE)
            .env("PGDATABASE", "postgres");
        cmd = self.authenticated(cmd);
        if let Some(u) = self.run_as {
            cmd = cmd.run_as(u.uid, u.gid);
        }
        let (cmd, output) = match io {
            ToolIo::Inherit => (cmd, Output::Inherit),
            ToolIo::Capture { stdin: Some(bytes) } => (cmd.stdin_bytes(bytes), Output::Capture),
            ToolIo::Capture { stdin: None } => (cmd.stdin_null(), Output::Capture),
        };
        tool_run(tool, infra_process::run(&cmd, output, interrupt))
    }

    /// A free port on 127.0.0.1 (the kernel's choice; a race with another process taking it
    /// first shows as a failed start, which the caller retries).
    pub fn free_port() -> Result<u16, RuntimeError> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| RuntimeError::io("bind", "127.0.0.1:0", e))?;
        listener
            .local_addr()
            .map(|a| a.port())
            .map_err(|e| RuntimeError::io("read the address of", "127.0.0.1:0", e))
    }
}

/// The host's PostgreSQL; `start` ignores the owner (a host process carries no labels).
impl Runtime for NativeRuntime {
    fn name(&self) -> &'static str {
        "native"
    }

    fn server_version(&self, interrupt: &Interrupt) -> Result<String, RuntimeError> {
        NativeRuntime::server_version(self, interrupt)
    }

    fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    fn init_base(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        NativeRuntime::init_base(self, data, interrupt)
    }

    fn start(
        &self,
        data: &Path,
        port: u16,
        _owner: &Owner,
        interrupt: &Interrupt,
    ) -> Result<(), RuntimeError> {
        NativeRuntime::start(self, data, port, interrupt)
    }

    fn stop(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        NativeRuntime::stop(self, data, interrupt)
    }

    fn psql(
        &self,
        port: u16,
        options: &[String],
        input: &[u8],
        interrupt: &Interrupt,
    ) -> Result<StepOutput, RuntimeError> {
        NativeRuntime::psql(self, port, options, input, interrupt)
    }

    fn connections(&self, port: u16, interrupt: &Interrupt) -> Result<u32, RuntimeError> {
        NativeRuntime::connections(self, port, interrupt)
    }

    fn run_tool(
        &self,
        port: u16,
        tool: Tool,
        args: &[String],
        io: ToolIo,
        interrupt: &Interrupt,
    ) -> Result<ToolRun, RuntimeError> {
        NativeRuntime::run_tool(self, port, tool, args, io, interrupt)
    }
}
