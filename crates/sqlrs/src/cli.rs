//! Command-line arguments. Each doc comment is the help text.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use sqlrs_ops::env_vars;

/// sqlrs — prepared PostgreSQL database states.
///
/// Prepare a database from psql scripts once; every step's result is cached by the
/// content of its inputs, so preparing again reuses what did not change and rebuilds only
/// the rest. Each prepare hands out an instance (a copy-on-write clone with its own
/// server on 127.0.0.1) and prints its DSN. Global flags go before the command; the tool's
/// arguments go after it (or after `--`). Exit codes: 0 ok, 1 failure, 2 usage error, 3 a
/// value or file to fix, 4 a blocked `rm`; `run` exits with the tool's code.
#[derive(Debug, Parser)]
#[command(name = "sqlrs", version, max_term_width = 100)]
pub struct Cli {
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = PossibleValuesParser::new(["human", "json"]))]
    pub output: String,
    /// Same as `--output json`
    #[arg(long)]
    pub json: bool,
    /// Print less (no progress)
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every event of a job as a line
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour the output (`NO_COLOR` turns colours off)
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = PossibleValuesParser::new(["auto", "always", "never"]))]
    pub color: String,
    /// The state store root (the engine's data)
    #[arg(long, value_name = "DIR", env = env_vars::SQLRS_STATE_STORE)]
    pub store: Option<PathBuf>,
    /// The sqlrs-engine binary to start when none runs
    #[arg(long, value_name = "PATH", env = env_vars::SQLRS_DAEMON_PATH)]
    pub engine: Option<PathBuf>,
    /// Seconds an engine started by this command stays up without requests
    #[arg(long, value_name = "SECONDS", env = env_vars::SQLRS_IDLE_TIMEOUT)]
    pub idle_timeout: Option<u64>,
    /// The snapshot backend of an engine this command starts: auto (the best the store's
    /// filesystem has), copy, reflink (XFS/btrfs), btrfs (subvolumes), overlay (root)
    #[arg(long, value_name = "BACKEND", env = env_vars::SQLRS_SNAPSHOT)]
    pub snapshot: Option<String>,
    /// The runtime of an engine this command starts: native (the host's PostgreSQL), docker
    /// or podman (needs `--image`)
    #[arg(long, value_name = "RUNTIME", env = env_vars::SQLRS_RUNTIME)]
    pub runtime: Option<String>,
    /// The PostgreSQL image of the docker and podman runtimes (built locally by
    /// scripts/sqlrs/pg-image; never pulled)
    #[arg(long, value_name = "IMAGE", env = env_vars::SQLRS_PG_IMAGE)]
    pub image: Option<String>,
    /// Per-request timeout in seconds
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// The command
    #[command(subcommand)]
    pub command: Command,
}

/// Tool arguments: everything after the command's own flags.
#[derive(Debug, Args)]
pub struct ToolArgs {
    /// psql's arguments: `-f FILE` (one step each), `-c SQL`, `-f -` (stdin), `-v NAME=VALUE`
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "PSQL_ARGS"
    )]
    pub args: Vec<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make this directory a workspace: `.sqlrs/config.yaml`, whose settings apply to
    /// every command run in it
    Init(InitArgs),
    /// Whether the engine runs (it is started if not), where, and what it holds
    Status {
        /// Also what the cached states take on disk and the room left
        #[arg(long)]
        cache: bool,
    },
    /// List instances and states (the default), jobs or tasks
    Ls(LsArgs),
    /// Delete an instance, a state (with `-r`, everything built on it) or a job
    Rm(RmArgs),
    /// Show the steps a prepare would run and which are cached; runs nothing
    #[command(name = "plan:psql")]
    PlanPsql(ToolArgs),
    /// Prepare a database from psql scripts and print its DSN
    #[command(name = "prepare:psql")]
    PreparePsql(PrepareArgs),
    /// Show the changesets a Liquibase prepare would apply and which are cached
    #[command(name = "plan:lb")]
    PlanLb(LbArgs),
    /// Prepare a database from a Liquibase changelog (one state per changeset) and print
    /// its DSN: `prepare:lb -- update --search-path=DIR --changelog-file=FILE`
    #[command(name = "prepare:lb")]
    PrepareLb(PrepareLbArgs),
    /// Follow a prepare job to its end
    Watch {
        /// The job id
        job: String,
    },
    /// Run psql against an instance (`-f FILE` and `-c SQL` as steps)
    #[command(name = "run:psql")]
    RunPsql(RunArgs),
    /// Run pgbench against an instance (`-f FILE[@WEIGHT]` read here)
    #[command(name = "run:pgbench")]
    RunPgbench(RunArgs),
    /// The engine's settings (`config.json` in the store): get, set, rm, schema
    Config {
        /// What to do
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Whether a prepare would be served from the cache, and which step misses
    Cache {
        /// `explain`
        #[command(subcommand)]
        command: CacheCommand,
    },
}

