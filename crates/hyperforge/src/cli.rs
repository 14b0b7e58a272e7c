//! The command line: every command, flag and argument. Flags are a contract (scripts and
//! other tools call `forge add` and `org create` with them), so they change only with care.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// hyperforge — your repositories across GitHub, Gitea/Forgejo/Codeberg and GitLab as
/// desired state: declare them in repos.yaml (or stage changes), then plan, apply,
/// refresh and converge.
#[derive(Debug, Parser)]
#[command(
    name = "hyperforge",
    version,
    max_term_width = 100,
    propagate_version = true
)]
pub struct Cli {
    /// Print NDJSON events on stdout (one JSON object per line, tagged by `type`)
    #[arg(long, global = true)]
    pub json: bool,
    /// Only warnings and errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail on stderr
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour stderr: auto, always, never
    #[arg(long, global = true, default_value = "auto", value_name = "WHEN")]
    pub color: String,
    /// The config directory [env: HYPERFORGE_CONFIG_DIR; default: ~/.config/hyperforge]
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Seconds to wait for one forge request [env: HYPERFORGE_TIMEOUT; default: 30]
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// The command
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forge instances: add, list, check tokens
    #[command(subcommand)]
    Forge(ForgeCmd),
    /// Orgs: create, list, show, remove, import from the forges
    #[command(subcommand)]
    Org(OrgCmd),
    /// Repositories of an org: stage changes, diff, plan, apply, sync, refresh, converge
    #[command(subcommand)]
    Repos(ReposCmd),
    /// Directories of clones bound to an org
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Token values in the OS keyring (or a 0600 file): set, list, remove
    #[command(subcommand)]
    Secrets(SecretsCmd),
    /// Write the desired state for another tool
    #[command(subcommand)]
    Export(ExportCmd),
    /// Run the hub daemon: the same operations over HTTP on loopback, with a token
    Serve(ServeArgs),
    /// Keep orgs converged: a round every interval, and at once when the desired state's
    /// files change
    Watch(WatchArgs),
}

/// A forge kind.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// GitHub REST v3 (github.com, GitHub Enterprise Server)
    Github,
    /// Gitea / Forgejo API v1 (Codeberg)
    Gitea,
    /// GitLab API v4
    Gitlab,
}

/// `forge …`.
#[derive(Debug, Subcommand)]
pub enum ForgeCmd {
    /// Add a forge instance (the token only as a reference)
    Add {
        /// Its name here (`github`, `codeberg`, `work-gitlab`)
        name: String,
        /// Its API
        #[arg(long, value_enum)]
        kind: Kind,
        /// Its API URL (`https://api.github.com`, `https://codeberg.org/api/v1`)
        #[arg(long, value_name = "URL")]
        api_url: String,
        /// Where its token is: env:VAR, keyring:KEY or file:PATH
        #[arg(long, value_name = "REF")]
        token_ref: String,
        /// The SSH host for git remotes (`github.com`)
        #[arg(long, value_name = "HOST")]
        ssh_host: Option<String>,
        /// Replace an existing forge of that name
        #[arg(long)]
        replace: bool,
    },
    /// List the forge instances
    List,
    /// Check tokens: who they belong to, scopes, expiry (auth failures told apart from
    /// network failures)
    Auth {
        /// Forges to check (all when none)
        names: Vec<String>,
    },
}

/// `org …`.
#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Define an org
    Create {
        /// Its name here
        org: String,
        /// Its owner login on the forges; `LOGIN`, or `FORGE=LOGIN,…` when it differs
        #[arg(long, value_name = "LOGIN")]
        owner: String,
        /// Its forges, comma-separated
        #[arg(long, value_delimiter = ',', required = true, value_name = "FORGES")]
        forges: Vec<String>,
        /// The forge that holds the source of truth (the first of --forges by default)
        #[arg(long, value_name = "FORGE")]
        origin: Option<String>,
        /// Visibility of repos that do not set one
        #[arg(long, value_name = "public|private")]
        visibility: Option<String>,
        /// Protect repos that do not say otherwise
        #[arg(long, value_name = "true|false")]
        protected: Option<bool>,
        /// The SSH key for its forges that have an --ssh-host (remotes then use
        /// `git@<forge>-<org>:…` and a marked Host block in ~/.ssh/config)
        #[arg(long, value_name = "PATH")]
        ssh_key: Option<String>,
    },
    /// List orgs
    List,
    /// Show an org
    Show {
        /// The org
        org: String,
    },
    /// Forget an org (its repos.yaml stays unless --purge; no forge is touched)
    Remove {
        /// The org
        org: String,
        /// Also delete its repos.yaml and staged changes
        #[arg(long)]
        purge: bool,
        /// Even with changes staged
        #[arg(long)]
        force: bool,
    },
    /// Write the forges' repositories as the org's desired state (the next diff is empty)
    Import {
        /// The org
        org: String,
    },
}

/// Which orgs a command acts on.
#[derive(Debug, Args)]
pub struct Orgs {
    /// The org (the default org when not given)
    pub org: Option<String>,
    /// Every org
    #[arg(long, conflicts_with = "org")]
    pub all: bool,
}

/// Fields of `repos create|update`.
#[derive(Debug, Args)]
pub struct Fields {
    /// Its description
    #[arg(long)]
    pub description: Option<String>,
    /// public or private
    #[arg(long, value_name = "public|private")]
    pub visibility: Option<String>,
    /// The forges it lives on, comma-separated (the org's forges by default)
    #[arg(long, value_delimiter = ',', value_name = "FORGES")]
    pub forges: Option<Vec<String>>,
    /// Never deleted or made private without --force
    #[arg(long, value_name = "true|false")]
    pub protected: Option<bool>,
}

