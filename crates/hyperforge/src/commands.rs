//! One function per command: settings → one `hyperforge-ops` operation → print. Each
//! returns the exit code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;

use hyperforge_ops::{Event, Secret, forges, orgs, workspace};
use hyperforge_schema::{
    ForgeConfig, ForgeKind, ForgeName, OrgDefaults, OrgName, Owner, RepoName, TokenRef, Visibility,
};
use infra_cli::{CliError, Printer};

use crate::cli::{Cli, Command, ExportCmd, ForgeCmd, Kind, OrgCmd, SecretsCmd, WorkspaceCmd};
use crate::errors::OrCli as _;
use crate::print::{self, table};
use crate::settings::Settings;

/// Runs the command of `cli`.
pub fn run(cli: Cli, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    match cli.command {
        Command::Forge(c) => forge(c, settings, p),
        Command::Org(c) => org(c, settings, p),
        Command::Repos(c) => crate::repos_cmd::run(c, settings, p),
        Command::Workspace(c) => workspace_cmd(c, settings, p),
        Command::Secrets(c) => secrets(c, settings, p),
        Command::Export(c) => export(c, settings, p),
        Command::Serve(a) => crate::serve::run(&a, settings, p),
        Command::Watch(a) => crate::repos_cmd::watch(&a, settings, p),
    }
}

/// A name given on the command line, checked.
pub fn name<T>(
    value: &str,
    parse: impl FnOnce(String) -> Result<T, hyperforge_schema::NameError>,
) -> Result<T, CliError> {
    parse(value.to_string()).map_err(|e| CliError::validation(e.to_string()))
}

/// `public`/`private`.
pub fn visibility(v: Option<&str>) -> Result<Option<Visibility>, CliError> {
    match v {
        None => Ok(None),
        Some("public") => Ok(Some(Visibility::Public)),
        Some("private") => Ok(Some(Visibility::Private)),
        Some(other) => Err(CliError::validation(format!(
            "--visibility `{}` is not valid: expected `public` or `private`",
            other.escape_default()
        ))),
    }
}

/// Forge names, checked.
pub fn forge_names(list: &[String]) -> Result<BTreeSet<ForgeName>, CliError> {
    let names: BTreeSet<ForgeName> = list
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| name(s.trim(), ForgeName::new))
        .collect::<Result<_, _>>()?;
    if names.is_empty() {
        return Err(CliError::validation("--forges names no forge")
            .hint("name one or more, comma-separated: --forges github,codeberg"));
    }
    Ok(names)
}

/// The events of an operation, printed as they come.
pub fn emitter(p: &Printer) -> impl Fn(Event) + Sync + '_ {
    move |e| print::event(p, &e)
}

fn forge(c: ForgeCmd, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    match c {
        ForgeCmd::Add {
            name: n,
            kind,
            api_url,
            token_ref,
            ssh_host,
            replace,
        } => forge_add(
            settings,
            p,
            (n, kind, api_url, token_ref, ssh_host),
            replace,
        ),
        ForgeCmd::List => forge_list(settings, p),
        ForgeCmd::Auth { names } => forge_auth(settings, p, &names),
    }
}

type ForgeArgs = (String, Kind, String, String, Option<String>);

fn forge_add(
    settings: &Settings,
    p: &Printer,
    (n, kind, api_url, token_ref, ssh_host): ForgeArgs,
    replace: bool,
) -> Result<u8, CliError> {
    let forge_name = name(&n, ForgeName::new)?;
    let token: TokenRef = token_ref
        .parse()
        .map_err(|e: hyperforge_schema::TokenRefError| {
            CliError::validation(format!("--token-ref: {e}"))
        })?;
    // A relative `file:` path means the file here, where the command runs: stored
    // absolute, so it means the same from any directory.
    let token = match token {
        TokenRef::File(path) if path.is_relative() => {
            let cwd = std::env::current_dir().map_err(|e| {
                CliError::failure(format!("cannot read the current directory: {e}"))
            })?;
            TokenRef::File(cwd.join(path))
        }
        other => other,
    };
    let fc = ForgeConfig {
        kind: match kind {
            Kind::Github => ForgeKind::Github,
            Kind::Gitea => ForgeKind::Gitea,
            Kind::Gitlab => ForgeKind::Gitlab,
        },
        api_url,
        token,
        web_url: None,
        ssh_host,
    };
    let mut store = settings.store()?;
    let done = forges::add(&mut store, &forge_name, fc, replace).cli()?;
    let what = match done {
        forges::Added::Added => "added",
        forges::Added::Replaced => "replaced",
        forges::Added::Unchanged => "unchanged",
    };
    p.success(&format!("forge {forge_name}: {what}"));
    print::result(
        p,
        "forge_added",
        &serde_json::json!({"forge": n, "result": done}),
        "",
    );
    Ok(0)
}