/// `sqlrs config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the overrides (or, with `--effective`, every value), or one setting
    Get {
        /// The setting (`orchestrator.jobs.maxIdentical`, `liquibase.exec`)
        path: Option<String>,
        /// Include the defaults
        #[arg(long)]
        effective: bool,
    },
    /// Set a setting: `set PATH VALUE` or `set PATH=VALUE` (JSON, or a bare word as text)
    Set {
        /// The setting, or `PATH=VALUE`
        path: String,
        /// The value
        value: Option<String>,
    },
    /// Remove an override (the default applies again)
    Rm {
        /// The setting
        path: String,
    },
    /// Print the JSON schema of the settings
    Schema,
}

/// `sqlrs cache …`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Explain the cache decision for `prepare:psql ARGS`
    Explain {
        /// `prepare:psql` followed by its arguments
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "PREPARE"
        )]
        words: Vec<String>,
    },
}

/// Liquibase's arguments.
#[derive(Debug, Args)]
pub struct LbArgs {
    /// `update` (or `update-count --count=N`, `update-to-tag --tag=T`),
    /// `--search-path=DIR`, `--changelog-file=FILE`, `--contexts`, `--labels`, `-Dname=value`
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "LIQUIBASE_ARGS"
    )]
    pub args: Vec<String>,
}

/// `sqlrs prepare:lb`.
#[derive(Debug, Args)]
pub struct PrepareLbArgs {
    /// Print the job's id and URLs and return at once
    #[arg(long)]
    pub no_watch: bool,
    /// Bind this name to the instance (usable wherever an instance id is)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Return the instance already named `--name` when its state is the one this prepare
    /// would make, instead of a new one
    #[arg(long, requires = "name")]
    pub reuse: bool,
    /// Liquibase's arguments
    #[command(flatten)]
    pub tool: LbArgs,
}

/// `sqlrs prepare:psql`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// Print the job's id and URLs and return at once
    #[arg(long)]
    pub no_watch: bool,
    /// Bind this name to the instance (usable wherever an instance id is)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Return the instance already named `--name` when its state is the one this prepare
    /// would make, instead of a new one
    #[arg(long, requires = "name")]
    pub reuse: bool,
    /// The tool's arguments
    #[command(flatten)]
    pub tool: ToolArgs,
}

/// `sqlrs run:…`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The instance: id or id prefix (8+ hex digits); given by the prepare in a composite
    #[arg(long, value_name = "ID")]
    pub instance: Option<String>,
    /// The tool's arguments (connection options are refused: sqlrs connects it)
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

/// `sqlrs init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The state store root (relative: from the workspace)
    #[arg(long = "store", value_name = "DIR")]
    pub store: Option<std::path::PathBuf>,
    /// The snapshot backend: auto, copy, reflink, btrfs, overlay
    #[arg(long = "snapshot", value_name = "BACKEND", value_parser = PossibleValuesParser::new(["auto", "copy", "reflink", "btrfs", "overlay"]))]
    pub snapshot: Option<String>,
    /// The runtime: native, docker, podman
    #[arg(long = "runtime", value_name = "RUNTIME", value_parser = PossibleValuesParser::new(["native", "docker", "podman"]))]
    pub runtime: Option<String>,
    /// The image of the docker/podman runtime
    #[arg(long = "image", value_name = "IMAGE")]
    pub image: Option<String>,
    /// Create it even inside another workspace
    #[arg(long)]
    pub force: bool,
}

/// `sqlrs ls`.
#[derive(Debug, Args)]
pub struct LsArgs {
    /// Names
    #[arg(short, long)]
    pub names: bool,
    /// Instances
    #[arg(short, long)]
    pub instances: bool,
    /// States, as a tree
    #[arg(short, long)]
    pub states: bool,
    /// Prepare jobs
    #[arg(short, long)]
    pub jobs: bool,
    /// Tasks of every job
    #[arg(short, long)]
    pub tasks: bool,
    /// Everything
    #[arg(long)]
    pub all: bool,
    /// Full ids
    #[arg(long)]
    pub long: bool,
}

/// `sqlrs rm`.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// Also delete everything built on a state (its instances and child states)
    #[arg(short, long)]
    pub recurse: bool,
    /// Delete even with clients connected
    #[arg(short, long)]
    pub force: bool,
    /// Only say what would be deleted
    #[arg(long)]
    pub dry_run: bool,
    /// Instance names, instance or state ids or id prefixes (8+ hex digits), job ids
    #[arg(required = true)]
    pub ids: Vec<String>,
}
