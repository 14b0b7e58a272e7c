//! `hyperforge repos …`, `org import` and `watch`: the commands that talk to the forges.

use std::path::Path;

use hyperforge_ops::repos::{self, Change, DiffReport};
use hyperforge_ops::{Ctx, Hub, after_sync, diff, execute};
use hyperforge_plan::Plan;
use hyperforge_schema::{OrgName, RepoPatch, RepoSpec};
use hyperforge_state::Store;
use infra_cli::{CliError, ErrorKind, Printer};

use crate::cli::{ApplyFlags, Fields, Orgs, ReposCmd, WatchArgs};
use crate::commands::{emitter, forge_names, repo_name, visibility};
use crate::errors::{OrCli as _, REFUSED};
use crate::print;
use crate::settings::Settings;

/// The org a command names, or the default one.
pub fn one_org(store: &Store, org: Option<&str>) -> Result<OrgName, CliError> {
    match org {
        Some(o) => Ok(store.org(o).cli()?.0.clone()),
        None => {
            let c = store.config();
            c.default_org.clone().ok_or_else(|| {
                CliError::usage("name an org (there is no default org)")
                    .hint("`hyperforge org list` lists them; `--all` acts on every org")
            })
        }
    }
}

/// Runs `f` for each org; with several (`--all`), one org's failure is reported (naming the
/// org) and the others still run; the exit code is the worst.
fn each_org(
    orgs: Vec<OrgName>,
    p: &Printer,
    mut f: impl FnMut(&OrgName) -> Result<u8, CliError>,
) -> Result<u8, CliError> {
    if let [one] = orgs.as_slice() {
        return f(one);
    }
    let mut worst = 0;
    for org in &orgs {
        match f(org) {
            Ok(code) => worst = worst.max(code),
            // A signal stops the whole command, not just this org.
            Err(e) if e.code() >= 128 => return Err(e.details([format!("in org `{org}`")])),
            Err(e) => {
                let e = e.details([format!("in org `{org}`")]);
                crate::report(p, &e);
                worst = worst.max(e.code());
            }
        }
    }
    Ok(worst)
}

fn orgs_of(store: &Store, o: &Orgs) -> Result<Vec<OrgName>, CliError> {
    if o.all {
        Ok(store.config().orgs.keys().cloned().collect())
    } else {
        Ok(vec![one_org(store, o.org.as_deref())?])
    }
}

