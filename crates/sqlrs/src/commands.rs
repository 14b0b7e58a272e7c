//! One function per command: settings → one `sqlrs-ops` operation → print. Each returns
//! the exit code.

use std::io::Read as _;

use infra_cli::{CliError, Environment, Printer};
use sqlrs_ops::prepare::PrepareOptions;
use sqlrs_ops::run::RunOptions;
use sqlrs_ops::{Settings, SettingsInput, engine};
use sqlrs_schema::{DeleteOutcome, Event, PrepareKind, RunEventType, RunKind};

use crate::cli::{CacheCommand, Cli, Command, ConfigCommand, RunArgs};
use crate::print;

/// Runs the command of `cli` (with the run stage of a composite).
pub fn run(cli: Cli, run_stage: Option<Cli>, printer: &Printer) -> Result<u8, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::failure(format!("cannot read the current directory: {e}")))?;
    let input = SettingsInput {
        store: cli.store.clone(),
        engine: cli.engine.clone(),
        timeout: cli.timeout,
        idle_timeout: cli.idle_timeout,
        snapshot: cli.snapshot.clone(),
        runtime: cli.runtime.clone(),
        image: cli.image.clone(),
        cwd,
    };
    let settings = Settings::resolve(input, &Environment::from_process())?;
    match (cli.command, run_stage) {
        (Command::PreparePsql(p), Some(run)) => {
            let stage = Stage {
                composite: true,
                ..Stage::psql(p)
            };
            composite(&settings, &stage, run.command, printer)
        }
        (Command::PrepareLb(p), Some(run)) => {
            let stage = Stage {
                composite: true,
                ..Stage::lb(p)
            };
            composite(&settings, &stage, run.command, printer)
        }
        (_, Some(_)) => Err(CliError::usage(
            "only `prepare:psql|prepare:lb … run:psql|run:pgbench …` has two stages",
        )),
        (Command::Init(a), None) => {
            let config = sqlrs_ops::workspace::WorkspaceConfig {
                store: a.store,
                snapshot: a.snapshot,
                runtime: a.runtime,
                image: a.image,
                ..Default::default()
            };
            let report = sqlrs_ops::workspace::init(&settings.cwd, &config, a.force)?;
            print::init(printer, &report);
            Ok(0)
        }
        (Command::Status { cache }, None) => {
            let client = engine::client(&settings)?;
            let report = sqlrs_ops::status::status(&client, &settings, cache)?;
            print::status(printer, &report);
            Ok(0)
        }
        (Command::Ls(a), None) => ls(&settings, &a, printer),
        (Command::Rm(a), None) => rm(&settings, &a, printer),
        (Command::PlanPsql(t), None) => plan(&settings, PrepareKind::Psql, &t.args, printer),
        (Command::PreparePsql(p), None) => prepare(&settings, &Stage::psql(p), printer).map(|_| 0),
        (Command::PlanLb(t), None) => plan(&settings, PrepareKind::Lb, &t.args, printer),
        (Command::PrepareLb(p), None) => prepare(&settings, &Stage::lb(p), printer).map(|_| 0),
        (Command::Watch { job }, None) => watch(&settings, &job, printer),
        (Command::Config { command }, None) => config(&settings, command, printer),
        (Command::RunPsql(a), None) => run_tool(&settings, RunKind::Psql, &a, None, printer),
        (Command::RunPgbench(a), None) => run_tool(&settings, RunKind::Pgbench, &a, None, printer),
        (
            Command::Cache {
                command: CacheCommand::Explain { words },
            },
            None,
        ) => explain(&settings, &words, printer),
    }
}

/// `sqlrs config …`: the answer as JSON (compact with `--json`, pretty otherwise).
fn config(settings: &Settings, command: ConfigCommand, printer: &Printer) -> Result<u8, CliError> {
    use sqlrs_ops::config::ConfigAction;
    let action = match command {
        ConfigCommand::Get { path, effective } => ConfigAction::Get { path, effective },
        ConfigCommand::Set { path, value } => ConfigAction::Set { path, value },
        ConfigCommand::Rm { path } => ConfigAction::Rm { path },
        ConfigCommand::Schema => ConfigAction::Schema,
    };
    let client = engine::client(settings)?;
    let answer = sqlrs_ops::config::config(&client, &action)?;
    if printer.is_json() {
        printer.json_line(&answer);
    } else {
        printer.json(&answer);
    }
    Ok(0)
}