fn forge_list(settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let rows = forges::list(&settings.store()?);
    let text = table(
        &["FORGE", "KIND", "API", "TOKEN", "ORGS"],
        &rows
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.kind.as_str().into(),
                    r.api_url.clone(),
                    r.token.to_string(),
                    r.orgs.join(","),
                ]
            })
            .collect::<Vec<_>>(),
    );
    print::result(p, "forges", &serde_json::json!({ "forges": rows }), &text);
    Ok(0)
}

fn forge_auth(settings: &Settings, p: &Printer, names: &[String]) -> Result<u8, CliError> {
    let names: Vec<ForgeName> = names
        .iter()
        .map(|n| name(n, ForgeName::new))
        .collect::<Result<_, _>>()?;
    let rows = forges::auth(&settings.hub()?, &names).cli()?;
    let text = table(
        &["FORGE", "STATUS", "LOGIN", "SCOPES", "EXPIRES", "MESSAGE"],
        &rows
            .iter()
            .map(|r| {
                vec![
                    r.forge.clone(),
                    serde_json::to_value(r.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    r.login.clone().unwrap_or_default(),
                    r.scopes
                        .as_ref()
                        .map(|s| s.join(","))
                        .unwrap_or_else(|| "-".into()),
                    r.expires_at.clone().unwrap_or_else(|| "-".into()),
                    r.message.clone().unwrap_or_default(),
                ]
            })
            .collect::<Vec<_>>(),
    );
    print::result(p, "auth", &serde_json::json!({ "forges": rows }), &text);
    let failed = rows.iter().any(|r| r.status != forges::AuthStatus::Ok);
    Ok(u8::from(failed))
}

/// `LOGIN` or `FORGE=LOGIN,…`.
fn owner(s: &str) -> Result<Owner, CliError> {
    if !s.contains('=') {
        if s.trim().is_empty() || s.contains([',', ' ', '/']) {
            return Err(CliError::validation(format!(
                "--owner `{}` is not valid: expected a login, or FORGE=LOGIN pairs separated by commas",
                s.escape_default()
            )));
        }
        return Ok(Owner::Same(s.to_string()));
    }
    let mut map = BTreeMap::new();
    for pair in s.split(',') {
        let (f, login) = pair.split_once('=').ok_or_else(|| {
            CliError::validation(format!(
                "--owner: `{}` is not FORGE=LOGIN",
                pair.escape_default()
            ))
        })?;
        if login.trim().is_empty() {
            return Err(CliError::validation(format!(
                "--owner: no login for forge `{f}`"
            )));
        }
        let forge = name(f.trim(), ForgeName::new)?;
        if map
            .insert(forge.clone(), login.trim().to_string())
            .is_some()
        {
            return Err(CliError::validation(format!(
                "--owner names forge `{forge}` twice"
            )));
        }
    }
    Ok(Owner::PerForge(map))
}

fn org(c: OrgCmd, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    match c {
        OrgCmd::Create {
            org: o,
            owner: ow,
            forges: fs,
            origin,
            visibility: v,
            protected,
            ssh_key,
        } => org_create(
            settings,
            p,
            (o, ow, fs, origin, ssh_key),
            v.as_deref(),
            protected,
        ),
        OrgCmd::List => org_list(settings, p),
        OrgCmd::Show { org: o } => org_show(settings, p, &o),
        OrgCmd::Remove {
            org: o,
            purge,
            force,
        } => org_remove(settings, p, &o, purge, force),
        OrgCmd::Import { org: o } => crate::repos_cmd::import(&o, settings, p),
    }
}

type OrgArgs = (String, String, Vec<String>, Option<String>, Option<String>);

fn org_create(
    settings: &Settings,
    p: &Printer,
    (o, ow, fs, origin, ssh_key): OrgArgs,
    v: Option<&str>,
    protected: Option<bool>,
) -> Result<u8, CliError> {
    let org_name = name(&o, OrgName::new)?;
    let forges = forge_names(&fs)?;
    let owner = owner(&ow)?;
    if let Owner::PerForge(map) = &owner
        && let Some(f) = forges.iter().find(|f| !map.contains_key(*f))
    {
        return Err(CliError::validation(format!(
            "--owner names no login for forge `{f}`"
        )));
    }
    let new = orgs::NewOrg {
        owner,
        forges,
        origin: origin
            .as_deref()
            .map(|f| name(f, ForgeName::new))
            .transpose()?,
        defaults: OrgDefaults {
            visibility: visibility(v)?.unwrap_or_default(),
            protected: protected.unwrap_or(false),
            max_change_percent: None,
            delete_grace_days: None,
        },
        ssh_key,
    };
    let mut store = settings.store()?;
    let created = orgs::create(&mut store, &org_name, new).cli()?;
    p.success(&format!(
        "org {org_name}: {}",
        if created { "created" } else { "unchanged" }
    ));
    print::result(
        p,
        "org_created",
        &serde_json::json!({"org": o, "created": created}),
        "",
    );
    Ok(0)
}

fn org_list(settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let rows = orgs::list(&settings.store()?).cli()?;
    let text = table(
        &["ORG", "FORGES", "ORIGIN", "REPOS", "STAGED", "OWNERS"],
        &rows
            .iter()
            .map(|r| {
                vec![
                    format!("{}{}", r.name, if r.default { " (default)" } else { "" }),
                    r.forges.join(","),
                    r.origin.clone(),
                    r.repos.to_string(),
                    r.staged.to_string(),
                    r.owners
                        .iter()
                        .map(|(f, l)| format!("{f}={l}"))
                        .collect::<Vec<_>>()
                        .join(","),
                ]
            })
            .collect::<Vec<_>>(),
    );
    print::result(p, "orgs", &serde_json::json!({ "orgs": rows }), &text);
    Ok(0)
}

fn org_show(settings: &Settings, p: &Printer, o: &str) -> Result<u8, CliError> {
    let r = orgs::show(&settings.store()?, o).cli()?;
    let text = format!(
        "org:        {}{}\nforges:     {}\norigin:     {}\nowners:     {}\nrepos:      {}\nstaged:     {}\nworkspaces: {}\n",
        r.name,
        if r.default { " (default)" } else { "" },
        r.forges.join(", "),
        r.origin,
        r.owners
            .iter()
            .map(|(f, l)| format!("{f}={l}"))
            .collect::<Vec<_>>()
            .join(", "),
        r.repos,
        r.staged,
        if r.workspaces.is_empty() {
            "-".into()
        } else {
            r.workspaces.join(", ")
        }
    );
    print::result(p, "org", &r, &text);
    Ok(0)
}

fn org_remove(
    settings: &Settings,
    p: &Printer,
    o: &str,
    purge: bool,
    force: bool,
) -> Result<u8, CliError> {
    let mut store = settings.store()?;
    orgs::remove(&mut store, o, purge, force).cli()?;
    p.success(&format!(
        "org {o} removed from config.yaml{}",
        if purge {
            " and its files deleted"
        } else {
            " (its repos.yaml is kept)"
        }
    ));
    print::result(
        p,
        "org_removed",
        &serde_json::json!({"org": o, "purged": purge}),
        "",
    );
    Ok(0)
}

fn workspace_cmd(c: WorkspaceCmd, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let emit = emitter(p);
    match c {
        WorkspaceCmd::Bind {
            dir,
            org,
            auto_create,
        } => {
            let mut store = settings.store()?;
            let b = workspace::bind(&mut store, &dir, &org, auto_create, &emit).cli()?;
            p.success(&format!("{} bound to {org}", b.path));
            for s in &b.skipped {
                p.warn(&format!("{s}: not a valid repository name; not staged"));
            }
            print::result(p, "bound", &b, "");
            Ok(0)
        }
        WorkspaceCmd::Unbind { dir } => {
            let mut store = settings.store()?;
            let removed = workspace::unbind(&mut store, &dir, settings.home.as_deref()).cli()?;
            if !removed {
                return Err(CliError::validation(format!(
                    "{} is not a bound workspace",
                    dir.display()
                ))
                .hint("`hyperforge workspace show` lists them"));
            }
            p.success(&format!("{} unbound", dir.display()));
            print::result(p, "unbound", &serde_json::json!({"path": dir}), "");
            Ok(0)
        }
        WorkspaceCmd::Show { dir } => {
            let rows =
                workspace::show(&settings.store()?, dir.as_deref(), settings.home.as_deref())
                    .cli()?;
            let text = table(
                &["WORKSPACE", "ORG", "CLONED", "MISSING", "UNDECLARED"],
                &rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.path.clone(),
                            r.org.clone(),
                            r.cloned.len().to_string(),
                            r.missing.join(","),
                            r.undeclared.join(","),
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            print::result(
                p,
                "workspaces",
                &serde_json::json!({ "workspaces": rows }),
                &text,
            );
            Ok(0)
        }
        WorkspaceCmd::CloneAll { org } => {
            let hub = settings.hub()?;
            let org = crate::repos_cmd::one_org(&hub.store, org.as_deref())?;
            let connected = hub.connect(&org).cli()?;
            let done = workspace::clone_all(&hub, &org, &connected, &emit).cli()?;
            p.success(&format!(
                "{} cloned",
                infra_cli::count(done.len(), "repository", "repositories")
            ));
            print::result(
                p,
                "cloned",
                &serde_json::json!({"org": org, "cloned": done}),
                "",
            );
            Ok(0)
        }
    }
}

fn secrets(c: SecretsCmd, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let hub = settings.hub()?;
    match c {
        SecretsCmd::Set { key } => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(CliError::usage("the value is read from stdin, which is a terminal")
                    .hint("pipe it in: `printf %s \"$TOKEN\" | hyperforge secrets set KEY` (an argument would show in `ps` and your shell history)"));
            }
            let mut value = String::new();
            std::io::stdin()
                .take(64 * 1024 + 1)
                .read_to_string(&mut value)
                .map_err(|e| CliError::failure(format!("cannot read the value from stdin: {e}")))?;
            if value.len() > 64 * 1024 {
                return Err(CliError::validation(
                    "the value on stdin is longer than 64 KiB",
                ));
            }
            if value.trim_end_matches(['\n', '\r']).contains(['\n', '\r']) {
                return Err(
                    CliError::validation("the value on stdin has more than one line").hint(
                        "a token is one line: `printf %s \"$TOKEN\" | hyperforge secrets set KEY`",
                    ),
                );
            }
            let backend = hub.secrets.set(&key, &Secret::new(value)).cli()?;
            p.success(&format!(
                "secret {key} stored in the {}",
                match backend {
                    hyperforge_ops::SecretBackend::Keyring => "keyring",
                    hyperforge_ops::SecretBackend::File => "secrets file (0600)",
                }
            ));
            print::result(
                p,
                "secret_set",
                &serde_json::json!({"key": key, "backend": backend}),
                "",
            );
            Ok(0)
        }
        SecretsCmd::List => {
            let rows = hub.secrets.list().cli()?;
            let text = table(
                &["KEY", "WHERE"],
                &rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.key.clone(),
                            serde_json::to_value(r.backend)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            print::result(p, "secrets", &serde_json::json!({ "secrets": rows }), &text);
            Ok(0)
        }
        SecretsCmd::Remove { key } => {
            if !hub.secrets.remove(&key).cli()? {
                return Err(CliError::validation(format!(
                    "no secret `{}` is stored",
                    key.escape_default()
                ))
                .hint("`hyperforge secrets list` lists the keys"));
            }
            p.success(&format!("secret {key} removed"));
            print::result(p, "secret_removed", &serde_json::json!({"key": key}), "");
            Ok(0)
        }
    }
}

fn export(c: ExportCmd, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let ExportCmd::Pulumi { org, out } = c;
    let store = settings.store()?;
    let (org_name, oc) = store.org(&org).cli()?;
    let repos = store
        .staged(org_name)
        .cli()?
        .merged_into(&store.load_repos(org_name).cli()?);
    let text = hyperforge_export::pulumi_program(store.config(), org_name.as_str(), oc, &repos);
    match out {
        Some(path) => {
            infra_fs::write_atomic(&path, text.as_bytes(), None)
                .map_err(|e| CliError::new(infra_cli::ErrorKind::Failure, e))?;
            p.success(&format!("wrote {}", path.display()));
            print::result(
                p,
                "exported",
                &serde_json::json!({"org": org, "path": path}),
                "",
            );
        }
        None => print::result(
            p,
            "exported",
            &serde_json::json!({"org": org, "program": text}),
            &text,
        ),
    }
    Ok(0)
}

/// A repository name argument.
pub fn repo_name(s: &str) -> Result<RepoName, CliError> {
    name(s, RepoName::new)
}
