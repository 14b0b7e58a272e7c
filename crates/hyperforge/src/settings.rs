//! Settings resolved once per command, in the order flag, environment, default — and the
//! [`Hub`] the operations run in, built from them.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyperforge_ops::{HttpSettings, Hub, Secrets};
use hyperforge_state::Store;
use infra_cli::{CliError, Environment};

use crate::cli::Cli;
use crate::errors::OrCli as _;

/// What a command needs from its environment.
#[derive(Clone)]
pub struct Settings {
    /// The config directory.
    pub config_dir: PathBuf,
    /// The home directory.
    pub home: Option<PathBuf>,
    /// Per request.
    pub timeout: Duration,
    /// `secret-tool`, when a keyring is reachable.
    pub keyring: Option<PathBuf>,
    /// What the hubs made from these settings are interrupted by (`serve` shares one
    /// among its requests; the applying commands install the signal handlers).
    pub interrupt: infra_process::Interrupt,
    env: Environment,
}

fn non_empty(env: &Environment, name: &str) -> Option<String> {
    env.get_str(name)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl Settings {
    /// Resolves the settings of `cli` against `env`.
    pub fn resolve(cli: &Cli, env: Environment) -> Result<Self, CliError> {
        let home = non_empty(&env, "HOME").map(PathBuf::from);
        let config_dir = match (&cli.config_dir, non_empty(&env, "HYPERFORGE_CONFIG_DIR")) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => PathBuf::from(d),
            (None, None) => match (non_empty(&env, "XDG_CONFIG_HOME"), &home) {
                (Some(x), _) => PathBuf::from(x).join("hyperforge"),
                (None, Some(h)) => h.join(".config").join("hyperforge"),
                (None, None) => {
                    return Err(
                        CliError::usage("cannot find a config directory: HOME is not set")
                            .hint("pass --config-dir DIR or set HYPERFORGE_CONFIG_DIR"),
                    );
                }
            },
        };
        if config_dir.exists() && !config_dir.is_dir() {
            return Err(CliError::validation(format!(
                "the config directory {} is not a directory",
                config_dir.display()
            ))
            .hint("pass --config-dir DIR or set HYPERFORGE_CONFIG_DIR to a directory"));
        }
        let timeout = match (cli.timeout, non_empty(&env, "HYPERFORGE_TIMEOUT")) {
            (Some(t), _) => t,
            (None, Some(t)) => t.parse().map_err(|_| {
                CliError::validation(format!(
                    "HYPERFORGE_TIMEOUT `{}` is not a number of seconds",
                    t.escape_default()
                ))
            })?,
            (None, None) => 30,
        };
        if timeout == 0 {
            return Err(CliError::usage("the timeout must be at least 1 second"));
        }
        let keyring = match non_empty(&env, "HYPERFORGE_SECRETS").as_deref() {
            Some("file") => None,
            _ if env.is_set("DBUS_SESSION_BUS_ADDRESS") => infra_process::which("secret-tool"),
            _ => None,
        };
        Ok(Self {
            config_dir,
            home,
            timeout: Duration::from_secs(timeout),
            keyring,
            interrupt: infra_process::Interrupt::none(),
            env,
        })
    }

    /// The config directory, opened.
    pub fn store(&self) -> Result<Store, CliError> {
        Store::open(&self.config_dir).cli()
    }

    /// The context operations run in.
    pub fn hub(&self) -> Result<Hub, CliError> {
        self.hub_ops().cli()
    }

    /// [`Self::hub`] with the library's error (the daemon builds one per request).
    pub fn hub_ops(&self) -> Result<Hub, hyperforge_ops::OpsError> {
        let store = Store::open(&self.config_dir)?;
        let problems = store.config_problems()?;
        if !problems.is_empty() {
            return Err(hyperforge_ops::OpsError::Problems {
                file: store.config_path(),
                problems,
            });
        }
        let env = self.env.clone();
        Ok(Hub {
            secrets: Secrets::new(store.dir(), self.keyring.clone()),
            store,
            env: Arc::new(move |name: &str| env.get_str(name).map(str::to_string)),
            http: HttpSettings {
                timeout: self.timeout,
                ..HttpSettings::default()
            },
            max_fraction: 0.25,
            clock: Arc::new(infra_fs::time::now),
            ssh_config: self.home.as_ref().map(|h| h.join(".ssh").join("config")),
            home: self.home.clone(),
            interrupt: self.interrupt.clone(),
        })
    }
}
