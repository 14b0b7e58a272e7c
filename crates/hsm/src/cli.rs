//! Command-line arguments. Each doc comment is the help text.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Parser, Subcommand};
use hsm_schema::{
    ComponentKind, Cpus, EnvName, GitUrl, Implication, Memory, Mode, PackageIndex, ParamMerge,
    PortSpec, RestartPolicy, Strategy,
};

use crate::parse::{self, PypiSpec};
use hsm_ops::env_vars;
use hsm_ops::names::Names;

fn mode_parser() -> impl clap::builder::TypedValueParser<Value = Mode> {
    PossibleValuesParser::new(["dev", "prod"]).map(|s| Mode::parse(&s).unwrap_or_default())
}

fn kind_parser() -> impl clap::builder::TypedValueParser<Value = ComponentKind> {
    PossibleValuesParser::new(["package", "container"])
        .map(|s| s.parse().unwrap_or(ComponentKind::Package))
}

fn strategy_parser() -> impl clap::builder::TypedValueParser<Value = Strategy> {
    PossibleValuesParser::new(["1-of-N", "M-of-N"]).map(|s| Strategy::parse(&s).unwrap_or_default())
}

/// hsm — Hyper Stack Manager: one `hsm.yaml` for your Python packages and your containers.
///
/// hsm resolves the stack described by `hsm.yaml` against a shared registry, writes
/// `pyproject.toml` (+ `[tool.uv.sources]`) and runs `uv sync`, and generates
/// `docker-compose.hsm.yml` for Docker Compose. Exit codes: 0 ok, 1 failure, 2 usage error,
/// 3 validation error, 130/143 interrupted.
#[derive(Debug, Parser)]
#[command(name = "hsm", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR: hsm.yaml is searched from there upwards, and relative paths
    /// of flags and environment variables are taken from there
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Registry directory (overrides `registry:` in hsm.yaml)
    #[arg(long, global = true, value_name = "DIR", env = env_vars::REGISTRY)]
    pub registry: Option<PathBuf>,
    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Print less (no tool output, no progress)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: where the registry came from and how long each phase took (`-vv` is
    /// accepted and means the same)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour the output (`NO_COLOR` turns colours off)
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto", value_parser = PossibleValuesParser::new(["auto", "always", "never"]))]
    pub color: String,
    /// Tools hsm runs
    #[command(flatten)]
    pub tooling: Tooling,
    /// The cache of parsed files
    #[command(flatten)]
    pub cache: CacheArgs,
    /// The command
    #[command(subcommand)]
    pub command: Command,
}

/// The programs hsm runs.
#[derive(Debug, Args)]
#[command(next_help_heading = "Tools")]
pub struct Tooling {
    /// The uv program
    #[arg(long, global = true, value_name = "PROGRAM", env = env_vars::UV, default_value = "uv")]
    pub uv: String,
    /// The Python interpreter of the pip adapter
    #[arg(long, global = true, value_name = "PROGRAM", env = env_vars::PYTHON, default_value = "python3")]
    pub python: String,
    /// The Compose command line (default: `compose.command` in hsm.yaml, else `docker
    /// compose`, else `docker-compose`)
    #[arg(long, global = true, value_name = "COMMAND", env = env_vars::COMPOSE)]
    pub compose_command: Option<String>,
}