/// On Ctrl-C (or SIGTERM, SIGHUP) while a job runs: cancel it, say so, exit 128 + signal.
/// A prepare the user stopped must not go on to leave an instance nobody asked for.
fn cancel_on_signal(client: &sqlrs_client::Client, job: &str) -> Option<infra_process::Deferred> {
    let interrupt = infra_process::Interrupt::install().ok()?;
    let guard = interrupt.defer();
    let (client, job) = (client.clone(), job.to_string());
    std::thread::spawn(move || {
        loop {
            if let Some(signal) = interrupt.signal() {
                let done = client.cancel(&job).is_ok();
                let printer = Printer::new(infra_cli::PrinterOptions::default());
                printer.warn(&if done {
                    format!("interrupted: cancelled job {job}; the steps it finished stay cached")
                } else {
                    format!("interrupted; job {job} may still run (`sqlrs watch {job}`, `sqlrs rm {job}`)")
                });
                std::process::exit(128 + signal);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    });
    Some(guard)
}

/// `sqlrs ls`.
fn ls(settings: &Settings, a: &crate::cli::LsArgs, printer: &Printer) -> Result<u8, CliError> {
    let client = engine::client(settings)?;
    let options = sqlrs_ops::list::ListOptions {
        names: a.names || a.all,
        instances: a.instances || a.all,
        states: a.states || a.all,
        jobs: a.jobs || a.all,
        tasks: a.tasks || a.all,
    };
    let report = sqlrs_ops::list::list(&client, options)?;
    print::list(printer, &report, a.long);
    Ok(0)
}

/// `sqlrs plan:…`.
fn plan(
    settings: &Settings,
    kind: PrepareKind,
    args: &[String],
    printer: &Printer,
) -> Result<u8, CliError> {
    let client = engine::client(settings)?;
    let options = prepare_options(kind, args)?;
    let report = sqlrs_ops::prepare::plan(&client, settings, &options)?;
    print::plan(printer, &report);
    Ok(0)
}

/// `sqlrs watch JOB`.
fn watch(settings: &Settings, job: &str, printer: &Printer) -> Result<u8, CliError> {
    let client = engine::client(settings)?;
    let progress = Progress::new(printer);
    let result = sqlrs_ops::watch::watch(&client, job, &mut |e| progress.event(e));
    progress.finish();
    if let Some(r) = result? {
        print::dsn(printer, &r.dsn, r.instance_id.as_str());
    }
    Ok(0)
}

/// The options of a prepare of `args`, with the CLI's stdin when `-f -` reads it.
fn prepare_options(kind: PrepareKind, args: &[String]) -> Result<PrepareOptions, CliError> {
    let reads_stdin = kind == PrepareKind::Psql
        && sqlrs_args::parse_psql(args, true).is_ok_and(|a| {
            a.inputs
                .iter()
                .any(|i| matches!(i, sqlrs_args::PsqlInput::Stdin))
        });
    let stdin = if reads_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::validation(format!("cannot read the script on stdin: {e}")))?;
        Some(text)
    } else {
        None
    };
    Ok(PrepareOptions {
        kind,
        psql_args: args.to_vec(),
        stdin,
        plan_only: false,
        name: None,
        reuse: false,
    })
}

/// Shows a job's progress: a spinner on a terminal, a line per event with `-v`.
struct Progress<'a> {
    printer: &'a Printer,
    bar: infra_cli::Progress,
}

impl<'a> Progress<'a> {
    fn new(printer: &'a Printer) -> Self {
        Self {
            printer,
            bar: printer.progress("preparing"),
        }
    }

    fn event(&self, e: &Event) {
        let line = print::event_line(e);
        if self.printer.is_verbose() {
            self.bar.suspend(|| self.printer.status(&line));
        }
        self.bar.set_message(&line);
    }

    fn finish(self) {
        self.bar.finish();
    }
}

