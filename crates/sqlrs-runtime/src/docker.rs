//! The container runtime: PostgreSQL from an image, run by Docker or Podman.
//!
//! For users who have no PostgreSQL on the host, or want the server build pinned by an
//! image. The data directories stay on the host, exactly as the native runtime lays them
//! out (`<data>/pgdata`), so the snapshot backends work on them unchanged: each server is
//! one container with its data directory bind-mounted at `/var/lib/postgresql/data`.
//!
//! - `initdb` runs in a throwaway container as the configured user, who owns the data
//!   directories on the host (as root, sqlrs gives them to that user before every start,
//!   as the native runtime does), so the host can still clone, snapshot and delete them.
//! - A server is a detached container named after its data directory (one server per
//!   directory, and `stop` finds it again after an engine restart), labelled with its scope
//!   (the sqlrs store), its owner (`sqlrs.job=` or `sqlrs.instance=`), its data directory
//!   and its port, publishing the port on 127.0.0.1 only. Its access rules are written at
//!   start into the container's `/tmp`, not into the data directory: trust on the
//!   container's loopback and for the engine network's gateway alone, which is where the
//!   host's clients arrive from through the published port; other containers on that
//!   network are refused.
//! - `stop` is PostgreSQL's fast shutdown (the container's stop signal is SIGINT), waited
//!   for up to 60 s; a server that exits with another status, or leaves `postmaster.pid`
//!   behind, is reported as not cleanly stopped, since its directory is no consistent
//!   snapshot. The container is then removed.
//! - psql steps and user tools run with `docker exec` in the server's container, so the
//!   client is the image's own (the version the state's fingerprint names) and the host
//!   needs no PostgreSQL at all; the script reaches psql on stdin, byte for byte.
//! - Readiness is asked in PostgreSQL's protocol on the published port
//!   ([`crate::accepting_connections`]), no `pg_isready` round trip per poll.
//! - Images are never pulled (`--pull never`): sqlrs runs where no registry is reachable,
//!   and a silently pulled image would change the states' server.

mod cli;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use infra_process::{Cmd, Interrupt, Output, ProcessError};

pub use cli::{DockerConfig, Engine};
use cli::{container_name, mount_source, name_in_use, no_such_container};

use crate::runtime::{CONNECTIONS_SQL, parse_count, pgdata, query_options, tool_run};
use crate::{Owner, Runtime, RuntimeError, StepOutput, Tool, ToolIo, ToolRun};

/// Where the data directory is mounted in the container.
const MOUNT: &str = "/var/lib/postgresql/data";
/// PGDATA in the container.
const PGDATA: &str = "/var/lib/postgresql/data/pgdata";
/// The server's port in the container.
const PORT_IN: &str = "5432";
/// The role sqlrs creates in every cluster and connects as.
const ROLE: &str = "sqlrs";
/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `stop` waits for the fast shutdown before the engine kills the server.
const STOP_TIMEOUT_SECS: &str = "60";
/// How often readiness is polled.
const POLL: Duration = Duration::from_millis(50);

/// Writes the server's access rules to `/tmp/sqlrs_hba.conf`: trust on the container's
/// socket and loopback (`docker exec` clients), and for the default gateway alone, read
/// from the kernel's routing table (`/proc/net/route` holds it as little-endian hex). The
/// gateway is the bridge's address on the host, which is where host clients coming through
/// the published port arrive from; other containers on the network have their own address
/// and are refused. POSIX `sh` only, so any PostgreSQL image can run it.
const HBA_SCRIPT: &str = r#"gw=
while read -r _iface dest gate _rest; do
  if [ "$dest" = 00000000 ]; then gw=$gate; break; fi
