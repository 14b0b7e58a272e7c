//! `sqlrs run:psql` and `sqlrs run:pgbench`: a tool against an instance.
//!
//! Files are read here, on the CLI's side, and sent as the tool's stdin: psql gets one
//! step per `-f`/`-c` (each `-f FILE` becomes `-f -` with the file's bytes), pgbench's
//! `-f FILE[@weight]` becomes `-f /dev/stdin[@weight]`.

use std::path::Path;

use sqlrs_client::Client;
use sqlrs_schema::{RunEventType, RunKind, RunRequest, RunStep};

use crate::OpsError;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// psql or pgbench.
    pub kind: RunKind,
    /// The instance: id, id prefix or name.
    pub instance: String,
    /// The tool's arguments.
    pub args: Vec<String>,
    /// The CLI's stdin, for `-f -`.
    pub stdin: Option<String>,
}

fn read(path: &str, cwd: &Path) -> Result<String, OpsError> {
    let p = cwd.join(path);
    let bytes = infra_fs::read_regular_file(&p, 1024 * 1024 * 1024, "an SQL or pgbench script")
        .map_err(|source| OpsError::Read {
            path: p.display().to_string(),
            source,
        })?;
    String::from_utf8(bytes).map_err(|_| OpsError::Read {
        path: p.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"),
    })
}

/// psql's steps: options shared, one step per input.
fn psql_steps(options: &RunOptions, cwd: &Path) -> Result<Vec<RunStep>, OpsError> {
    let (mut shared, mut inputs) = (Vec::new(), Vec::new());
    let mut words = options.args.iter();
    while let Some(w) = words.next() {
        let file = match w.as_str() {
            "-f" | "--file" => Some(words.next().cloned().unwrap_or_default()),
            _ if w.starts_with("--file=") => Some(w["--file=".len()..].to_string()),
            _ if w.starts_with("-f") && w.len() > 2 => Some(w[2..].to_string()),
            _ => None,
        };
        if let Some(f) = file {
            let stdin = if f == "-" {
                options.stdin.clone().unwrap_or_default()
            } else {
                read(&f, cwd)?
            };
            inputs.push(RunStep {
                args: vec!["-f".into(), "-".into()],
                stdin: Some(stdin),
            });
        } else if w == "-c" || w == "--command" {
            let sql = words.next().cloned().unwrap_or_default();
            inputs.push(RunStep {
                args: vec!["-c".into(), sql],
                stdin: None,
            });
        } else {
            shared.push(w.clone());
        }
    }
    if inputs.is_empty() {
        inputs.push(RunStep {
            args: Vec::new(),
            stdin: options.stdin.clone(),
        });
    }
    Ok(inputs
        .into_iter()
        .map(|s| RunStep {
            args: shared.iter().cloned().chain(s.args).collect(),
            stdin: s.stdin,
        })
        .collect())
}

/// pgbench's arguments with a script file turned into stdin.
fn pgbench_args(
    options: &RunOptions,
    cwd: &Path,
) -> Result<(Vec<String>, Option<String>), OpsError> {
    let (mut args, mut stdin) = (Vec::new(), None);
    let mut words = options.args.iter();
    while let Some(w) = words.next() {
        if w == "-f" || w == "--file" {
            let spec = words.next().cloned().unwrap_or_default();
            let (path, weight) = match spec.rsplit_once('@') {
                Some((p, wgt)) if wgt.bytes().all(|b| b.is_ascii_digit()) => {
                    (p.to_string(), format!("@{wgt}"))
                }
                _ => (spec.clone(), String::new()),
            };
            if stdin.is_some() {
                return Err(OpsError::Usage(
                    "give pgbench at most one `-f FILE` script".into(),
                ));
            }
            stdin = Some(read(&path, cwd)?);
            args.push("-f".into());
            args.push(format!("/dev/stdin{weight}"));
        } else {
            args.push(w.clone());
        }
    }
    Ok((args, stdin))
}

/// The request for `options` (files read from `cwd`).
pub fn request(options: &RunOptions, cwd: &Path) -> Result<RunRequest, OpsError> {
    Ok(match options.kind {
        RunKind::Psql => RunRequest {
            instance_ref: options.instance.clone(),
            kind: RunKind::Psql,
            args: Vec::new(),
            stdin: None,
            steps: psql_steps(options, cwd)?,
        },
        RunKind::Pgbench => {
            let (args, stdin) = pgbench_args(options, cwd)?;
            RunRequest {
                instance_ref: options.instance.clone(),
                kind: RunKind::Pgbench,
                args,
                stdin,
                steps: Vec::new(),
            }
        }
    })
}

/// Runs `request`; output goes to `on_output` as it arrives; returns the tool's exit code.
pub fn run(
    client: &Client,
    request: &RunRequest,
    on_output: &mut dyn FnMut(RunEventType, &str),
) -> Result<i32, OpsError> {
    let mut code = None;
    for event in client.run(request)? {
        let event = event?;
        match event.event_type {
            RunEventType::Stdout | RunEventType::Stderr => {
                on_output(event.event_type, event.data.as_deref().unwrap_or_default());
            }
            RunEventType::Log => on_output(
                RunEventType::Log,
                event.message.as_deref().unwrap_or_default(),
            ),
            RunEventType::Exit => code = event.exit_code,
            RunEventType::Start => {}
        }
    }
    code.ok_or_else(|| OpsError::Usage("the engine ended the run without an exit code".into()))
}