/// A prepare stage as given.
struct Stage {
    /// Followed by a run stage: the DSN is not printed (the instance goes with the run).
    composite: bool,
    kind: PrepareKind,
    args: Vec<String>,
    no_watch: bool,
    name: Option<String>,
    reuse: bool,
}

impl Stage {
    fn psql(p: crate::cli::PrepareArgs) -> Self {
        Self {
            composite: false,
            kind: PrepareKind::Psql,
            args: p.tool.args,
            no_watch: p.no_watch,
            name: p.name,
            reuse: p.reuse,
        }
    }

    fn lb(p: crate::cli::PrepareLbArgs) -> Self {
        Self {
            composite: false,
            kind: PrepareKind::Lb,
            args: p.tool.args,
            no_watch: p.no_watch,
            name: p.name,
            reuse: p.reuse,
        }
    }
}

/// `sqlrs prepare:…`: the report, printed.
fn prepare(
    settings: &Settings,
    stage: &Stage,
    printer: &Printer,
) -> Result<Option<sqlrs_ops::prepare::PrepareReport>, CliError> {
    let client = engine::client(settings)?;
    let mut options = prepare_options(stage.kind, &stage.args)?;
    options.name.clone_from(&stage.name);
    options.reuse = stage.reuse;
    if stage.no_watch {
        let accepted = client
            .submit(&options.request(settings))
            .map_err(sqlrs_ops::OpsError::from)?;
        print::accepted(printer, &accepted);
        return Ok(None);
    }
    let accepted = client
        .submit(&options.request(settings))
        .map_err(sqlrs_ops::OpsError::from)?;
    let job = accepted.job_id.to_string();
    let _guard = cancel_on_signal(&client, &job);
    let progress = Progress::new(printer);
    let report = sqlrs_ops::prepare::follow(&client, &job, &mut |e| progress.event(e));
    progress.finish();
    let report = report?;
    if stage.composite {
        print::prepared_for_run(printer, &report);
    } else {
        print::prepared(printer, &report);
    }
    Ok(Some(report))
}

/// `sqlrs run:…`: streams the tool's output; exits with its code.
fn run_tool(
    settings: &Settings,
    kind: RunKind,
    args: &RunArgs,
    instance: Option<&str>,
    printer: &Printer,
) -> Result<u8, CliError> {
    let request = run_request(settings, kind, args, instance)?;
    execute_run(settings, &request, printer)
}

/// The run request of `args` (files and stdin read now, so a composite checks its run
/// stage before preparing anything).
fn run_request(
    settings: &Settings,
    kind: RunKind,
    args: &RunArgs,
    instance: Option<&str>,
) -> Result<sqlrs_schema::RunRequest, CliError> {
    use std::io::IsTerminal as _;
    let instance = match (instance, &args.instance) {
        (Some(_), Some(_)) => {
            return Err(CliError::usage(
                "`--instance` cannot be given to the run stage of a composite: the prepare's instance is used",
            ));
        }
        (Some(i), None) => i.to_string(),
        (None, Some(i)) => i.clone(),
        (None, None) => {
            return Err(CliError::usage("give `--instance ID` (see `sqlrs ls`)"));
        }
    };
    let explicit = args.args.windows(2).any(|w| w[0] == "-f" && w[1] == "-");
    // psql with no -f/-c reads its script from stdin, as psql itself would.
    let no_inputs = !args.args.iter().any(|a| {
        a.starts_with("-f")
            || a.starts_with("-c")
            || a.starts_with("--file")
            || a.starts_with("--command")
    });
    let piped = kind == RunKind::Psql && no_inputs && !std::io::stdin().is_terminal();
    let mut stdin = None;
    if explicit || piped {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::validation(format!("cannot read stdin: {e}")))?;
        stdin = Some(text);
    }
    let options = RunOptions {
        kind,
        instance,
        args: args.args.clone(),
        stdin,
    };
    Ok(sqlrs_ops::run::request(&options, &settings.cwd)?)
}

