//! Which Liquibase runs, and its version.
//!
//! The version is part of every changeset's identity (Liquibase's SQL generators and the
//! `LIQUIBASE` column of `DATABASECHANGELOG` change with it), so it is read once, when
//! Liquibase is located, and checked against the version each `update-sql` reports.

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use infra_process::{Cmd, Interrupt, Output};

use crate::LbError;

/// JVM options that halve Liquibase's start-up: a client compiler only and the serial
/// collector (a Liquibase run is short and single-threaded).
const JAVA_OPTS: &str = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

/// Environment variables Liquibase would read instead of sqlrs's arguments (connection,
/// files, filters, tracking tables): removed from its environment, so only the normalised
/// arguments decide what it does.
const SCRUBBED_ENV: &[&str] = &[
    "LIQUIBASE_COMMAND_URL",
    "LIQUIBASE_COMMAND_USERNAME",
    "LIQUIBASE_COMMAND_PASSWORD",
    "LIQUIBASE_COMMAND_CHANGELOG_FILE",
    "LIQUIBASE_COMMAND_CONTEXTS",
    "LIQUIBASE_COMMAND_CONTEXT_FILTER",
    "LIQUIBASE_COMMAND_LABELS",
    "LIQUIBASE_COMMAND_LABEL_FILTER",
    "LIQUIBASE_COMMAND_DEFAULT_SCHEMA_NAME",
    "LIQUIBASE_COMMAND_DRIVER",
    "LIQUIBASE_COMMAND_DRIVER_PROPERTIES_FILE",
    "LIQUIBASE_SEARCH_PATH",
    "LIQUIBASE_DEFAULTS_FILE",
    "LIQUIBASE_CLASSPATH",
    "LIQUIBASE_DATABASECHANGELOG_TABLE_NAME",
    "LIQUIBASE_DATABASECHANGELOGLOCK_TABLE_NAME",
    "LIQUIBASE_LIQUIBASE_SCHEMA_NAME",
    "LIQUIBASE_LIQUIBASE_CATALOG_NAME",
    "LIQUIBASE_HOME",
];

/// A located Liquibase: its launcher and version.
#[derive(Debug, Clone)]
pub struct Liquibase {
    exec: PathBuf,
    version: String,
    env: Vec<(OsString, OsString)>,
}

impl Liquibase {
    /// The Liquibase to run: `exec` (the `liquibase.exec` setting) when given, else
    /// `liquibase` on `path_var` (the caller's `PATH`); its version from `--version` (one
    /// JVM start, so callers keep the result).
    pub fn locate(
        exec: Option<&Path>,
        path_var: Option<&OsStr>,
        interrupt: &Interrupt,
    ) -> Result<Self, LbError> {
        let exec = match exec {
            Some(path) => {
                let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
                if !is_executable(&path) {
                    return Err(LbError::ExecMissing { path });
                }
                path
            }
            None => find_on_path(path_var).ok_or(LbError::NotFound)?,
        };
        let cmd = Self::with_version(exec.clone(), String::new())
            .cmd()
            .arg("--version");
        let out = infra_process::run(&cmd, Output::Capture, interrupt).map_err(|source| {
            LbError::Version {
                exec: exec.clone(),
                source,
            }
        })?;
        let version = parse_version(&out.stdout)
            .or_else(|| parse_version(&out.stderr))
            .ok_or_else(|| LbError::UnknownVersion { exec: exec.clone() })?;
        Ok(Self::with_version(exec, version))
    }

    /// A Liquibase whose version the caller already knows (kept from an earlier
    /// [`Liquibase::locate`]).
    pub fn with_version(exec: impl Into<PathBuf>, version: impl Into<String>) -> Self {
        Self {
            exec: exec.into(),
            version: version.into(),
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for every Liquibase run (`JAVA_HOME`, for one).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The launcher.
    pub fn exec(&self) -> &Path {
        &self.exec
    }

    /// The version, as Liquibase prints it (`4.28.0`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The launcher with sqlrs's environment: fast JVM start, no banner, no stdin, the
    /// variables that would override sqlrs's arguments removed.
    pub(crate) fn cmd(&self) -> Cmd {
        let mut cmd = Cmd::new(&self.exec)
            .stdin_null()
            .env("JAVA_OPTS", JAVA_OPTS)
            .env("LIQUIBASE_SHOW_BANNER", "false");
        for name in SCRUBBED_ENV {
            cmd = cmd.env_remove(name);
        }
        for (k, v) in &self.env {
            cmd = cmd.env(k, v);
        }
        cmd
    }
}

/// The version in `liquibase --version`'s output: `Liquibase Version: 4.28.0`, or, from
/// other editions, `Liquibase … 4.28.0 by Liquibase`.
pub(crate) fn parse_version(text: &str) -> Option<String> {
    let valid = |v: &str| {
        v.starts_with(|c: char| c.is_ascii_digit())
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
    };
    for line in text.lines() {
        if let Some(v) = line.trim().strip_prefix("Liquibase Version:") {
            let v = v.trim();
            if valid(v) {
                return Some(v.to_string());
            }
        }
    }
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("Liquibase ")?;
        let rest = rest.strip_suffix(" by Liquibase")?;
        rest.rsplit(' ')
            .next()
            .filter(|v| valid(v))
            .map(String::from)
    })
}

fn find_on_path(path_var: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path_var?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join("liquibase"))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_every_known_format() {
        let open = "Starting Liquibase at 11:00:58 (version 4.28.0 #2272 built at 2024-05-16)\n\
                    Liquibase Home: /x\n\nLiquibase Version: 4.28.0\n\
                    Liquibase Open Source 4.28.0 by Liquibase\n";
        assert_eq!(parse_version(open).as_deref(), Some("4.28.0"));
        assert_eq!(
            parse_version("Liquibase Pro 4.31.1 by Liquibase\n").as_deref(),
            Some("4.31.1")
        );
        assert_eq!(parse_version("Liquibase Version: \nhello\n"), None);
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn locate_says_what_is_missing() {
        let none = Interrupt::none();
        let dir = tempfile::tempdir().unwrap();
        let err = Liquibase::locate(None, Some(dir.path().as_os_str()), &none).unwrap_err();
        assert!(matches!(err, LbError::NotFound));
        assert!(
            err.hint()
                .unwrap()
                .contains("scripts/sqlrs/install-liquibase")
        );
        let missing = dir.path().join("liquibase");
        let err = Liquibase::locate(Some(&missing), None, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`liquibase.exec` names `{}`, which is not an executable file",
                missing.display()
            )
        );
    }

    #[test]
    fn a_launcher_that_prints_no_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("liquibase");
        std::fs::write(&fake, "#!/bin/sh\necho 'Liquibase Version: 4.28.0'\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let lb = Liquibase::locate(None, Some(dir.path().as_os_str()), &Interrupt::none()).unwrap();
        assert_eq!(lb.version(), "4.28.0");
        assert_eq!(lb.exec(), fake);
        std::fs::write(&fake, "#!/bin/sh\necho hello\n").unwrap();
        let err = Liquibase::locate(Some(&fake), None, &Interrupt::none()).unwrap_err();
        assert!(matches!(err, LbError::UnknownVersion { .. }), "{err}");
        std::fs::write(&fake, "#!/bin/sh\necho 'Cannot find java' >&2; exit 1\n").unwrap();
        let err = Liquibase::locate(Some(&fake), None, &Interrupt::none()).unwrap_err();
        assert!(err.hint().unwrap().contains("Java 17"), "{err}");
    }
}
