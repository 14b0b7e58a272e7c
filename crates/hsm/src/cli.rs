//! Command-line arguments. Each doc comment is the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// hsm — Hyper Stack Manager: one `hsm.yaml` for your Python packages and your containers.
///
/// hsm resolves the stack described by `hsm.yaml` against a shared registry, writes
/// `pyproject.toml` (+ `[tool.uv.sources]`) and runs `uv sync`, and generates
/// `docker-compose.hsm.yml` for Docker Compose. Exit codes: 0 ok, 1 failure, 2 usage error,
/// 3 validation error.
#[derive(Debug, Parser)]
#[command(name = "hsm", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR (hsm.yaml is searched from there upwards)
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Registry directory (overrides HSM_REGISTRY_PATH and `registry:` in hsm.yaml)
    #[arg(long, global = true, value_name = "DIR")]
    pub registry: Option<PathBuf>,
    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Print less (no tool output, no progress)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: where the registry came from and how long each phase took
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The command
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum Command {
    /// Create hsm.yaml, the registry folders and a pyproject.toml in this directory
    Init(InitArgs),
    /// Validate the project without changing anything
    Check(CheckArgs),
    /// Show what `hsm sync` would change, per file, as a diff
    Plan,
    /// Resolve the stack and write every artifact, then install packages
    Sync(SyncArgs),
    /// Show the resolved stack as a tree
    List,
    /// Compare what hsm.yaml asks for with what is on disk and installed (exit 1 on drift)
    Status(StatusArgs),
    /// Set the mode of a component or group, or of everything with --all
    Mode(ModeArgs),
    /// Add or remove standalone packages
    #[command(subcommand)]
    Package(ComponentCmd),
    /// Add or remove standalone containers
    #[command(subcommand)]
    Container(ComponentCmd),
    /// Select or unselect options of a package or container group
    #[command(subcommand)]
    Group(GroupCmd),
    /// Set the deployment profile of a container group or a standalone container
    Profile(ProfileArgs),
    /// Inspect and edit the registry
    #[command(subcommand)]
    Registry(RegistryCmd),
    /// `docker compose up` with the generated files
    Up(ComposeArgs),
    /// `docker compose down` with the generated files
    Down(ComposeArgs),
    /// `docker compose ps` with the generated files
    Ps(ComposeArgs),
    /// `docker compose logs` with the generated files
    Logs(ComposeArgs),
    /// Print the environment of local processes (secrets redacted)
    Env(EnvArgs),
    /// Run a command with the project's environment (.hsm/env)
    Run(RunArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

/// `hsm init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Project name (default: the directory name)
    #[arg(long, short)]
    pub name: Option<String>,
}

/// `hsm check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Skip the checks that run uv and Docker Compose
    #[arg(long)]
    pub offline: bool,
}

/// `hsm status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Also require every managed container to be running (`docker compose ps`)
    #[arg(long)]
    pub containers: bool,
}

/// `hsm sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Install from the lock file without updating it (`uv sync --frozen`)
    #[arg(long)]
    pub frozen: bool,
    /// Print the plan and stop
    #[arg(long)]
    pub dry_run: bool,
    /// Afterwards, check that every selected package is installed (and, with --containers,
    /// that every managed container runs); fail otherwise
    #[arg(long)]
    pub verify: bool,
    /// With --verify: also require the managed containers to be running
    #[arg(long, requires = "verify")]
    pub containers: bool,
}

/// Modes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// Local sources, editable installs, build contexts
    Dev,
    /// Published packages and images
    Prod,
}

/// `hsm mode`.
#[derive(Debug, Args)]
pub struct ModeArgs {
    /// Component or group name (omit with --all)
    #[arg(required_unless_present = "all")]
    pub target: Option<String>,
    /// The mode
    #[arg(value_enum)]
    pub mode: Option<ModeArg>,
    /// Set the project default and every explicit mode
    #[arg(long, value_enum, value_name = "MODE", conflicts_with = "mode")]
    pub all: Option<ModeArg>,
}

/// `hsm package|container add|remove`.
#[derive(Debug, Subcommand)]
pub enum ComponentCmd {
    /// Add a standalone component
    Add {
        /// Registry name
        name: String,
        /// Mode of this component
        #[arg(long, value_enum)]
        mode: Option<ModeArg>,
        /// Deployment profile (containers only)
        #[arg(long)]
        profile: Option<String>,
    },
    /// Remove a standalone component
    Remove {
        /// Registry name
        name: String,
    },
}

