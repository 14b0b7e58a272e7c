//! The one place where hsm's errors become user messages: each `From` impl picks the kind
//! (hence the exit code: 1 failure, 2 usage, 3 validation, 128 + signal) and the hints. It
//! lives here rather than in the binary because Rust only lets the crate of one of the two
//! types implement the conversion. The renderer in `infra-cli` walks the error's `source()` chain, so causes (the
//! `io::Error` behind a failed read, the tool's exit status) are never lost.

use hsm_registry::RegistryError;
use hsm_sync::SyncError;
use infra_cli::{ChildOutput, CliError, ErrorKind, find_source};
use infra_process::ProcessError;

use crate::{OpsError, env_vars};

fn did_you_mean(s: Option<&String>) -> Option<String> {
    s.map(|s| format!("did you mean `{s}`?"))
}

/// The end of a failed child's output, found anywhere in the chain.
fn child_output(e: &(dyn std::error::Error + 'static)) -> Option<ChildOutput> {
    match find_source::<ProcessError>(e)? {
        ProcessError::Failed {
            command,
            output_tail,
            ..
        } if !output_tail.trim().is_empty() => Some(ChildOutput {
            command: command.clone(),
            tail: output_tail.clone(),
        }),
        _ => None,
    }
}

/// Hints for a program that could not run.
fn process_hints(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    match find_source::<ProcessError>(e) {
        Some(ProcessError::NotFound { program }) => {
            vec![format!("install `{program}` or put it on PATH")]
        }
        _ => Vec::new(),
    }
}

fn validation(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CliError {
    CliError::new(ErrorKind::Validation, e)
}

fn failure(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CliError {
    CliError::new(ErrorKind::Failure, e)
}

impl From<OpsError> for CliError {
    fn from(e: OpsError) -> Self {
        let denied = find_source::<std::io::Error>(&e)
            .is_some_and(|io| io.kind() == std::io::ErrorKind::PermissionDenied);
        let mut c = convert(e);
        if denied && c.hints.is_empty() {
            c.hints.push(
                "check that this user may write there (`ls -ld` the directory), or run hsm as its owner"
                    .to_string(),
            );
        }
        c
    }
}

/// The kind and hints of each error.
fn convert(e: OpsError) -> CliError {
    // A check or status stopped by a signal is interrupted, not failed or invalid.
    if let Some(ProcessError::Interrupted { signal, .. }) = find_source::<ProcessError>(&e) {
        let signal = *signal;
        return CliError::new(ErrorKind::Interrupted { signal }, e);
    }
    match e {
        OpsError::Sync(s) => sync(s),
        OpsError::Registry(r) => registry(r),
        OpsError::Fs(_) | OpsError::Process(_) => {
            let hints = process_hints(&e);
            let output = child_output(&e);
            if let OpsError::Process(ProcessError::Interrupted { signal, .. }) = e {
                return CliError::new(ErrorKind::Interrupted { signal }, e);
            }
            let mut c = failure(e).output(output);
            c.hints = hints;
            c
        }
        OpsError::UnknownAdapter { .. }
        | OpsError::NotInRegistry { .. }
        | OpsError::NoSuchEntry { .. }
        | OpsError::NoEntryToChange { .. }
        | OpsError::NotAModeTarget { .. }
        | OpsError::NotInManifest { .. }
        | OpsError::NoSuchProfile { .. }
        | OpsError::NotAnOption { .. }
        | OpsError::UnknownGroup { .. }
        | OpsError::MixedOptions { .. }
        | OpsError::OneOfN { .. } => lookup(e),
        other => rest(other),
    }
}

/// A name given on the command line that no entry can have (`../x`, `ünï`, a 10 MB
/// string): a usage error saying the rule, not "add it with" a command that would refuse it.
fn invalid_name(e: &OpsError) -> Option<String> {
    let (name, what) = match e {
        OpsError::NotInRegistry { kind, name, .. } => (name, kind.noun()),
        OpsError::NoEntryToChange { what, name, .. }
        | OpsError::NotInManifest { what, name, .. } => (name, *what),
        OpsError::NoSuchEntry { name, .. } => (name, "registry entry"),
        _ => return None,
    };
    hsm_schema::entry_name_problem(name, what)
}

/// A name that is not where the command looked: say what is near.
fn lookup(e: OpsError) -> CliError {
    if let Some(problem) = invalid_name(&e) {
        return CliError::usage(problem);
    }
    match e {
        OpsError::UnknownAdapter {
            ref known,
            ref diagnostic,
            ..
        } => {
            let hint = format!("known package managers: {}", known.join(", "));
            let diagnostics: Vec<_> = diagnostic
                .iter()
                .cloned()
                .map(|d| d.hint(hint.clone()))
                .collect();
            let mut c = validation(e);
            if diagnostics.is_empty() {
                c = c.hint(hint);
            }
            c.diagnostics = diagnostics;
            c
        }
        OpsError::NotInRegistry {
            kind,
            ref name,
            ref suggestion,
        } => {
            let hint = did_you_mean(suggestion.as_ref())
                .unwrap_or_else(|| format!("add it with `{}`", kind.add_command(name)));
            validation(e).hint(hint)
        }
        OpsError::NoSuchEntry { ref suggestion, .. }
        | OpsError::NoEntryToChange { ref suggestion, .. }
        | OpsError::NotAModeTarget { ref suggestion, .. } => {
            let h = did_you_mean(suggestion.as_ref())
                .unwrap_or_else(|| "see `hsm registry list`".into());
            validation(e).hint(h)
        }
        OpsError::NotInManifest { ref suggestion, .. } => {
            let h = did_you_mean(suggestion.as_ref())
                .unwrap_or_else(|| "see `hsm list` for what hsm.yaml selects".into());
            validation(e).hint(h)
        }
        OpsError::NoSuchProfile {
            ref container,
            ref known,
            ref suggestion,
            ..
        } => {
            let h = did_you_mean(suggestion.as_ref()).unwrap_or_else(|| {
                if known.is_empty() {
                    format!("`{container}` defines no `deployment_profiles`")
                } else {
                    format!("profiles of `{container}`: {}", known.join(", "))
                }
            });
            validation(e).hint(h)
        }
        OpsError::NotAnOption {
            ref options,
            ref suggestion,
            ..
        } => {
            let listed = format!("options: {}", options.join(", "));
            let dym = did_you_mean(suggestion.as_ref());
            validation(e).maybe_hint(dym).hint(listed)
        }
        OpsError::UnknownGroup { ref suggestion, .. } => {
            let dym = did_you_mean(suggestion.as_ref());
            validation(e).maybe_hint(dym).hint(
                "to start a new ad-hoc group choosing among registry components, pass `--new`",
            )
        }
        OpsError::MixedOptions { .. } => validation(e)
            .hint("an ad-hoc group chooses among packages or among containers, not both"),
        OpsError::OneOfN { .. } => validation(e)
            .hint("make the group `strategy: M-of-N` in the registry to select several"),
        other => validation(other),
    }
}

/// `hsm migrate`: what cannot be carried over, and a result that does not load back.
fn migrate(e: OpsError) -> CliError {
    match e {
        OpsError::Unconvertible { diagnostics } => {
            let headline = format!(
                "{} of the original cannot be carried over; nothing was changed",
                infra_cli::count(diagnostics.len(), "construct", "constructs")
            );
            CliError::diagnostics(headline, diagnostics).hint(
                "change or remove each one in the original's files, then run `hsm migrate` again",
            )
        }
        OpsError::MigratedInvalid(inner) => {
            let mut c = convert(*inner);
            c.hints.push(
                "every file was restored: the positions above are in the files the migration wrote; fix the same keys in the original's files, then run `hsm migrate` again".into(),
            );
            c
        }
        other => validation(other),
    }
}

/// Everything else: edits, registry authoring, the synced project's files, tools, drift.
fn rest(e: OpsError) -> CliError {
    match e {
            // The problems are in text that was never written: no file position is shown,
            // only the key, under the headline that says nothing was written.
            OpsError::EditInvalid { ref problems } | OpsError::InvalidEntry { ref problems, .. } => {
                // A registry file the edit brings in may be what is wrong: it exists, so it
                // is shown at its own position rather than blamed on the edit.
                let (written, unwritten): (Vec<_>, Vec<_>) = problems.iter().cloned().partition(|d| {
                    matches!(e, OpsError::EditInvalid { .. }) && d.file() != std::path::Path::new(hsm_sync::MANIFEST)
                });
                if !written.is_empty() {
                    let mut c = CliError::diagnostics(
                        "the edit would make the project invalid; nothing was written",
                        written,
                    );
                    c.details = unwritten.iter().map(|d| d.message.clone()).collect();
                    return c;
                }
                let details: Vec<String> = problems
                    .iter()
                    .map(|d| match &d.key {
                        Some(k) => format!("{} (at `{k}`)", d.message),
                        None => d.message.clone(),
                    })
                    .collect();
                let mut hints: Vec<String> = Vec::new();
                for h in problems.iter().flat_map(|d| &d.hints) {
                    if !hints.contains(h) {
                        hints.push(h.clone());
                    }
                }
                let mut c = validation(e).details(details);
                c.hints = hints;
                c
            }
            OpsError::AlreadyExists { .. } => validation(e).hint("pass `--force` to overwrite it"),
            OpsError::StillReferenced { .. } => validation(e).hint("remove those references first"),
            OpsError::Usage { .. } => CliError::new(ErrorKind::Usage, e),
            e @ (OpsError::Unconvertible { .. } | OpsError::MigratedInvalid(_)) => migrate(e),
            OpsError::Kube(k) => kube(k),
            OpsError::ExportFileIsLink { .. } => {
                validation(e).hint("remove the link, or export into another directory with `-o`")
            }
            OpsError::ForeignExportFile { .. } => validation(e)
                .hint("export into another directory (`-o DIR`), or move that file away"),
            OpsError::NoEnvFile => failure(e).hint("run `hsm sync` first"),
            OpsError::EnvFile(_) => failure(e).hint("run `hsm sync` to write it again"),
            OpsError::NoComposeFile => failure(e).hint("run `hsm sync` first (or the stack has no managed containers)"),
            OpsError::NoCompose => failure(e).hint(format!(
                "install `docker compose` or `docker-compose`, or name the command with `compose.command` in hsm.yaml, `--compose-command` or `{}`",
                env_vars::COMPOSE
            )),
            OpsError::ComposeCommand { ref diagnostic, .. } => {
                let hint = "quote words with spaces: `'/opt/my tools/compose' --verbose`";
                match diagnostic.clone() {
                    // Written in hsm.yaml: a validation error at its line.
                    Some(d) => CliError::diagnostics("hsm.yaml is invalid", vec![d.hint(hint)]),
                    None => CliError::new(ErrorKind::Usage, e).hint(hint),
                }
            }
            OpsError::Drift { ref items, reported } => {
                let items = items.clone();
                let c = failure(e).details(items).hint("run `hsm sync` (and `hsm up` for containers)");
                if reported { c.reported() } else { c }
            }
            OpsError::Unresolvable { ref hints, .. } => {
                let hints = hints.clone();
                let output = child_output(&e);
                let mut c = validation(e).output(output);
                c.hints = hints;
                c
            }
            OpsError::ComposeRejects { .. } => {
                let output = child_output(&e);
                validation(e)
                    .output(output)
                    .hint("a registry value Compose does not accept (or a bug in hsm); `hsm plan` shows the file")
            }
            OpsError::Edit(hsm_edit::ManifestEditError::Aliased { .. }) => validation(e)
                .hint("edit hsm.yaml by hand, or write the shared values out (no `&`, `*` or `<<`) and run the command again"),
            OpsError::Edit(_) | OpsError::EditGroupFile { .. } | OpsError::NotSelected { .. } | OpsError::GroupOption { .. } => validation(e),
            other => validation(other),
    }
}

/// Registry errors: unreadable files are failures, invalid ones located problems.
fn registry(e: RegistryError) -> CliError {
    match e {
        RegistryError::Missing { .. } => validation(e).hint(format!(
            "create it with `hsm init`, or point `--registry`, `{}` or `registry:` in hsm.yaml at your registry",
            env_vars::REGISTRY
        )),
        RegistryError::Invalid(d) => CliError::diagnostics("the registry is invalid", vec![d]),
        RegistryError::Io { .. } => failure(e),
    }
}

/// Sync errors: located problems, failed steps (with the tool's output and hints),
/// interruptions.
fn sync(e: SyncError) -> CliError {
    match e {
        SyncError::Invalid { ref problems } => {
            let p = problems.clone();
            let mut c = validation(e);
            c.diagnostics = p;
            c
        }
        SyncError::NoProject { .. } => {
            validation(e).hint("run `hsm init` to create one, or pass `-C <dir>`")
        }
        SyncError::Registry(r) => registry(r),
        SyncError::Read(_) | SyncError::AdapterRead(_) => failure(e),
        SyncError::Step { ref hints, .. } => {
            // The step's own hints know the tool; the generic one is for when none do.
            let mut all = hints.clone();
            if all.is_empty() {
                all = process_hints(&e);
            }
            let output = child_output(&e);
            let mut c = failure(e).output(output);
            c.hints = all;
            c
        }
        SyncError::RollbackFailed { ref errors, .. } => {
            let details = errors
                .iter()
                .map(|er| format!("could not restore: {er}"))
                .collect::<Vec<_>>();
            failure(e).details(details)
        }
        SyncError::Interrupted { signal, .. } => {
            CliError::new(ErrorKind::Interrupted { signal }, e)
        }
    }
}

/// Kinds and hints of an export that cannot be made.
fn kube(e: hsm_kube::KubeError) -> CliError {
    use hsm_kube::KubeError;
    match e {
        KubeError::BuildNeedsImage { ref target, .. } => {
            let hint = format!(
                "switch it to an image: `hsm mode {target} prod`, or select a deployment profile with an `image`"
            );
            validation(e).hint(hint)
        }
        KubeError::NoImage { .. } => {
            validation(e).hint("give the container an `image` in the registry")
        }
        KubeError::Template { diagnostic } => CliError::diagnostics(
            "the registry cannot be exported to Kubernetes",
            vec![*diagnostic],
        ),
        KubeError::Clash { .. } => validation(e).hint(
            "rename the container, group alias or network alias so each object has its own name",
        ),
        KubeError::Serialize { .. } => failure(e),
    }
}
