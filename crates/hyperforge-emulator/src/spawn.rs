//! Starting the emulator binary from another program (tests, benchmarks, the demo's
//! helpers) through its start-up contract: run it, read `listening on URL` from the first
//! stdout line, stop it with SIGTERM when done. One place, so every caller waits for the
//! same line and cleans up the same way.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running emulator, stopped (SIGTERM, then waited for) when dropped.
#[derive(Debug)]
pub struct Running {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The API base: `…/api/v3` (GitHub), `…/api/v1` (Gitea) or `…/api/v4` (GitLab).
    pub api: String,
}

impl Running {
    /// Starts `exe --kind kind --listen 127.0.0.1:0` with `--user` and `--org` flags for
    /// each of `users` (`LOGIN:TOKEN[:SCOPES]`) and `orgs` (`NAME[:OWNER]`), and waits for
    /// its start-up line.
    pub fn start(exe: &Path, kind: &str, users: &[&str], orgs: &[&str]) -> std::io::Result<Self> {
        let mut cmd = Command::new(exe);
        cmd.args(["--kind", kind, "--listen", "127.0.0.1:0"]);
        for u in users {
            cmd.args(["--user", u]);
        }
        for o in orgs {
            cmd.args(["--org", o]);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let Some(url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "the emulator did not start: first line {line:?}"
            )));
        };
        let api = match kind {
            "github" => "/api/v3",
            "gitlab" => "/api/v4",
            _ => "/api/v1",
        };
        Ok(Self {
            api: format!("{url}{api}"),
            url: url.to_string(),
            child,
        })
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}
