//! The database Liquibase connects to, and a Liquibase command line for it.
//!
//! sqlrs's servers listen on 127.0.0.1 with trust authentication for the `sqlrs` role (see
//! `sqlrs-runtime`), so the connection is a JDBC URL and a user name, no password. Every
//! run also names `/dev/null` as its defaults file, so a `liquibase.properties` in the
//! working directory cannot add settings sqlrs does not see.

use infra_process::Cmd;

use crate::{LbArgs, Liquibase};

/// The role sqlrs connects as.
const ROLE: &str = "sqlrs";

/// A running PostgreSQL that holds the state Liquibase works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The `sqlrs` role's password, when the server wants one (passed to Liquibase in
    /// `LIQUIBASE_COMMAND_PASSWORD`, never on its command line).
    pub password: Option<String>,
}

impl Target {
    /// The server on 127.0.0.1:`port`, database `postgres`.
    pub fn loopback(port: u16) -> Self {
        Self {
            port,
            password: None,
        }
    }

    /// With the role's password.
    #[must_use]
    pub fn with_password(mut self, password: Option<&str>) -> Self {
        self.password = password.map(str::to_string);
        self
    }

    /// Its JDBC URL.
    pub fn jdbc_url(&self) -> String {
        format!("jdbc:postgresql://127.0.0.1:{}/postgres", self.port)
    }
}

impl Liquibase {
    /// `liquibase <globals> <command…> <connection> <changelog options>` for `args` on
    /// `target`; `command` is the command and its own options (`update-count --count=1`).
    pub(crate) fn command(&self, args: &LbArgs, target: &Target, command: &[String]) -> Cmd {
        let cmd = match &target.password {
            Some(pw) => self.cmd().secret_env("LIQUIBASE_COMMAND_PASSWORD", pw),
            None => self.cmd(),
        };
        cmd.args(["--show-banner=false", "--defaults-file=/dev/null"])
            .args(args.global_options())
            .args(command)
            .arg(format!("--url={}", target.jdbc_url()))
            .arg(format!("--username={ROLE}"))
            .args(args.command_options())
    }
}