/// `hsm group`.
#[derive(Debug, Subcommand)]
pub enum GroupCmd {
    /// Select option(s) of a group (1-of-N replaces, M-of-N adds)
    Select {
        /// Group name
        group: String,
        /// Option name(s)
        #[arg(required = true)]
        options: Vec<String>,
    },
    /// Unselect one option, or remove the group from hsm.yaml
    Unselect {
        /// Group name
        group: String,
        /// Option to unselect (default: the whole group)
        option: Option<String>,
    },
}

/// `hsm profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Container group or standalone container
    pub target: String,
    /// Profile name from the container's `deployment_profiles` (`none` clears it)
    pub profile: String,
}

/// `hsm registry`.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum RegistryCmd {
    /// List every registry entry
    List,
    /// Search names and descriptions
    Search {
        /// Case-insensitive text
        query: String,
    },
    /// Print one entry
    Show {
        /// Entry name
        name: String,
    },
    /// Parse and check every registry file
    Validate,
    /// Add or remove packages
    #[command(subcommand)]
    Package(RegPackageCmd),
    /// Add or remove containers
    #[command(subcommand)]
    Container(RegContainerCmd),
    /// Add or remove groups and their options
    #[command(subcommand)]
    Group(RegGroupCmd),
}

/// `hsm registry package`.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum RegPackageCmd {
    /// Write `packages/<name>.yaml`
    Add(RegPackageAdd),
    /// Delete `packages/<name>.yaml`
    Remove(RegRemove),
}

/// Flags of `hsm registry package add`.
#[derive(Debug, Args)]
pub struct RegPackageAdd {
    /// Package name (asked for on a terminal when omitted)
    pub name: Option<String>,
    /// Version
    #[arg(long)]
    pub version: Option<String>,
    /// Description
    #[arg(long)]
    pub description: Option<String>,
    /// Prod source from the index: a specifier (`>=2`) or requirement (`requests>=2`)
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["git", "path"])]
    pub pypi: Option<String>,
    /// Prod source from git
    #[arg(long, value_name = "URL")]
    pub git: Option<String>,
    /// Git ref (commit, tag or branch) of --git
    #[arg(long = "ref", requires = "git")]
    pub reference: Option<String>,
    /// Sub-directory of --git holding the package
    #[arg(long, requires = "git")]
    pub subdirectory: Option<String>,
    /// Prod source from a local directory (relative to the registry file)
    #[arg(long, value_name = "DIR")]
    pub path: Option<String>,
    /// Dev source: a local directory, installed editable (relative to the registry file)
    #[arg(long, value_name = "DIR")]
    pub dev_path: Option<String>,
    /// Clone this repository into --dev-path when it is missing
    #[arg(long, value_name = "URL", requires = "dev_path")]
    pub dev_git: Option<String>,
    /// Environment for local processes, KEY=VALUE (repeatable)
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Implication `container:<name>`, `package:<name>`, `container_group:<g>=<option>`… (repeatable)
    #[arg(long = "implies", value_name = "TARGET")]
    pub implies: Vec<String>,
    /// Overwrite an existing entry
    #[arg(long)]
    pub force: bool,
}

/// `hsm registry container`.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum RegContainerCmd {
    /// Write `containers/<name>.yaml`
    Add(RegContainerAdd),
    /// Delete `containers/<name>.yaml`
    Remove(RegRemove),
}