done < "${SQLRS_ROUTES:-/proc/net/route}"
{
  echo 'local all all trust'
  echo 'host all all 127.0.0.1/32 trust'
  if [ ${#gw} = 8 ]; then
    a=${gw#??????}; b=${gw#????}; b=${b%??}; c=${gw#??}; c=${c%????}; d=${gw%??????}
    echo "host all all $(printf '%d.%d.%d.%d' "0x$a" "0x$b" "0x$c" "0x$d")/32 ${SQLRS_GATEWAY_AUTH:-trust}"
  fi
} > "${SQLRS_HBA:-/tmp/sqlrs_hba.conf}"
"#;

/// The server, as PID 1 so the stop signal reaches it, with the rules [`HBA_SCRIPT`] wrote.
const SERVER_EXEC: &str = "exec postgres -D /var/lib/postgresql/data/pgdata -p 5432 \
-c listen_addresses=0.0.0.0 -c hba_file=/tmp/sqlrs_hba.conf -c unix_socket_directories=/tmp";

/// PostgreSQL in containers of a Docker or Podman engine.
#[derive(Debug)]
pub struct DockerRuntime {
    config: DockerConfig,
    /// The containers this runtime started, by published port.
    servers: Mutex<HashMap<u16, String>>,
    /// The last image id asked about and its `postgres --version` (a container run saved).
    version: Mutex<Option<(String, String)>>,
}

impl DockerRuntime {
    /// A runtime with this configuration (nothing is asked of the engine yet).
    pub fn new(config: DockerConfig) -> Self {
        Self {
            config,
            servers: Mutex::new(HashMap::new()),
            version: Mutex::new(None),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DockerConfig {
        &self.config
    }

    /// Checks that the daemon answers and has the image; returns the image's id.
    pub fn check(&self, interrupt: &Interrupt) -> Result<String, RuntimeError> {
        let cmd = self.config.cmd().args([
            "image",
            "inspect",
            "--format",
            "{{.Id}}",
            &self.config.image,
        ]);
        let out = self.config.run("inspect the image", &cmd, interrupt)?;
        Ok(out.stdout.trim().to_string())
    }

    /// `<client> run` with what every container of ours has: no pull, our user, our scope.
    fn run_cmd(&self, detached: bool) -> Cmd {
        let mut cmd = self.config.cmd().arg("run");
        cmd = if detached {
            cmd.arg("-d")
        } else {
            cmd.arg("--rm")
        };
        cmd = cmd.args(["--pull", "never"]);
        if let Some(u) = self.config.run_as {
            cmd = cmd.arg("--user").arg(format!("{}:{}", u.uid, u.gid));
        }
        cmd.arg("--label")
            .arg(format!("sqlrs.scope={}", self.config.scope))
            .args(&self.config.run_args)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u16, String>> {
        self.servers.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget(&self, name: &str) {
        self.lock().retain(|_, n| n != name);
    }

    fn init(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        std::fs::create_dir_all(data).map_err(|e| RuntimeError::io("create", data, e))?;
        let data = canonical(data);
        if let Some(u) = self.config.run_as {
            u.own(&data)?;
        }
        let source = mount_source(&data)?;
        let name = format!("{}-init", container_name(&self.config.scope, &data));
        let mut cmd = self.run_cmd(false);
        if let Some(pw) = &self.config.password {
            // The password on initdb's stdin: not in a file, not on a command line.
            cmd = cmd.arg("-i").stdin_bytes(format!("{pw}\n").into_bytes());
        }
        let mut cmd = cmd
            .args(["--name", &name, "-v"])
            .arg(format!("{source}:{MOUNT}"))
            .args(["--entrypoint", "initdb", &self.config.image])
            .args(["-D", PGDATA, "-U", ROLE, "-A", "trust", "-E", "UTF8"])
            .args(["--locale=C", "--no-sync"]);
        if self.config.password.is_some() {
            cmd = cmd.arg("--pwfile=/dev/stdin");
        }
        self.config.run("initdb", &cmd, interrupt)?;
        Ok(())
    }

    fn start_server(
        &self,
        data: &Path,
        port: u16,
        owner: &Owner,
        interrupt: &Interrupt,
    ) -> Result<(), RuntimeError> {
        let data = canonical(data);
        let source = mount_source(&data)?.to_string();
        if let Some(u) = self.config.run_as {
            u.own_tree(&data)?;
        }
        let name = container_name(&self.config.scope, &data);
        let cmd = self
            .run_cmd(true)
            .args(["--name", &name, "--label"])
            .arg(format!("{}={}", owner.label_key(), owner.id()))
            .arg("--label")
            .arg(format!("sqlrs.data={source}"))
            .arg("--label")
            .arg(format!("sqlrs.port={port}"))
            .arg("-p")
            .arg(format!("127.0.0.1:{port}:{PORT_IN}"))
            .args([
                "--stop-signal",
                "SIGINT",
                "--stop-timeout",
                STOP_TIMEOUT_SECS,
            ])
            .arg("-v")
            .arg(format!("{source}:{MOUNT}"));
        // Host clients (through the bridge gateway) need the password when there is one;
        // `docker exec` clients inside the container are trusted.
        let cmd = if self.config.password.is_some() {
            cmd.args(["-e", "SQLRS_GATEWAY_AUTH=scram-sha-256"])
        } else {
            cmd
        };
        let cmd = cmd
            .args(["--entrypoint", "sh", &self.config.image, "-c"])
            .arg(format!("{HBA_SCRIPT}{SERVER_EXEC}"));
        let step = "start the server";
        match self.config.run(step, &cmd, interrupt) {
            Err(e) if name_in_use(&e) => {
                // A container left by a server of this directory that ended without `stop`:
                // removed unless it still runs (then the second `run` names the conflict).
                let rm = self.config.cmd().args(["rm", "-v", &name]);
                let _ = self.config.run("remove the old container", &rm, interrupt);
                self.config.run(step, &cmd, interrupt)?;
            }
            other => {
                other?;
            }
        }
        self.lock().insert(port, name.clone());
        self.wait_ready(&data, &name, port, interrupt)
    }

    /// Polls until the server accepts connections; a container that exits, a timeout or an
    /// interrupt removes it.
    fn wait_ready(
        &self,
        data: &Path,
        name: &str,
        port: u16,
        interrupt: &Interrupt,
    ) -> Result<(), RuntimeError> {
        let started = Instant::now();
        let mut polls = 0u32;
        loop {
            if crate::accepting_connections(port) {
                return Ok(());
            }
            if let Some(signal) = interrupt.signal() {
                self.discard(name);
                return Err(RuntimeError::Tool {
                    step: "wait for the server".into(),
                    source: ProcessError::Interrupted {
                        command: format!("wait for `{name}`"),
                        signal,
                    },
                });
            }
            polls += 1;
            let reason = if started.elapsed() > START_TIMEOUT {
                Some(format!(
                    "it did not accept connections within {} s",
                    START_TIMEOUT.as_secs()
                ))
            } else if polls.is_multiple_of(10) {
                let status = self.inspect(name, "{{.State.Status}}", interrupt)?;
                (status != "running" && status != "created")
                    .then(|| format!("its container is `{status}`"))
            } else {
                None
            };
            if let Some(reason) = reason {
                let log = self.logs(name);
                self.discard(name);
                return Err(RuntimeError::NotReady {
                    data: data.to_path_buf(),
                    reason,
                    log,
                });
            }
            std::thread::sleep(POLL);
        }
    }

    fn stop_server(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        let data = canonical(data);
        let name = container_name(&self.config.scope, &data);
        let stop = self
            .config
            .cmd()
            .args(["stop", "-t", STOP_TIMEOUT_SECS, &name]);
        match self.config.run("stop the server", &stop, interrupt) {
            Err(e) if no_such_container(&e) => {
                self.forget(&name);
                return check_clean(&data, String::new());
            }
            other => {
                other?;
            }
        }
        let code = self.inspect(&name, "{{.State.ExitCode}}", interrupt)?;
        let log = if code == "0" {
            String::new()
        } else {
            self.logs(&name)
        };
        let rm = self.config.cmd().args(["rm", "-v", &name]);
        self.config.run("remove the container", &rm, interrupt)?;
        self.forget(&name);
        if code != "0" {
            return Err(RuntimeError::UncleanStop {
                data,
                reason: format!("the server exited with status {code}"),
                log,
            });
        }
        check_clean(&data, log)
    }

    /// One field of `inspect`, trimmed.
    fn inspect(
        &self,
        name: &str,
        format: &str,
        interrupt: &Interrupt,
    ) -> Result<String, RuntimeError> {
        let cmd = self
            .config
            .cmd()
            .args(["inspect", "--format", format, name]);
        let out = self.config.run("inspect the container", &cmd, interrupt)?;
        Ok(out.stdout.trim().to_string())
    }

    /// The container's last log lines (the server logs to stderr), for error messages.
    fn logs(&self, name: &str) -> String {
        let cmd = self.config.cmd().args(["logs", "--tail", "30", name]);
        match infra_process::run(&cmd, Output::Capture, &Interrupt::none()) {
            Ok(out) => format!("{}{}", out.stdout, out.stderr)
                .trim_end()
                .to_string(),
            Err(_) => String::new(),
        }
    }

    /// Removes a container whatever its state (cleanup after a failure; errors ignored).
    fn discard(&self, name: &str) {
        let cmd = self.config.cmd().args(["rm", "-f", "-v", name]);
        let _ = infra_process::run(&cmd, Output::Capture, &Interrupt::none());
        self.forget(name);
    }

    /// The container serving `port`: one this runtime started, else one of its scope
    /// labelled with the port (started before an engine restart).
    fn server_on(&self, port: u16, interrupt: &Interrupt) -> Result<String, RuntimeError> {
        if let Some(name) = self.lock().get(&port) {
            return Ok(name.clone());
        }
        let cmd = self.config.cmd().args(["ps", "-q", "--filter"]).args([
            format!("label=sqlrs.scope={}", self.config.scope),
            "--filter".into(),
            format!("label=sqlrs.port={port}"),
            "--filter".into(),
            "status=running".into(),
        ]);
        let out = self.config.run("find the server", &cmd, interrupt)?;
        let id = out
            .stdout
            .split_whitespace()
            .next()
            .ok_or(RuntimeError::NoServer {
                runtime: self.config.engine.name(),
                port,
            })?
            .to_string();
        self.lock().insert(port, id.clone());
        Ok(id)
    }

    /// `<client> exec` in the server on `port` with the tool's connection variables.
    fn exec(&self, port: u16, interrupt: &Interrupt) -> Result<(Cmd, String), RuntimeError> {
        let name = self.server_on(port, interrupt)?;
        let cmd = self.config.client().arg("exec").args([
            "-e",
            "PGHOST=127.0.0.1",
            "-e",
            "PGPORT=5432",
            "-e",
            "PGUSER=sqlrs",
            "-e",
            "PGDATABASE=postgres",
        ]);
        Ok((cmd, name))
    }

    fn psql_step(
        &self,
        port: u16,
        options: &[String],
        input: &[u8],
        interrupt: &Interrupt,
    ) -> Result<StepOutput, RuntimeError> {
        let (cmd, name) = self.exec(port, interrupt)?;
        let cmd = cmd
            .args(["-i", &name, "psql"])
            .args(options)
            .args(["-f", "-"])
            .stdin_bytes(input.to_vec());
        let out = self.config.run("psql", &cmd, interrupt)?;
        Ok(StepOutput {
            stdout: out.stdout,
            stderr: out.stderr,
        })
    }

    fn tool(
        &self,
        port: u16,
        tool: Tool,
        args: &[String],
        io: ToolIo,
        interrupt: &Interrupt,
    ) -> Result<ToolRun, RuntimeError> {
        let (cmd, name) = self.exec(port, interrupt)?;
        let (cmd, output) = match io {
            ToolIo::Inherit => {
                let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
                let cmd = cmd.arg("-i");
                (if tty { cmd.arg("-t") } else { cmd }, Output::Inherit)
            }
            ToolIo::Capture { stdin: Some(bytes) } => {
                (cmd.arg("-i").stdin_bytes(bytes), Output::Capture)
            }
            ToolIo::Capture { stdin: None } => (cmd.stdin_null(), Output::Capture),
        };
        let cmd = cmd.arg(&name).arg(tool.program()).args(args);
        tool_run(tool, infra_process::run(&cmd, output, interrupt))
    }

    fn reap(
        &self,
        alive: &dyn Fn(&Owner) -> bool,
        interrupt: &Interrupt,
    ) -> Result<Vec<String>, RuntimeError> {
        let scope = format!("label=sqlrs.scope={}", self.config.scope);
        let ps = self
            .config
            .cmd()
            .args(["ps", "-a", "-q", "--filter", &scope]);
        let ids: Vec<String> = self
            .config
            .run("list the containers", &ps, interrupt)?
            .stdout
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let format = "{{.Name}}\t{{index .Config.Labels \"sqlrs.job\"}}\t\
                      {{index .Config.Labels \"sqlrs.instance\"}}";
        let inspect = self
            .config
            .cmd()
            .args(["inspect", "--format", format])
            .args(&ids);
        let listed = self
            .config
            .run("inspect the containers", &inspect, interrupt)?;
        let doomed: Vec<String> = listed
            .stdout
            .lines()
            .filter_map(parse_listed)
            .filter(|(_, owner)| owner.as_ref().is_none_or(|o| !alive(o)))
            .map(|(name, _)| name)
            .collect();
        if !doomed.is_empty() {
            let rm = self.config.cmd().args(["rm", "-f", "-v"]).args(&doomed);
            self.config
                .run("remove orphaned containers", &rm, interrupt)?;
            for name in &doomed {
                self.forget(name);
            }
        }
        Ok(doomed)
    }
}

/// A clean stop leaves no `postmaster.pid`.
fn check_clean(data: &Path, log: String) -> Result<(), RuntimeError> {
    if pgdata(data).join("postmaster.pid").exists() {
        return Err(RuntimeError::UncleanStop {
            data: data.to_path_buf(),
            reason: "`postmaster.pid` remains (no server runs it now)".into(),
            log,
        });
    }
    Ok(())
}

/// The path as the engine sees it (links resolved), so a directory has one name.
fn canonical(data: &Path) -> PathBuf {
    std::fs::canonicalize(data).unwrap_or_else(|_| data.to_path_buf())
}

/// A line `name<TAB>job<TAB>instance` of `inspect`: the name and the owner, if labelled.
fn parse_listed(line: &str) -> Option<(String, Option<Owner>)> {
    let mut fields = line.split('\t');
    let name = fields.next()?.trim().trim_start_matches('/');
    if name.is_empty() {
        return None;
    }
    let job = fields.next().unwrap_or("").trim();
    let instance = fields.next().unwrap_or("").trim();
    let owner = if !job.is_empty() && job != "<no value>" {
        Some(Owner::Job(job.to_string()))
    } else if !instance.is_empty() && instance != "<no value>" {
        Some(Owner::Instance(instance.to_string()))
    } else {
        None
    };
    Some((name.to_string(), owner))
}

impl Runtime for DockerRuntime {
    fn name(&self) -> &'static str {
        self.config.engine.name()
    }

    fn password(&self) -> Option<&str> {
        self.config.password.as_deref()
    }

    /// `postgres --version` in the image, and the image's id: the same binaries built into
    /// another image (another library, another locale set) are another build, and states
    /// built natively and in a container never share an id.
    fn server_version(&self, interrupt: &Interrupt) -> Result<String, RuntimeError> {
        let id = self.check(interrupt)?;
        let cached = self
            .version
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some((known, version)) = cached
            && known == id
        {
            return Ok(version);
        }
        let cmd = self
            .run_cmd(false)
            .args(["--entrypoint", "postgres", &id, "--version"]);
        let out = self.config.run("postgres --version", &cmd, interrupt)?;
        let version = format!("{} (image {id})", out.stdout.trim());
        *self.version.lock().unwrap_or_else(|p| p.into_inner()) = Some((id, version.clone()));
        Ok(version)
    }

    fn init_base(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        self.init(data, interrupt)
    }

    fn start(
        &self,
        data: &Path,
        port: u16,
        owner: &Owner,
        interrupt: &Interrupt,
    ) -> Result<(), RuntimeError> {
        self.start_server(data, port, owner, interrupt)
    }

    fn stop(&self, data: &Path, interrupt: &Interrupt) -> Result<(), RuntimeError> {
        self.stop_server(data, interrupt)
    }

    fn psql(
        &self,
        port: u16,
        options: &[String],
        input: &[u8],
        interrupt: &Interrupt,
    ) -> Result<StepOutput, RuntimeError> {
        self.psql_step(port, options, input, interrupt)
    }

    fn connections(&self, port: u16, interrupt: &Interrupt) -> Result<u32, RuntimeError> {
        parse_count(&self.psql_step(port, &query_options(), CONNECTIONS_SQL, interrupt)?)
    }

    fn run_tool(
        &self,
        port: u16,
        tool: Tool,
        args: &[String],
        io: ToolIo,
        interrupt: &Interrupt,
    ) -> Result<ToolRun, RuntimeError> {
        self.tool(port, tool, args, io, interrupt)
    }

    fn reap_orphans(
        &self,
        alive: &dyn Fn(&Owner) -> bool,
        interrupt: &Interrupt,
    ) -> Result<Vec<String>, RuntimeError> {
        self.reap(alive, interrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_access_rules_trust_loopback_and_the_gateway_only() {
        let dir = tempfile::tempdir().unwrap();
        let routes = dir.path().join("route");
        std::fs::write(
            &routes,
            "Iface\tDestination\tGateway \tFlags\n\
             eth0\t000011AC\t00000000\t0001\n\
             eth0\t00000000\t010011AC\t0003\n",
        )
        .unwrap();
        let hba = dir.path().join("hba");
        let cmd = Cmd::new("/bin/sh")
            .arg("-c")
            .arg(HBA_SCRIPT)
            .env("SQLRS_ROUTES", &routes)
            .env("SQLRS_HBA", &hba)
            .stdin_null();
        infra_process::run(&cmd, Output::Capture, &Interrupt::none()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&hba).unwrap(),
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all 172.17.0.1/32 trust\n"
        );
        std::fs::write(&routes, "Iface\tDestination\tGateway \tFlags\n").unwrap();
        infra_process::run(&cmd, Output::Capture, &Interrupt::none()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&hba).unwrap(),
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        );
    }

    #[test]
    fn listed_containers_name_their_owner() {
        assert_eq!(
            parse_listed("/sqlrs-pg-1\tj1\t"),
            Some(("sqlrs-pg-1".into(), Some(Owner::Job("j1".into()))))
        );
        assert_eq!(
            parse_listed("/sqlrs-pg-2\t\ti2"),
            Some(("sqlrs-pg-2".into(), Some(Owner::Instance("i2".into()))))
        );
        assert_eq!(
            parse_listed("/sqlrs-pg-3\t<no value>\t<no value>"),
            Some(("sqlrs-pg-3".into(), None))
        );
        assert_eq!(parse_listed(""), None);
    }
}