/// Runs `op` with an operation context for `org` on `hub`.
fn with_ctx<T>(
    hub: &Hub,
    org: &OrgName,
    p: &Printer,
    op: impl FnOnce(&Ctx<'_>, &hyperforge_ops::Connected) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let connected = hub.connect(org).cli()?;
    let of = connected.org_forges();
    let log_dir = hub.log_dir();
    let emit = emitter(p);
    let clock = hub.clock.clone();
    let now = move || clock();
    let ctx = Ctx {
        store: &hub.store,
        org,
        of: &of,
        log_dir: &log_dir,
        clock: &now,
        emit: &emit,
        interrupt: Some(&hub.interrupt),
    };
    let out = op(&ctx, &connected);
    emit(connected.requests());
    out
}

/// `org import <org>`.
pub fn import(org: &str, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let hub = settings.hub()?;
    let org = hub.store.org(org).cli()?.0.clone();
    let repos = with_ctx(&hub, &org, p, |ctx, _| hyperforge_ops::import(ctx).cli())?;
    p.success(&format!(
        "imported {} into {}",
        infra_cli::count(repos.repos.len(), "repository", "repositories"),
        hub.store.repos_path(&org).display()
    ));
    print::result(
        p,
        "imported",
        &serde_json::json!({"org": org, "repos": repos.repos.keys().collect::<Vec<_>>()}),
        "",
    );
    Ok(0)
}

fn spec(f: Fields) -> Result<RepoSpec, CliError> {
    Ok(RepoSpec {
        description: f.description,
        visibility: visibility(f.visibility.as_deref())?,
        forges: f.forges.as_deref().map(forge_names).transpose()?,
        protected: f.protected,
        ..RepoSpec::default()
    })
}

/// Runs a `repos` command.
pub fn run(c: ReposCmd, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    match c {
        ReposCmd::List(o) => list(&o, settings, p),
        ReposCmd::Create { org, name, fields } => {
            stage(settings, p, &org, &name, Change::Create(spec(fields)?))
        }
        ReposCmd::Update {
            org,
            name,
            rename: Some(to),
            ..
        } => stage(settings, p, &org, &name, Change::Rename(repo_name(&to)?)),
        ReposCmd::Update {
            org,
            name,
            fields,
            archived,
            rename: None,
        } => {
            let s = spec(fields)?;
            let patch = RepoPatch {
                description: s.description,
                visibility: s.visibility,
                forges: s.forges,
                protected: s.protected,
                archived,
                ..RepoPatch::default()
            };
            if patch == RepoPatch::default() {
                return Err(CliError::usage("nothing to update").hint(
                    "pass --description, --visibility, --forges, --protected or --archived",
                ));
            }
            stage(settings, p, &org, &name, Change::Update(patch))
        }
        ReposCmd::Remove { org, name, force } => {
            stage(settings, p, &org, &name, Change::Remove { force })
        }
        ReposCmd::Diff { orgs, repo, purge } => {
            diff_cmd(&orgs, repo.as_deref(), purge, settings, p)
        }
        ReposCmd::Plan { org, out, purge } => {
            plan_cmd(org.as_deref(), out.as_deref(), purge, settings, p)
        }
        ReposCmd::Apply { plan, flags } => apply_cmd(&plan, flags, settings, p),
        ReposCmd::Sync {
            org,
            repo,
            all,
            dry_run,
            flags,
        } => {
            let how = How {
                repo: repo.as_deref(),
                dry_run,
                flags,
                verb: "synced",
                auto_import: false,
            };
            sync_cmd(&Orgs { org, all }, &how, settings, p)
        }
        ReposCmd::Refresh(o) => refresh_cmd(&o, settings, p),
        ReposCmd::Converge {
            orgs,
            dry_run,
            auto_import,
            flags,
        } => {
            let how = How {
                repo: None,
                dry_run,
                flags,
                verb: "converged",
                auto_import,
            };
            sync_cmd(&orgs, &how, settings, p)
        }
    }
}

fn list(o: &Orgs, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let store = settings.store()?;
    for org in orgs_of(&store, o)? {
        let rows = repos::list(&store, &org).cli()?;
        let text = print::table(
            &["REPO", "VISIBILITY", "FORGES", "SYNCED", "FLAGS", "STAGED"],
            &rows
                .iter()
                .map(|r| {
                    let mut flags = Vec::new();
                    if r.protected {
                        flags.push("protected");
                    }
                    if r.retired_at.is_some() {
                        flags.push("retired");
                    } else if r.archived {
                        flags.push("archived");
                    }
                    vec![
                        r.name.clone(),
                        if r.visibility == hyperforge_schema::Visibility::Private {
                            "private"
                        } else {
                            "public"
                        }
                        .into(),
                        r.forges.join(","),
                        r.synced.join(","),
                        flags.join(","),
                        r.staged.clone().unwrap_or_default(),
                    ]
                })
                .collect::<Vec<_>>(),
        );
        let text = if o.all {
            format!("{org}:\n{text}")
        } else {
            text
        };
        print::result(
            p,
            "repos",
            &serde_json::json!({"org": org, "repos": rows}),
            &text,
        );
    }
    Ok(0)
}

fn stage(
    settings: &Settings,
    p: &Printer,
    org: &str,
    name: &str,
    change: Change,
) -> Result<u8, CliError> {
    let store = settings.store()?;
    let org = store.org(org).cli()?.0.clone();
    let repo = repo_name(name)?;
    let emit = emitter(p);
    repos::stage(&store, &org, &repo, change, &emit).cli()?;
    p.status(&format!(
        "  `hyperforge repos diff {org}` shows it; `hyperforge repos sync {org} --yes` applies it"
    ));
    Ok(0)
}

fn diff_cmd(
    o: &Orgs,
    repo: Option<&str>,
    purge: bool,
    settings: &Settings,
    p: &Printer,
) -> Result<u8, CliError> {
    let hub = settings.hub()?;
    if let Some(r) = repo {
        repo_name(r)?;
    }
    each_org(orgs_of(&hub.store, o)?, p, |org| {
        let (plan, _) = with_ctx(&hub, org, p, |ctx, _| diff(ctx, repo, purge).cli())?;
        print::result(p, "diff", &DiffReport::of(&plan), &print::plan_text(&plan));
        Ok(0)
    })
}

fn plan_cmd(
    org: Option<&str>,
    out: Option<&Path>,
    purge: bool,
    settings: &Settings,
    p: &Printer,
) -> Result<u8, CliError> {
    let hub = settings.hub()?;
    let org = one_org(&hub.store, org)?;
    let (plan, _) = with_ctx(&hub, &org, p, |ctx, _| diff(ctx, None, purge).cli())?;
    if let Some(path) = out {
        repos::write_plan(path, &plan).cli()?;
        p.success(&format!(
            "plan written to {} (`hyperforge repos apply {}` applies it)",
            path.display(),
            path.display()
        ));
    }
    print::result(p, "plan", &plan, &print::plan_text(&plan));
    Ok(0)
}

/// Asks before applying a non-empty plan, unless `--yes`.
fn confirm(p: &Printer, plan: &Plan, yes: bool) -> Result<(), CliError> {
    if yes || plan.is_empty() {
        return Ok(());
    }
    let question = format!(
        "apply these {} to {}? [y/N]",
        infra_cli::count(plan.steps.len(), "change", "changes"),
        plan.org
    );
    match p.ask(&question).as_deref() {
        Some("y" | "yes") => Ok(()),
        Some(_) => Err(CliError::new(
            ErrorKind::Exit(REFUSED),
            infra_cli::Message("not applied".into()),
        )),
        None => Err(CliError::new(
            ErrorKind::Exit(REFUSED),
            infra_cli::Message("not applied: confirmation needed".into()),
        )
        .hint("pass --yes to apply, or --dry-run to only look")),
    }
}

fn apply_cmd(
    path: &Path,
    flags: ApplyFlags,
    settings: &Settings,
    p: &Printer,
) -> Result<u8, CliError> {
    let hub = crate::stopping::interruptible(settings.hub()?)?;
    let plan = repos::read_plan(path).cli()?;
    let org = hub.store.org(&plan.org).cli()?.0.clone();
    if !p.is_json() {
        p.data(&print::shown(&print::plan_text(&plan)));
    }
    confirm(p, &plan, flags.yes)?;
    let s = hub.safety(&org, flags.force, flags.allow_large);
    let _sync = hub.store.sync_lock(&org).cli()?;
    let report = with_ctx(&hub, &org, p, |ctx, connected| {
        let report = crate::stopping::drained(ctx, p, || execute(ctx, &plan, None, s))?;
        after_sync(
            &hub,
            &org,
            connected,
            &report.plan,
            &report.observed,
            false,
            ctx.emit,
        )
        .cli()?;
        Ok(report)
    })?;
    summary(p, &org, &report, "applied");
    Ok(0)
}

fn summary(p: &Printer, org: &OrgName, report: &hyperforge_ops::SyncReport, verb: &str) {
    let n = report.plan.steps.len();
    if n == 0 {
        p.success(&format!("{org}: 0 changes, in sync"));
    } else {
        p.success(&format!(
            "{org}: {verb} {}; verified in sync",
            infra_cli::count(n, "change", "changes")
        ));
    }
    let resumed = report.applied.as_ref().map_or(0, |a| a.resumed);
    print::result(
        p,
        "applied",
        &serde_json::json!({"org": org, "changes": n, "resumed": resumed, "in_sync": true}),
        "",
    );
}

/// How `repos sync` / `repos converge` runs.
struct How<'a> {
    repo: Option<&'a str>,
    dry_run: bool,
    flags: ApplyFlags,
    verb: &'a str,
    auto_import: bool,
}