/// Flags of commands that apply.
#[derive(Debug, Args, Clone, Copy)]
pub struct ApplyFlags {
    /// Apply without asking
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Allow deleting or making private a protected repository
    #[arg(long)]
    pub force: bool,
    /// Allow a change to more of the org's repositories than its blast-radius limit
    #[arg(long)]
    pub allow_large: bool,
    /// Delete removed repositories now instead of retiring them (archived, private) for
    /// the org's grace period
    #[arg(long)]
    pub purge: bool,
}

/// `repos …`.
#[derive(Debug, Subcommand)]
pub enum ReposCmd {
    /// List declared repositories (with pending changes)
    List(Orgs),
    /// Stage a new repository
    Create {
        /// The org
        org: String,
        /// The repository
        name: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// Stage changes to a repository
    Update {
        /// The org
        org: String,
        /// The repository
        name: String,
        #[command(flatten)]
        fields: Fields,
        /// Archive it (read-only) or not
        #[arg(long, value_name = "true|false")]
        archived: Option<bool>,
        /// Rename it on every forge (staged alone: no other field with it)
        #[arg(long, value_name = "NEW_NAME", conflicts_with_all = ["description", "visibility", "forges", "protected", "archived"])]
        rename: Option<String>,
    },
    /// Stage the removal of a repository: the next sync retires it (archived, private),
    /// a sync after the org's grace period (7 days) or with --purge deletes it
    Remove {
        /// The org
        org: String,
        /// The repository
        name: String,
        /// Even if it is protected
        #[arg(long)]
        force: bool,
    },
    /// What a sync would do (the forges refreshed first)
    Diff {
        #[command(flatten)]
        orgs: Orgs,
        /// Only this repository
        #[arg(long)]
        repo: Option<String>,
        /// As a sync with --purge would
        #[arg(long)]
        purge: bool,
    },
    /// Compute a plan against the forges as they are; --out saves it for `repos apply`
    Plan {
        /// The org (the default org when not given)
        org: Option<String>,
        /// Delete removed repositories now instead of retiring them
        #[arg(long)]
        purge: bool,
        /// Write the plan here (JSON)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Apply a saved plan exactly (refused if the forges changed since it was made)
    Apply {
        /// The plan file from `repos plan --out`
        plan: PathBuf,
        #[command(flatten)]
        flags: ApplyFlags,
    },
    /// Plan and apply in one step
    Sync {
        /// The org (the default org when not given)
        org: Option<String>,
        /// Only this repository
        repo: Option<String>,
        /// Every org
        #[arg(long, conflicts_with_all = ["org", "repo"])]
        all: bool,
        /// Show what would be done; change nothing anywhere
        #[arg(long, short = 'n')]
        dry_run: bool,
        #[command(flatten)]
        flags: ApplyFlags,
    },
    /// Record what the forges hold (_synced, _discovered) and report drift
    Refresh(Orgs),
    /// Refresh, diff, apply, capture, verify (a re-diff must be empty)
    Converge {
        #[command(flatten)]
        orgs: Orgs,
        /// Show what would be done; change nothing anywhere
        #[arg(long, short = 'n')]
        dry_run: bool,
        /// Declare the repositories the forges hold that nobody declared (as `org import`)
        #[arg(long, conflicts_with = "dry_run")]
        auto_import: bool,
        #[command(flatten)]
        flags: ApplyFlags,
    },
}

/// `workspace …`.
#[derive(Debug, Subcommand)]
pub enum WorkspaceCmd {
    /// Bind a directory of clones to an org
    Bind {
        /// The directory
        dir: PathBuf,
        /// The org
        org: String,
        /// Stage a create for every clone under it the org does not declare
        #[arg(long)]
        auto_create: bool,
    },
    /// Unbind a directory
    Unbind {
        /// The directory
        dir: PathBuf,
    },
    /// Show bound directories and their clones
    Show {
        /// Only this directory
        dir: Option<PathBuf>,
    },
    /// Clone every declared repository not yet in the org's workspace
    CloneAll {
        /// The org (the default org when not given)
        org: Option<String>,
    },
}

/// `secrets …`.
#[derive(Debug, Subcommand)]
pub enum SecretsCmd {
    /// Store a secret; the value is read from stdin (never an argument)
    Set {
        /// Its key (`keyring:KEY` refers to it)
        key: String,
    },
    /// List stored keys (never values)
    List,
    /// Remove a secret
    Remove {
        /// Its key
        key: String,
    },
}

/// `export …`.
#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// The desired state as a Pulumi YAML program
    Pulumi {
        /// The org
        org: String,
        /// Write it here instead of stdout
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen (loopback only)
    #[arg(long, default_value = "127.0.0.1:7654", value_name = "ADDR")]
    pub listen: String,
    /// A file holding the token clients must send (made, 0600, when absent)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub orgs: Orgs,
    /// Seconds between rounds (a change to config.yaml, repos.yaml or staged changes starts
    /// one sooner)
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub interval: u64,
    /// Apply what each round finds (without it, only report drift)
    #[arg(long)]
    pub apply: bool,
    /// Stop after this many rounds
    #[arg(long, value_name = "N")]
    pub rounds: Option<u64>,
    #[command(flatten)]
    pub flags: ApplyFlags,
}