/// Where parsed registry files and manifests are kept between runs.
#[derive(Debug, Args)]
#[command(next_help_heading = "Cache")]
pub struct CacheArgs {
    /// Cache directory (default: `$XDG_CACHE_HOME/hsm`, else `~/.cache/hsm`); safe to delete
    #[arg(long, global = true, value_name = "DIR", env = env_vars::CACHE_DIR)]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file, reading and writing no cache
    #[arg(long, global = true, env = env_vars::NO_CACHE, value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
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
    /// Add or remove standalone packages, or make a new local one
    #[command(subcommand)]
    Package(PackageCmd),
    /// Add or remove standalone containers
    #[command(subcommand)]
    Container(ComponentCmd),
    /// Select or unselect options of a package or container group
    #[command(subcommand)]
    Group(GroupCmd),
    /// Set the deployment profile of a container group or a standalone container
    Profile(ProfileArgs),
    /// Set a top-level setting of hsm.yaml: package-manager (uv|pip), mode (dev|prod),
    /// registry (a directory)
    Set(SetArgs),
    /// Inspect and edit the registry
    #[command(subcommand)]
    Registry(RegistryCmd),
    /// Convert a project and registry written for the original Python hsm (0.2, 0.3, 0.4)
    /// into hsm's vocabulary: shows the plan, then writes every file in one transaction
    Migrate(MigrateArgs),
    /// Export the resolved stack for another platform
    #[command(subcommand)]
    Export(ExportCmd),
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
    /// Project name (default: hsm.yaml's, else `[project] name` of pyproject.toml, else the
    /// directory name)
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
#[derive(Debug, Default, Args)]
pub struct SyncArgs {
    /// Install from the lock file without updating it (`uv sync --frozen`)
    #[arg(long)]
    pub frozen: bool,
    /// Print the plan and stop
    #[arg(long)]
    pub dry_run: bool,
    /// Afterwards, check that every artifact matches and every selected package is installed;
    /// fail otherwise
    #[arg(long)]
    pub verify: bool,
    /// With --verify: also require the managed containers to be running
    #[arg(long, requires = "verify")]
    pub containers: bool,
}

/// `hsm mode`.
#[derive(Debug, Args)]
pub struct ModeArgs {
    /// Component or group name (omit with --all)
    #[arg(
        required_unless_present = "all",
        conflicts_with = "all",
        add = crate::complete::candidates(Names::ModeTargets)
    )]
    pub target: Option<String>,
    /// The mode
    #[arg(value_parser = mode_parser(), required_unless_present = "all", conflicts_with = "all")]
    pub mode: Option<Mode>,
    /// Set the project default and every explicit mode
    #[arg(long, value_name = "MODE", value_parser = mode_parser())]
    pub all: Option<Mode>,
}

/// `hsm migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Print the plan and the notes, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `hsm set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The setting: package-manager, mode, registry
    #[arg(add = crate::complete::settings_names())]
    pub setting: String,
    /// Its value (omit with --unset)
    #[arg(
        required_unless_present = "unset",
        conflicts_with = "unset",
        add = crate::complete::setting_values()
    )]
    pub value: Option<String>,
    /// Remove the setting from hsm.yaml (back to its default)
    #[arg(long)]
    pub unset: bool,
}

/// `hsm package …`: the component commands, and `init`.
#[derive(Debug, Subcommand)]
pub enum PackageCmd {
    #[command(flatten)]
    Component(ComponentCmd),
    /// Make a new local Python package (`uv init --lib`), register it (editable in dev),
    /// add it to hsm.yaml in dev mode and sync
    Init {
        /// The package name
        name: String,
        /// Its directory, relative to the project (default: packages/NAME)
        #[arg(long, value_name = "DIR")]
        path: Option<PathBuf>,
    },
}

/// `hsm package|container add|remove`.
#[derive(Debug, Subcommand)]
pub enum ComponentCmd {
    /// Add a standalone component
    Add {
        /// Registry name
        #[arg(add = crate::complete::candidates(Names::RegistryComponents))]
        name: String,
        /// Mode of this component
        #[arg(long, value_parser = mode_parser())]
        mode: Option<Mode>,
        /// Deployment profile (containers only)
        #[arg(long)]
        profile: Option<String>,
    },
    /// Remove a standalone component
    Remove {
        /// Registry name
        #[arg(add = crate::complete::candidates(Names::ProjectComponents))]
        name: String,
    },
}

