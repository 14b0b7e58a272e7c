//! Applying one planned changeset to the running state.
//!
//! Through psql when its rendered SQL is faithful: the exact script that was hashed, in one
//! transaction (as Liquibase runs a changeset), `ON_ERROR_STOP` on; a few milliseconds
//! instead of a JVM start. Otherwise Liquibase applies it, `update-count --count=1` with
//! the same arguments, and sqlrs checks that the changeset it expected is the one recorded
//! and that the changelog files are still those hashed.

use infra_process::{Interrupt, Output};
use sqlrs_runtime::Runtime;

use crate::{ApplyMode, ChangelogContent, Changeset, LbArgs, LbError, Liquibase, Target};

/// psql's options for a changeset: no `~/.psqlrc`, stop at the first error, quiet, one
/// transaction.
const PSQL_OPTIONS: [&str; 5] = ["-X", "-v", "ON_ERROR_STOP=1", "-q", "-1"];

/// Who applied a changeset, and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// `true` when Liquibase applied it, `false` for psql.
    pub by_liquibase: bool,
    /// The tool's stdout.
    pub stdout: String,
    /// The tool's stderr.
    pub stderr: String,
}

/// What applying needs: the tools, the arguments and the content planned from.
#[derive(Debug, Clone)]
pub struct Applier<'a> {
    /// The Liquibase that planned.
    pub liquibase: &'a Liquibase,
    /// The normalised arguments.
    pub args: &'a LbArgs,
    /// The runtime whose psql runs the scripts.
    pub runtime: &'a dyn Runtime,
    /// The running state.
    pub target: Target,
    /// The changelog files the plan hashed.
    pub content: &'a ChangelogContent,
}

impl Applier<'_> {
    /// Applies `changeset`, the next pending one of the running state.
    pub fn apply(&self, changeset: &Changeset, interrupt: &Interrupt) -> Result<Applied, LbError> {
        match changeset.apply {
            ApplyMode::Psql => {
                let options: Vec<String> = PSQL_OPTIONS.iter().map(|s| s.to_string()).collect();
                let out = self
                    .runtime
                    .psql(
                        self.target.port,
                        &options,
                        changeset.sql.as_bytes(),
                        interrupt,
                    )
                    .map_err(|source| LbError::Apply {
                        changeset: changeset.identity(),
                        source,
                    })?;
                Ok(Applied {
                    by_liquibase: false,
                    stdout: out.stdout,
                    stderr: out.stderr,
                })
            }
            ApplyMode::Liquibase(_) => self.by_liquibase(changeset, interrupt),
        }
    }

    fn by_liquibase(
        &self,
        changeset: &Changeset,
        interrupt: &Interrupt,
    ) -> Result<Applied, LbError> {
        let command = ["update-count".to_string(), "--count=1".to_string()];
        let cmd = self.liquibase.command(self.args, &self.target, &command);
        let out = infra_process::run(&cmd, Output::Capture, interrupt).map_err(|source| {
            LbError::Tool {
                command: command.join(" "),
                source,
            }
        })?;
        if ChangelogContent::read(&self.args.search_path)?.digest != self.content.digest {
            return Err(LbError::Drift {
                dir: self.args.search_path.first().cloned().unwrap_or_default(),
            });
        }
        self.check_recorded(changeset, interrupt)?;
        Ok(Applied {
            by_liquibase: true,
            stdout: out.stdout,
            stderr: out.stderr,
        })
    }

    /// Liquibase applies the next pending changeset by its own reckoning: check it is the
    /// one planned.
    fn check_recorded(&self, changeset: &Changeset, interrupt: &Interrupt) -> Result<(), LbError> {
        let query = format!(
            "select count(*) from {} where id = :'id' and author = :'author' and filename = :'filename';",
            changeset.changelog_table
        );
        let options: Vec<String> = [
            "-X".to_string(),
            "-tA".into(),
            "-v".into(),
            "ON_ERROR_STOP=1".into(),
            "-v".into(),
            format!("id={}", changeset.id),
            "-v".into(),
            format!("author={}", changeset.author),
            "-v".into(),
            format!("filename={}", changeset.path),
        ]
        .into();
        let out = self
            .runtime
            .psql(self.target.port, &options, query.as_bytes(), interrupt)
            .map_err(|source| LbError::Apply {
                changeset: changeset.identity(),
                source,
            })?;
        if out.stdout.trim() != "1" {
            return Err(LbError::NotRecorded {
                expected: changeset.identity(),
            });
        }
        Ok(())
    }
}
