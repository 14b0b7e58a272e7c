//! Dynamic shell completion (`source <(COMPLETE=bash hsm)`, likewise zsh and fish): clap's
//! completion engine with hsm's own candidates for names — registry components, groups,
//! options, profiles, settings — read from the project where the shell is.

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use hsm_ops::names::{Names, names};

/// Settings for a completion request: the shell's directory, `HSM_REGISTRY_PATH`, no parse
/// cache (a completion must not write one).
fn settings() -> Option<hsm_ops::Settings> {
    let cwd = std::env::current_dir().ok()?;
    let env = infra_cli::Environment::from_process();
    let registry = env
        .get_str(hsm_ops::env_vars::REGISTRY)
        .filter(|v| !v.is_empty())
        .map(|v| {
            infra_cli::Setting::new(
                infra_fs::resolve(&cwd.join(v)),
                infra_cli::Provenance::Env(hsm_ops::env_vars::REGISTRY),
            )
        });
    Some(hsm_ops::Settings {
        cwd,
        registry,
        compose: None,
        cache: infra_yaml::ParseCache::disabled(),
    })
}

fn of(what: Names) -> Vec<CompletionCandidate> {
    settings()
        .map(|s| names(&s, what))
        .unwrap_or_default()
        .into_iter()
        // A name a shell would print as an escape sequence or a line break is no candidate.
        .filter(|n| {
            !n.chars()
                .any(|c| c.is_control() || infra_diag::is_invisible(c))
        })
        .map(CompletionCandidate::new)
        .collect()
}

/// Candidates for one kind of name.
pub fn candidates(what: Names) -> ArgValueCandidates {
    ArgValueCandidates::new(move || of(what))
}

/// The settings `hsm set` knows.
pub fn settings_names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        hsm_ops::edit::SETTINGS
            .iter()
            .map(|(name, _)| CompletionCandidate::new(*name))
            .collect()
    })
}

/// Values of `hsm set` (the setting is not known here: the fixed values of all of them).
pub fn setting_values() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        ["uv", "pip", "dev", "prod"]
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}