/// `hsm group`.
#[derive(Debug, Subcommand)]
pub enum GroupCmd {
    /// Select option(s) of a group (1-of-N replaces, M-of-N adds)
    Select {
        /// Group name
        #[arg(add = crate::complete::candidates(Names::Groups))]
        group: String,
        /// Option name(s)
        #[arg(required = true, add = crate::complete::candidates(Names::Options))]
        options: Vec<String>,
        /// Create a new ad-hoc group (not in hsm.yaml nor in the registry) choosing among
        /// registry components of the options' kind
        #[arg(long)]
        new: bool,
    },
    /// Unselect one option, or remove the group from hsm.yaml
    Unselect {
        /// Group name
        #[arg(add = crate::complete::candidates(Names::Groups))]
        group: String,
        /// Option to unselect (default: the whole group)
        #[arg(add = crate::complete::candidates(Names::Options))]
        option: Option<String>,
    },
}

/// `hsm profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Container group or standalone container
    #[arg(add = crate::complete::candidates(Names::ModeTargets))]
    pub target: String,
    /// Profile name from the container's `deployment_profiles` (`none` clears it)
    #[arg(add = crate::complete::candidates(Names::Profiles))]
    pub profile: String,
}

/// `hsm export`.
#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Write Kubernetes manifests (Deployments, Services, claims, ConfigMaps, Secret references, kustomization.yaml)
    Kubernetes(KubernetesArgs),
}

/// `hsm export kubernetes`.
#[derive(Debug, Args)]
pub struct KubernetesArgs {
    /// Directory to write the manifests to (created if missing)
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Namespace of every object (and of the kustomization): a DNS label
    #[arg(long, value_name = "N", value_parser = namespace)]
    pub namespace: Option<String>,
}