fn sync_cmd(o: &Orgs, how: &How<'_>, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let How {
        repo,
        dry_run,
        flags,
        verb,
        auto_import,
    } = *how;
    let hub = crate::stopping::interruptible(settings.hub()?)?;
    if let Some(r) = repo {
        repo_name(r)?;
    }
    each_org(orgs_of(&hub.store, o)?, p, |org| {
        let org = org.clone();
        let s = hub.safety(&org, flags.force, flags.allow_large);
        // One apply of an org at a time (a dry run writes nothing, not even a lock file).
        let _sync = (!dry_run)
            .then(|| hub.store.sync_lock(&org))
            .transpose()
            .cli()?;
        with_ctx(&hub, &org, p, |ctx, connected| {
            if auto_import {
                hyperforge_ops::import(ctx).cli()?;
            }
            let (plan, observed) = diff(ctx, repo, flags.purge).cli()?;
            print::result(p, "diff", &DiffReport::of(&plan), &print::plan_text(&plan));
            if dry_run {
                after_sync(&hub, &org, connected, &plan, &observed, true, ctx.emit).cli()?;
                p.status(&format!(
                    "dry run: {} not applied",
                    infra_cli::count(plan.steps.len(), "change", "changes")
                ));
                return Ok(());
            }
            confirm(p, &plan, flags.yes)?;
            hyperforge_ops::ssh_blocks(&hub, &org, false).cli()?;
            hyperforge_ops::remotes_before(&hub, &org, connected, &observed, ctx.emit).cli()?;
            let report =
                crate::stopping::drained(ctx, p, || execute(ctx, &plan, Some(observed), s))?;
            after_sync(
                &hub,
                &org,
                connected,
                &report.plan,
                &report.observed,
                false,
                ctx.emit,
            )
            .cli()?;
            summary(p, &org, &report, verb);
            Ok(())
        })?;
        Ok(0)
    })
}

