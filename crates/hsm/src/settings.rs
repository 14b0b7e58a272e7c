//! Resolving the global flags into the settings every command runs with.
//!
//! clap reads each flag and the environment variable standing for it; which of the two
//! gave a value is kept as its provenance. Relative paths are taken from the directory hsm
//! runs in (`-C DIR`), for every command alike.

use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;
use hsm_ops::Settings;
use infra_cli::{CliError, Provenance, Setting};

use crate::cli::Cli;
use hsm_ops::env_vars;

/// Where a value of `arg` came from: its flag or its environment variable.
fn provenance(
    matches: &ArgMatches,
    arg: &str,
    flag: &'static str,
    var: &'static str,
) -> Provenance {
    match matches.value_source(arg) {
        Some(ValueSource::EnvVariable) => Provenance::Env(var),
        _ => Provenance::Flag(flag),
    }
}

/// The directory hsm runs in: the current one, or `-C DIR` relative to it.
fn working_dir(cli: &Cli) -> Result<PathBuf, CliError> {
    let base = std::env::current_dir().map_err(|e| {
        CliError::new(infra_cli::ErrorKind::Failure, e)
            .hint("the current directory may have been removed")
    })?;
    let Some(dir) = &cli.directory else {
        return Ok(base);
    };
    let dir = base.join(dir);
    match std::fs::canonicalize(&dir) {
        Ok(d) if d.is_dir() => Ok(d),
        _ => Err(CliError::usage(format!(
            "`-C {}`: not a directory",
            dir.display()
        ))),
    }
}

/// The settings of this invocation.
pub fn resolve(cli: &Cli, matches: &ArgMatches) -> Result<Settings, CliError> {
    let cwd = working_dir(cli)?;
    let registry = cli
        .registry
        .as_ref()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| {
            Setting::new(
                infra_fs::resolve(&cwd.join(p)),
                provenance(matches, "registry", "--registry", env_vars::REGISTRY),
            )
        });
    let compose = cli
        .tooling
        .compose_command
        .as_ref()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            Setting::new(
                c.clone(),
                provenance(
                    matches,
                    "compose_command",
                    "--compose-command",
                    env_vars::COMPOSE,
                ),
            )
        });
    let cache = cache(cli, &cwd);
    Ok(Settings {
        cwd,
        registry,
        compose,
        cache,
    })
}

/// The parse cache: `--cache-dir`/`HSM_CACHE_DIR`, else `$XDG_CACHE_HOME/hsm`, else
/// `~/.cache/hsm`; none with `--no-cache` or when no directory can be named. Entries are
/// keyed by this binary's build (its version and modification time), so a rebuilt hsm
/// never reads what another build wrote.
fn cache(cli: &Cli, cwd: &std::path::Path) -> hsm_ops::ParseCache {
    if cli.cache.no_cache {
        return hsm_ops::ParseCache::disabled();
    }
    let env = infra_cli::Environment::from_process();
    let dir = match &cli.cache.cache_dir {
        Some(d) if !d.as_os_str().is_empty() => Some(cwd.join(d)),
        _ => env
            .get(env_vars::XDG_CACHE_HOME)
            .map(|x| PathBuf::from(x).join("hsm"))
            .or_else(|| {
                env.get(env_vars::HOME)
                    .map(|h| PathBuf::from(h).join(".cache/hsm"))
            }),
    };
    let Some(dir) = dir.filter(|d| d.is_absolute()) else {
        return hsm_ops::ParseCache::disabled();
    };
    let built = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    hsm_ops::ParseCache::new(
        dir.join("parsed"),
        format!("hsm {} {built}", crate::adapters::VERSION),
    )
}