/// A Kubernetes namespace: an RFC 1123 label (lowercase letters, digits and `-`, starting
/// and ending with a letter or digit, at most 63 characters).
fn namespace(s: &str) -> Result<String, String> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let ends = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if s.len() <= 63 && s.chars().all(ok_char) && ends(s.chars().next()) && ends(s.chars().last()) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{}` is not a namespace: expected up to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit",
            s.escape_default()
        ))
    }
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
    /// Parse and check every registry file: values, references, package sources
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
    /// The Python distribution it installs, when not its name (an entry `torch-cpu` that
    /// installs `torch`)
    #[arg(long, value_parser = |s: &str| hsm_schema::DistributionName::parse(s))]
    pub distribution: Option<hsm_schema::DistributionName>,
    /// Prod source from a package index: a specifier (`>=2`) or requirement (`requests>=2`)
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["git", "path"], value_parser = parse::pypi)]
    pub pypi: Option<PypiSpec>,
    /// With --pypi: take the distribution only from this index
    #[arg(long, value_name = "NAME=URL", requires = "pypi", value_parser = parse::index)]
    pub index: Option<PackageIndex>,
    /// Prod source from git
    #[arg(long, value_name = "URL", value_parser = parse::git_url)]
    pub git: Option<GitUrl>,
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
    #[arg(long, value_name = "URL", requires = "dev_path", value_parser = parse::git_url)]
    pub dev_git: Option<GitUrl>,
    /// Environment for local processes, KEY=VALUE (can be repeated)
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse::env_pair)]
    pub env: Vec<(EnvName, String)>,
    /// Implication `container:<name>`, `package:<name>`, `container_group:<g>=<option>`… (can
    /// be repeated)
    #[arg(long = "implies", value_name = "TARGET", value_parser = parse::implication)]
    pub implies: Vec<Implication>,
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
    /// Port mapping in Compose's short syntax (can be repeated)
    #[arg(long = "port", value_name = "HOST:CONTAINER", value_parser = PortSpec::parse)]
    pub ports: Vec<PortSpec>,
    /// Volume (can be repeated)
    #[arg(long = "volume", value_name = "SRC:DST")]
    pub volumes: Vec<String>,
    /// Environment KEY=VALUE (can be repeated; values may use ${VAR})
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse::env_pair)]
    pub env: Vec<(EnvName, String)>,
    /// Dev build context (relative to the registry file)
    #[arg(long, value_name = "DIR")]
    pub build: Option<String>,
    /// Dockerfile of the dev build
    #[arg(long, requires = "build")]
    pub dockerfile: Option<String>,
    /// Health check command (run with CMD-SHELL)
    #[arg(long)]
    pub healthcheck: Option<String>,
    /// Extra network alias (can be repeated)
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// External deployment profile NAME=HOST:PORT (can be repeated)
    #[arg(long = "external", value_name = "NAME=HOST:PORT", value_parser = parse::external)]
    pub external: Vec<(String, String, u16)>,
    /// Managed deployment profile (can be repeated)
    #[arg(long = "managed", value_name = "NAME")]
    pub managed: Vec<String>,
    /// Managed profile that runs the service as an isolated uv project (can be repeated)
    #[arg(long = "uv-profile", value_name = "NAME")]
    pub uv_profiles: Vec<String>,
    /// Port clients connect to inside the network (default: first port mapping)
    #[arg(long = "service-port", value_name = "PORT", value_parser = parse::port)]
    pub service_port: Option<u16>,
    /// Command (a shell string)
    #[arg(long)]
    pub command: Option<String>,
    /// Restart policy: `no`, `always`, `on-failure[:N]`, `unless-stopped`
    #[arg(long, value_parser = RestartPolicy::parse)]
    pub restart: Option<RestartPolicy>,
    /// Working directory
    #[arg(long)]
    pub working_dir: Option<String>,
    /// CPU limit (prod), e.g. 0.5
    #[arg(long, value_parser = Cpus::parse)]
    pub cpus: Option<Cpus>,
    /// Memory limit (prod), e.g. 512m
    #[arg(long, value_parser = Memory::parse)]
    pub memory: Option<Memory>,
    /// Label KEY=VALUE (can be repeated)
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse::pair)]
    pub labels: Vec<(String, String)>,
    /// Dev volume (hot reload; can be repeated)
    #[arg(long = "dev-volume", value_name = "SRC:DST", requires = "build")]
    pub dev_volumes: Vec<String>,
    /// Dev (debug) environment KEY=VALUE (can be repeated)
    #[arg(long = "dev-env", value_name = "KEY=VALUE", requires = "build", value_parser = parse::env_pair)]
    pub dev_env: Vec<(EnvName, String)>,
    /// Clone this repository into --build when it is missing
    #[arg(long = "dev-git", value_name = "URL", requires = "build", value_parser = parse::git_url)]
    pub dev_git: Option<GitUrl>,
    /// Implication param NAME, NAME=list or NAME=scalar (can be repeated)
    #[arg(long = "param", value_name = "NAME[=list|scalar]", value_parser = parse::param)]
    pub params: Vec<(String, ParamMerge)>,
    /// Package installed into a `--uv-profile` service (can be repeated)
    #[arg(long = "dependency", value_name = "PACKAGE")]
    pub dependencies: Vec<String>,
    /// Implication (see `hsm registry package add --help`; can be repeated)
    #[arg(long = "implies", value_name = "TARGET", value_parser = parse::implication)]
    pub implies: Vec<Implication>,
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

/// Flags of `hsm registry group add`.
#[derive(Debug, Args)]
pub struct RegGroupAdd {
    /// Group name (asked for on a terminal when omitted)
    pub name: Option<String>,
    /// What the group chooses among
    #[arg(long, value_parser = kind_parser())]
    pub kind: ComponentKind,
    /// Exactly one option or any number
    #[arg(long, default_value = "1-of-N", value_parser = strategy_parser())]
    pub strategy: Strategy,
    /// Option (can be repeated)
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
    /// Extra arguments passed to docker compose; after `--` everything is passed, including
    /// flags hsm also has (`hsm down -- -v` removes volumes)
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