fn refresh_cmd(o: &Orgs, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let hub = settings.hub()?;
    each_org(orgs_of(&hub.store, o)?, p, |org| {
        let r = with_ctx(&hub, org, p, |ctx, _| repos::refresh_org(ctx).cli())?;
        let mut v = serde_json::to_value(&r).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("org".into(), org.to_string().into());
        }
        print::result(p, "refresh", &v, &print::refresh_text(org.as_str(), &r));
        Ok(u8::from(!r.drift.is_empty()))
    })
}

/// `watch`: every interval, refresh each org and report drift; with `--apply`, converge.
pub fn watch(a: &WatchArgs, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    if a.interval == 0 {
        return Err(CliError::usage("--interval must be at least 1 second"));
    }
    if a.rounds == Some(0) {
        return Err(CliError::usage("--rounds must be at least 1"));
    }
    if a.apply && !a.flags.yes {
        return Err(CliError::usage(
            "`watch --apply` changes the forges every round without asking",
        )
        .hint("pass --yes as well to mean it"));
    }
    let mut round = 0u64;
    let mut failed = false;
    loop {
        round += 1;
        let hub = crate::stopping::interruptible(settings.hub()?)?;
        for org in orgs_of(&hub.store, &a.orgs)? {
            let s = hub.safety(&org, a.flags.force, a.flags.allow_large);
            let _sync = a
                .apply
                .then(|| hub.store.sync_lock(&org))
                .transpose()
                .cli()?;
            let outcome = with_ctx(&hub, &org, p, |ctx, connected| {
                let (plan, observed) = diff(ctx, None, a.flags.purge).cli()?;
                print::result(p, "diff", &DiffReport::of(&plan), &print::plan_text(&plan));
                if a.apply && !plan.is_empty() {
                    let report = crate::stopping::drained(ctx, p, || {
                        execute(ctx, &plan, Some(observed), s)
                    })?;
                    after_sync(
                        &hub,
                        &org,
                        connected,
                        &report.plan,
                        &report.observed,
                        false,
                        ctx.emit,
                    )
                    .cli()?;
                    summary(p, &org, &report, "converged");
                }
                Ok(())
            });
            // A round that fails (a forge down) is reported; the next round tries again.
            if let Err(e) = outcome {
                failed = true;
                p.warn(&format!("round {round}, org {org}: {}", e.headline()));
                if p.is_json() {
                    p.json_line(&serde_json::json!({"type": "warning", "message": e.headline()}));
                }
            }
        }
        if a.rounds.is_some_and(|n| round >= n) {
            // A bounded watch (a CI job, a cron entry) says whether every round went well.
            return Ok(u8::from(failed));
        }
        wait_for_round(settings, a.interval, p);
    }
}

/// Modification times of the files that declare the desired state.
fn stamps(dir: &Path) -> Vec<(std::path::PathBuf, Option<std::time::SystemTime>)> {
    let mut files = vec![dir.join("config.yaml")];
    if let Ok(orgs) = std::fs::read_dir(dir.join("orgs")) {
        for org in orgs.flatten() {
            files.push(org.path().join("repos.yaml"));
            files.push(org.path().join("staged-repos.yaml"));
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let t = std::fs::metadata(&f).and_then(|m| m.modified()).ok();
            (f, t)
        })
        .collect()
}

/// Sleeps until the next round: `interval` seconds, or sooner when a file of the desired
/// state changes (checked every second — an edit or a `repos create` elsewhere starts a
/// round at once).
fn wait_for_round(settings: &Settings, interval: u64, p: &Printer) {
    let before = stamps(&settings.config_dir);
    for _ in 0..interval {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if stamps(&settings.config_dir) != before {
            p.status("  the desired state changed: next round now");
            return;
        }
    }
}
