//! Dynamic shell completion (`source <(COMPLETE=bash hsm)`, likewise zsh and fish): clap's
//! completion engine with hsm's own candidates for names — registry components, groups,
//! options, profiles, settings — read from the project where the shell is.

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use hsm_ops::names::{Names, names};
use hsm_schema::ComponentKind;

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

/// The words of the command line being completed (after the `--` the shell's completion
/// function passes), empty when this is not a completion request.
fn words() -> Vec<String> {
    std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(2)
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// `what`, narrowed to one kind when the command line says which (`package add` offers
/// packages, `container remove` containers): one argument definition serves both.
fn narrowed(what: Names) -> Names {
    let kind = words().iter().find_map(|w| match w.as_str() {
        "package" => Some(ComponentKind::Package),
        "container" => Some(ComponentKind::Container),
        _ => None,
    });
    match (what, kind) {
        (Names::RegistryComponents, Some(k)) => Names::RegistryOf(k),
        (Names::ProjectComponents, Some(k)) => Names::ProjectOf(k),
        _ => what,
    }
}

fn of(what: Names) -> Vec<CompletionCandidate> {
    let what = narrowed(what);
    settings()
        .map(|s| names(&s, what))
        .unwrap_or_default()
        .into_iter()
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

/// The values of the setting `hsm set` is given (its possible values): `mode` → dev, prod;
/// `package-manager` → uv, pip; nothing for `registry` (a path).
pub fn setting_values() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let words = words();
        let setting = words
            .iter()
            .position(|w| w == "set")
            .and_then(|i| words.get(i + 1))
            .map(|s| s.replace('_', "-"));
        let values: &[&str] = match setting.as_deref() {
            Some("mode") => &["dev", "prod"],
            Some("package-manager") => &["uv", "pip"],
            _ => &[],
        };
        values
            .iter()
            .map(|v| CompletionCandidate::new(*v))
            .collect()
    })
}
