//! The one place where errors become messages, hints and exit codes.

use std::fmt::Write as _;

use hsm_sync::{StepError, SyncError};
use infra_yaml::Diagnostic;
use serde_json::{Value, json};

/// Exit codes (documented in `hsm --help`).
pub mod code {
    /// Success.
    pub const OK: u8 = 0;
    /// Something failed (a tool, a write, the network).
    pub const FAILURE: u8 = 1;
    /// Bad command-line usage.
    pub const USAGE: u8 = 2;
    /// The manifest, the registry or an argument value is invalid.
    pub const VALIDATION: u8 = 3;
}

/// An error ready for the user.
#[derive(Debug)]
pub struct CliError {
    /// Exit code.
    pub code: u8,
    /// Headline.
    pub message: String,
    /// Located problems (validation).
    pub problems: Vec<Diagnostic>,
    /// Causes, outermost first.
    pub causes: Vec<String>,
    /// Hints.
    pub hints: Vec<String>,
    /// Items listed under the headline (`  - …`).
    pub details: Vec<String>,
    /// Already reported on stdout (JSON mode): only the exit code remains to be set.
    pub silent: bool,
}

impl CliError {
    /// A failure (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            code: code::FAILURE,
            message: message.into(),
            problems: Vec::new(),
            causes: Vec::new(),
            hints: Vec::new(),
            details: Vec::new(),
            silent: false,
        }
    }

    /// A validation error (exit 3).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: code::VALIDATION,
            ..Self::failure(message)
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: code::USAGE,
            ..Self::failure(message)
        }
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hints.push(h.into());
        self
    }

    /// Located problems, exit 3.
    pub fn problems(problems: Vec<Diagnostic>) -> Self {
        let n = problems.len();
        let mut e = Self::invalid(if n == 1 {
            "the project is invalid".to_string()
        } else {
            format!("the project is invalid ({n} problems)")
        });
        e.problems = problems;
        e
    }

    /// Renders for a terminal.
    pub fn render(&self, color: bool) -> String {
        let (red, bold, cyan, reset) = if color {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[1;36m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut s = String::new();
        for p in &self.problems {
            let _ = writeln!(s, "{red}error{reset}{bold}: {}{reset}", p.message);
            let _ = write!(s, "  {cyan}-->{reset} {}", p.position());
            if let Some(k) = &p.key {
                let _ = write!(s, " (at `{k}`)");
            }
            s.push('\n');
            for h in &p.hints {
                let _ = writeln!(s, "  {cyan}hint{reset}: {h}");
            }
        }
        if self.problems.is_empty() || self.problems.len() > 1 || self.code != code::VALIDATION {
            let _ = writeln!(s, "{red}error{reset}{bold}: {}{reset}", self.message);
        }
        for d in &self.details {
            let _ = writeln!(s, "  - {d}");
        }
        for c in &self.causes {
            let _ = writeln!(s, "  Caused by: {c}");
        }
        for h in &self.hints {
            let _ = writeln!(s, "{cyan}hint{reset}: {h}");
        }
        s
    }

    /// Renders as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "causes": self.causes,
                "details": self.details,
                "hints": self.hints,
                "problems": self.problems.iter().map(problem_json).collect::<Vec<_>>(),
            }
        })
    }
}

/// A located problem as JSON.
pub fn problem_json(p: &Diagnostic) -> Value {
    json!({
        "file": p.file.to_string_lossy(),
        "line": p.line,
        "column": p.column,
        "key": p.key,
        "message": p.message,
        "hints": p.hints,
    })
}

fn step_causes(source: &StepError) -> (Vec<String>, Vec<String>) {
    let mut causes = vec![source.to_string()];
    let mut hints = Vec::new();
    match source {
        StepError::Adapter(hsm_adapter::AdapterError::Process(p)) | StepError::Process(p) => {
            process_detail(p, &mut causes, &mut hints)
        }
        StepError::Adapter(hsm_adapter::AdapterError::File { hint: Some(h), .. }) => {
            hints.push(h.clone())
        }
        StepError::Fs(e) => {
            let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
            while let Some(s) = src {
                causes.push(s.to_string());
                src = s.source();
            }
        }
        StepError::Adapter(_) => {}
    }
    (causes, hints)
}

fn process_detail(
    p: &infra_process::ProcessError,
    causes: &mut Vec<String>,
    hints: &mut Vec<String>,
) {
    match p {
        infra_process::ProcessError::NotFound { program } => {
            if program.contains("uv") {
                hints.push(
                    "install uv: `pip install uv` (or `package_manager: pip` in hsm.yaml)".into(),
                );
            } else if program.contains("git") {
                hints.push("install git".into());
            } else {
                hints.push(format!("install `{program}` or put it on PATH"));
            }
        }
        infra_process::ProcessError::Failed { output_tail, .. }
            if !output_tail.trim().is_empty() =>
        {
            let fenced: String = output_tail
                .lines()
                .map(|l| format!("    │ {l}\n"))
                .collect();
            causes.push(format!("its last output:\n{}", fenced.trim_end()));
        }
        _ => {}
    }
}

impl From<SyncError> for CliError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Invalid { problems } => CliError::problems(problems),
            SyncError::NoProject { .. } => CliError::invalid(e.to_string()).hint("run `hsm init` to create one, or pass `-C <dir>`"),
            SyncError::UnknownAdapter { ref name, ref known } => {
                CliError::invalid(format!("unknown package manager `{name}` in `package_manager`"))
                    .hint(format!("known package managers: {}", known.join(", ")))
            }
            SyncError::Registry(hsm_registry::RegistryError::Missing { ref path, ref origin }) => {
                CliError::invalid(format!("registry directory `{}` does not exist (from {origin})", path.display()))
                    .hint("create it with `hsm init`, or point `--registry`, HSM_REGISTRY_PATH or `registry:` in hsm.yaml at your registry")
            }
            SyncError::Registry(hsm_registry::RegistryError::Invalid(y)) => CliError::problems(vec![y]),
            SyncError::Registry(r) => CliError::failure(r.to_string()),
            SyncError::Step { ref step, ref source } => {
                let (causes, hints) = step_causes(source);
                let mut c = CliError::failure(format!("{step} failed; every file hsm touched was restored"));
                c.causes = causes;
                c.hints = hints;
                c
            }
            SyncError::RollbackFailed { ref step, ref source, ref errors } => {
                let (mut causes, _) = step_causes(source);
                for er in errors {
                    causes.push(format!("could not restore: {er}"));
                }
                let mut c = CliError::failure(format!("{step} failed and some files could not be restored"));
                c.causes = causes;
                c
            }
            SyncError::Busy => CliError::failure(e.to_string()).hint("wait for the other `hsm sync` to finish, then run it again"),
            SyncError::Interrupted { signal, ref step } => {
                let mut c = CliError::failure(format!("interrupted (signal {signal}) during {step}; every file hsm touched was restored"));
                c.code = 128u8.saturating_add(u8::try_from(signal).unwrap_or(0));
                c
            }
        }
    }
}

impl From<Diagnostic> for CliError {
    fn from(e: Diagnostic) -> Self {
        CliError::problems(vec![e])
    }
}

impl From<infra_yaml::YamlError> for CliError {
    fn from(e: infra_yaml::YamlError) -> Self {
        CliError::problems(vec![e.into()])
    }
}