/// Sends `request`, streaming the tool's output; its exit code.
fn execute_run(
    settings: &Settings,
    request: &sqlrs_schema::RunRequest,
    printer: &Printer,
) -> Result<u8, CliError> {
    let client = engine::client(settings)?;
    let code = sqlrs_ops::run::run(&client, request, &mut |stream, text| match stream {
        RunEventType::Stdout => printer.data(text.strip_suffix('\n').unwrap_or(text)),
        _ => printer.status(text.strip_suffix('\n').unwrap_or(text)),
    })?;
    Ok(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
}

/// `prepare:psql … run:… …`: prepare, run on the new instance, then delete it.
fn composite(
    settings: &Settings,
    stage: &Stage,
    run: Command,
    printer: &Printer,
) -> Result<u8, CliError> {
    let (kind, args) = match run {
        Command::RunPsql(a) => (RunKind::Psql, a),
        Command::RunPgbench(a) => (RunKind::Pgbench, a),
        _ => {
            return Err(CliError::usage(
                "the second stage must be `run:psql` or `run:pgbench`",
            ));
        }
    };
    if stage.no_watch || stage.name.is_some() {
        return Err(CliError::usage(
            "`--no-watch` and `--name` cannot be combined with a run stage (its instance is removed after the run)",
        ));
    }
    // The run stage is checked (and its files read) before anything is prepared.
    let mut request = run_request(settings, kind, &args, Some("pending"))?;
    let Some(report) = prepare(settings, stage, printer)? else {
        return Ok(0);
    };
    request.instance_ref.clone_from(&report.instance_id);
    let result = execute_run(settings, &request, printer);
    let client = engine::client(settings)?;
    let removed = client.delete(
        sqlrs_schema::NodeKind::Instance,
        &report.instance_id,
        [false, true, false],
    );
    match removed {
        Ok(r) if r.outcome == DeleteOutcome::Deleted => {
            printer.status(&format!(
                "removed instance {}",
                print::short(&report.instance_id)
            ));
        }
        Ok(_) | Err(_) => printer.warn(&format!(
            "could not remove instance {}; remove it with `sqlrs rm {}`",
            print::short(&report.instance_id),
            report.instance_id
        )),
    }
    result
}

/// `sqlrs rm`: exit 4 when blocked.
fn rm(settings: &Settings, a: &crate::cli::RmArgs, printer: &Printer) -> Result<u8, CliError> {
    let client = engine::client(settings)?;
    let options = sqlrs_ops::rm::RmOptions {
        recurse: a.recurse,
        force: a.force,
        dry_run: a.dry_run,
    };
    // Each in turn; the exit code is the worst: 4 when any was blocked.
    let mut code = 0;
    let mut results = Vec::new();
    for id in &a.ids {
        match sqlrs_ops::rm::rm(&client, id, options) {
            Ok(result) => {
                if result.outcome == DeleteOutcome::Blocked {
                    code = 4;
                }
                results.push(result);
            }
            Err(sqlrs_ops::OpsError::NoMatch(word)) => {
                printer.warn(&format!(
                    "nothing matches `{}`; nothing deleted",
                    word.escape_default()
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    match results.as_slice() {
        [one] if a.ids.len() == 1 => print::deleted(printer, one),
        _ if printer.is_json() => printer.json(&results),
        _ => results.iter().for_each(|r| print::deleted(printer, r)),
    }
    Ok(code)
}

/// `sqlrs cache explain prepare:psql ARGS`: hit or miss, and the first step that misses.
fn explain(settings: &Settings, words: &[String], printer: &Printer) -> Result<u8, CliError> {
    let Some((verb, args)) = words.split_first() else {
        return Err(CliError::usage(
            "give the prepare to explain: `sqlrs cache explain prepare:psql -- -f FILE`",
        ));
    };
    let kind = match verb.as_str() {
        "prepare:psql" => PrepareKind::Psql,
        "prepare:lb" => PrepareKind::Lb,
        _ => {
            return Err(CliError::usage(format!(
                "`{}`: give `prepare:psql …` or `prepare:lb …` to explain",
                verb.escape_default()
            )));
        }
    };
    let args: Vec<String> = args.iter().skip_while(|w| *w == "--").cloned().collect();
    let client = engine::client(settings)?;
    let options = prepare_options(kind, &args)?;
    let report = sqlrs_ops::prepare::plan(&client, settings, &options)?;
    print::explain(printer, &report);
    Ok(0)
}