/// Flags of `hsm registry container add`.
#[derive(Debug, Args)]
pub struct RegContainerAdd {
    /// Container name (asked for on a terminal when omitted)
    pub name: Option<String>,
    /// Prod image
    #[arg(long)]
    pub image: Option<String>,
    /// Description
    #[arg(long)]
    pub description: Option<String>,
    /// Port mapping (repeatable)
    #[arg(long = "port", value_name = "HOST:CONTAINER")]
    pub ports: Vec<String>,
    /// Volume (repeatable)
    #[arg(long = "volume", value_name = "SRC:DST")]
    pub volumes: Vec<String>,
    /// Environment KEY=VALUE (repeatable; values may use ${VAR})
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Dev build context (relative to the registry file)
    #[arg(long, value_name = "DIR")]
    pub build: Option<String>,
    /// Dockerfile of the dev build
    #[arg(long, requires = "build")]
    pub dockerfile: Option<String>,
    /// Health check command (run with CMD-SHELL)
    #[arg(long)]
    pub healthcheck: Option<String>,
    /// Extra network alias (repeatable)
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// External deployment profile NAME=HOST:PORT (repeatable)
    #[arg(long = "external", value_name = "NAME=HOST:PORT")]
    pub external: Vec<String>,
    /// Managed deployment profile (repeatable)
    #[arg(long = "managed", value_name = "NAME")]
    pub managed: Vec<String>,
    /// Managed profile that runs the service as an isolated uv project (repeatable)
    #[arg(long = "uv-profile", value_name = "NAME")]
    pub uv_profiles: Vec<String>,
    /// Port clients connect to inside the network (default: first port mapping)
    #[arg(long = "service-port", value_name = "PORT")]
    pub service_port: Option<u16>,
    /// Command (a shell string)
    #[arg(long)]
    pub command: Option<String>,
    /// Restart policy
    #[arg(long)]
    pub restart: Option<String>,
    /// Working directory
    #[arg(long)]
    pub working_dir: Option<String>,
    /// CPU limit (prod)
    #[arg(long)]
    pub cpus: Option<String>,
    /// Memory limit (prod), e.g. 512M
    #[arg(long)]
    pub memory: Option<String>,
    /// Label KEY=VALUE (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Dev volume (hot reload; repeatable)
    #[arg(long = "dev-volume", value_name = "SRC:DST", requires = "build")]
    pub dev_volumes: Vec<String>,
    /// Dev (debug) environment KEY=VALUE (repeatable)
    #[arg(long = "dev-env", value_name = "KEY=VALUE", requires = "build")]
    pub dev_env: Vec<String>,
    /// Clone this repository into --build when it is missing
    #[arg(long = "dev-git", value_name = "URL", requires = "build")]
    pub dev_git: Option<String>,
    /// Implication param NAME or NAME=scalar (repeatable)
    #[arg(long = "param", value_name = "NAME[=list|scalar]")]
    pub params: Vec<String>,
    /// Package installed into a `--uv-profile` service (repeatable)
    #[arg(long = "dependency", value_name = "PACKAGE")]
    pub dependencies: Vec<String>,
    /// Implication (see `hsm registry package add --help`; repeatable)
    #[arg(long = "implies", value_name = "TARGET")]
    pub implies: Vec<String>,
    /// Overwrite an existing entry
    #[arg(long)]
    pub force: bool,
}

/// `hsm registry group`.
#[derive(Debug, Subcommand)]
pub enum RegGroupCmd {
    /// Write `<kind>_groups/<name>.yaml`
    Add(RegGroupAdd),
    /// Delete a group file
    Remove(RegRemove),
    /// Add an option to a group
    AddOption {
        /// Group
        group: String,
        /// Option (a registry component of the group's kind)
        option: String,
        /// Description
        #[arg(long)]
        description: Option<String>,
    },
    /// Remove an option from a group
    RemoveOption {
        /// Group
        group: String,
        /// Option
        option: String,
    },
}

/// Group kinds for the CLI.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Chooses among packages
    Package,
    /// Chooses among containers
    Container,
}

/// Flags of `hsm registry group add`.
#[derive(Debug, Args)]
pub struct RegGroupAdd {
    /// Group name (asked for on a terminal when omitted)
    pub name: Option<String>,
    /// What the group chooses among
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// `1-of-N` (default) or `M-of-N`
    #[arg(long, default_value = "1-of-N")]
    pub strategy: String,
    /// Option (repeatable)
    #[arg(long = "option", value_name = "NAME")]
    pub options: Vec<String>,
    /// Network alias of the selected option (container groups)
    #[arg(long)]
    pub alias: Option<String>,
    /// Default selection
    #[arg(long)]
    pub default: Option<String>,
    /// Description
    #[arg(long)]
    pub description: Option<String>,
    /// Overwrite an existing entry
    #[arg(long)]
    pub force: bool,
}

/// Removal flags.
#[derive(Debug, Args)]
pub struct RegRemove {
    /// Entry name
    pub name: String,
    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,
}

/// `hsm up|down|ps|logs`.
#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// Extra arguments passed to docker compose
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// `hsm env`.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// Print secret values too
    #[arg(long)]
    pub show_secrets: bool,
}

/// `hsm run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The command and its arguments
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// `hsm completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    #[test]
    fn arguments_are_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
