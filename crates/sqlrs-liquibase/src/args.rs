//! Liquibase's arguments for `prepare:lb`, checked before anything runs.
//!
//! sqlrs owns the connection (it starts the server), so connection options are refused,
//! and so are the options that would make Liquibase read settings sqlrs does not see (a
//! defaults file, a classpath, other tracking tables). The earlier implementation accepted
//! any command starting with `update` and silently rewrote it; here the accepted commands
//! are named (`update`, `update-count`, `update-to-tag`) and everything else is refused by
//! position. Paths become what Liquibase needs for stable changeset identities: absolute
//! search-path directories and a changelog relative to one of them (Liquibase records the
//! path it was given in `DATABASECHANGELOG.FILENAME`).

use std::path::{Component, Path, PathBuf};

use sqlrs_args::ArgsError;

/// The update command, which selects the pending changesets a prepare applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LbCommand {
    /// `update`: every pending changeset.
    Update,
    /// `update-count --count=N`: the next `N`.
    UpdateCount(u32),
    /// `update-to-tag --tag=T`: those up to the tag.
    UpdateToTag(String),
}

/// Liquibase arguments, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbArgs {
    /// The command.
    pub command: LbCommand,
    /// Search-path directories, absolute (the work dir when none was given).
    pub search_path: Vec<PathBuf>,
    /// The root changelog, relative to a search-path directory, `/`-separated.
    pub changelog_file: String,
    /// `--contexts` (`--context-filter`).
    pub contexts: Option<String>,
    /// `--labels` (`--label-filter`).
    pub labels: Option<String>,
    /// `--default-schema-name`.
    pub default_schema_name: Option<String>,
    /// Changelog parameters (`-Dname=value`), in order.
    pub parameters: Vec<(String, String)>,
}

/// Options refused, by their normalised name (lowercase, no `-`), and why.
const REFUSED: &[(&str, &str)] = &[
    (
        "url",
        "sqlrs connects Liquibase to the instance it prepares",
    ),
    (
        "username",
        "sqlrs connects Liquibase to the instance it prepares",
    ),
    (
        "password",
        "sqlrs connects Liquibase to the instance it prepares",
    ),
    (
        "driver",
        "sqlrs connects Liquibase to the instance it prepares",
    ),
    (
        "driverpropertiesfile",
        "sqlrs connects Liquibase to the instance it prepares",
    ),
    (
        "defaultsfile",
        "settings in a defaults file would escape the state's identity: give the options on the command line",
    ),
    (
        "classpath",
        "code on a classpath would escape the state's identity: give the changelog directories with `--search-path`",
    ),
    ("outputfile", "sqlrs reads Liquibase's output itself"),
    ("logfile", "sqlrs reads Liquibase's output itself"),
    (
        "databasechangelogtablename",
        "sqlrs keeps Liquibase's tracking tables at their default names",
    ),
    (
        "databasechangeloglocktablename",
        "sqlrs keeps Liquibase's tracking tables at their default names",
    ),
    (
        "liquibaseschemaname",
        "sqlrs keeps Liquibase's tracking tables at their default names",
    ),
    (
        "liquibasecatalogname",
        "sqlrs keeps Liquibase's tracking tables at their default names",
    ),
];

/// Options whose name starts with one of these are refused like connection options.
const REFUSED_PREFIXES: &[&str] = &["reference"];

const ACCEPTED: &str = "`--changelog-file`, `--search-path`, `--contexts`, `--labels`, `--default-schema-name`, `--count`, `--tag` and `-Dname=value`";

/// One option as written: its normalised name, its value, where it was.
struct Given {
    name: String,
    value: String,
    at: usize,
}

/// Normalises the arguments of `sqlrs prepare:lb -- …`, resolving paths against `work_dir`.
pub fn parse_liquibase(args: &[String], work_dir: &Path) -> Result<LbArgs, ArgsError> {
    let mut command: Option<(usize, String)> = None;
    let mut given: Vec<Given> = Vec::new();
    let mut parameters = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let at = i;
        i += 1;
        if let Some(param) = arg.strip_prefix("-D") {
            let (name, value) = param
                .split_once('=')
                .filter(|(n, _)| !n.is_empty())
                .ok_or_else(|| {
                    err(
                        at,
                        format!("`{arg}` is not a changelog parameter: expected `-Dname=value`"),
                    )
                })?;
            parameters.push((name.to_string(), value.to_string()));
            continue;
        }
        let Some(long) = arg.strip_prefix("--") else {
            if arg.starts_with('-') || command.is_some() {
                return Err(err(
                    at,
                    format!(
                        "`{arg}` is not accepted: expected one command (`update`, `update-count` or `update-to-tag`) and the options {ACCEPTED}"
                    ),
                ));
            }
            command = Some((at, arg.clone()));
            continue;
        };
        let (raw, attached) = match long.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (long, None),
        };
        let name = raw.to_ascii_lowercase().replace(['-', '_'], "");
        check_option(at, arg, &name)?;
        let value = match attached {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i - 1)
                    .cloned()
                    .ok_or_else(|| err(at, format!("`--{raw}` needs a value")))?
            }
        };
        given.push(Given { name, value, at });
    }
    assemble(command, given, parameters, work_dir)
}

/// Refuses an option sqlrs does not accept, saying why.
fn check_option(at: usize, arg: &str, name: &str) -> Result<(), ArgsError> {
    let shown = arg.split_once('=').map_or(arg, |(n, _)| n);
    if let Some((_, why)) = REFUSED.iter().find(|(n, _)| *n == name) {
        return Err(err(at, format!("`{shown}` is not accepted: {why}")));
    }
    if REFUSED_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Err(err(
            at,
            format!(
                "`{shown}` is not accepted: sqlrs connects Liquibase to the instance it prepares"
            ),
        ));
    }
    const KNOWN: &[&str] = &[
        "changelogfile",
        "searchpath",
        "contexts",
        "contextfilter",
        "labels",
        "labelfilter",
        "defaultschemaname",
        "count",
        "tag",
    ];
    if !KNOWN.contains(&name) {
        return Err(err(
            at,
            format!("`{shown}` is not a Liquibase option sqlrs accepts: expected {ACCEPTED}"),
        ));
    }
    Ok(())
}

/// Builds the normalised arguments from what was given.
fn assemble(
    command: Option<(usize, String)>,
    given: Vec<Given>,
    parameters: Vec<(String, String)>,
    work_dir: &Path,
) -> Result<LbArgs, ArgsError> {
    let Some((command_at, command)) = command else {
        return Err(ArgsError {
            index: None,
            message: "a Liquibase command is required: `update`, `update-count` or `update-to-tag`"
                .into(),
        });
    };
    let take = |names: &[&str]| -> Result<Option<(usize, String)>, ArgsError> {
        let mut found: Option<(usize, String)> = None;
        for g in given.iter().filter(|g| names.contains(&g.name.as_str())) {
            if found.is_some() {
                return Err(err(g.at, format!("`--{}` is given twice", names[0])));
            }
            found = Some((g.at, g.value.clone()));
        }
        Ok(found)
    };
    let count = take(&["count"])?;
    let tag = take(&["tag"])?;
    let command = command_kind(command_at, &command, count, tag)?;
    let search_path = match take(&["searchpath"])? {
        Some((at, value)) => search_path(at, &value, work_dir)?,
        None => vec![normalize(work_dir)],
    };
    let Some((at, changelog)) = take(&["changelogfile"])? else {
        return Err(ArgsError {
            index: None,
            message:
                "`--changelog-file` is required: the root changelog, relative to the search path"
                    .into(),
        });
    };
    let changelog_file = changelog_file(at, &changelog, &search_path)?;
    Ok(LbArgs {
        command,
        search_path,
        changelog_file,
        contexts: take(&["contexts", "contextfilter"])?.map(|(_, v)| v),
        labels: take(&["labels", "labelfilter"])?.map(|(_, v)| v),
        default_schema_name: take(&["defaultschemaname"])?.map(|(_, v)| v),
        parameters,
    })
}

/// The command, with `--count` / `--tag` where it needs them and nowhere else.
fn command_kind(
    at: usize,
    command: &str,
    count: Option<(usize, String)>,
    tag: Option<(usize, String)>,
) -> Result<LbCommand, ArgsError> {
    let name = command.to_ascii_lowercase().replace('-', "");
    let unused = |option: Option<(usize, String)>, flag: &str| match option {
        Some((i, _)) => Err(err(i, format!("`--{flag}` does not apply to `{command}`"))),
        None => Ok(()),
    };
    match name.as_str() {
        "update" => {
            unused(count, "count")?;
            unused(tag, "tag")?;
            Ok(LbCommand::Update)
        }
        "updatecount" => {
            unused(tag, "tag")?;
            let (i, n) = count.ok_or_else(|| err(at, format!("`{command}` needs `--count=N`")))?;
            let n = n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                err(
                    i,
                    format!("`{n}` is not a count: expected a number of changesets from 1"),
                )
            })?;
            Ok(LbCommand::UpdateCount(n))
        }
        "updatetotag" => {
            unused(count, "count")?;
            let (_, t) = tag.ok_or_else(|| err(at, format!("`{command}` needs `--tag=TAG`")))?;
            Ok(LbCommand::UpdateToTag(t))
        }
        "updatesql" | "updatecountsql" | "updatetotagsql" => Err(err(
            at,
            format!(
                "`{command}` is not accepted: sqlrs renders the SQL itself; use `sqlrs plan:lb` to see the changesets"
            ),
        )),
        _ => Err(err(
            at,
            format!(
                "`{command}` is not accepted: a prepare applies changesets, with `update`, `update-count` or `update-to-tag`"
            ),
        )),
    }
}

/// The search-path directories, absolute and existing.
fn search_path(at: usize, value: &str, work_dir: &Path) -> Result<Vec<PathBuf>, ArgsError> {
    let mut out = Vec::new();
    for entry in value.split(',').map(str::trim) {
        if entry.is_empty() {
            return Err(err(at, format!("`{value}` has an empty search-path entry")));
        }
        if entry.contains("://") || entry.starts_with("classpath:") {
            return Err(err(
                at,
                format!(
                    "`{entry}` is not a directory: sqlrs hashes the changelog files, so the search path must name local directories"
                ),
            ));
        }
        let dir = normalize(&work_dir.join(entry));
        if !dir.is_dir() {
            return Err(err(
                at,
                format!("search-path directory `{entry}` does not exist"),
            ));
        }
        out.push(dir);
    }
    Ok(out)
}

/// The changelog relative to the search-path directory that holds it.
fn changelog_file(at: usize, value: &str, search_path: &[PathBuf]) -> Result<String, ArgsError> {
    let path = Path::new(value);
    let relative = if path.is_absolute() {
        let path = normalize(path);
        search_path
            .iter()
            .find_map(|d| path.strip_prefix(d).ok().map(Path::to_path_buf))
            .ok_or_else(|| err(at, format!("`{value}` is not under the search path: give `--search-path` with its directory")))?
    } else {
        path.to_path_buf()
    };
    let mut parts = Vec::new();
    for c in relative.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(err(
                    at,
                    format!(
                        "`{value}` leaves the search path: give it relative to a `--search-path` directory"
                    ),
                ));
            }
        }
    }
    let relative = parts.join("/");
    if relative.is_empty() || !search_path.iter().any(|d| d.join(&relative).is_file()) {
        return Err(err(
            at,
            format!("changelog `{value}` was not found in the search path"),
        ));
    }
    Ok(relative)
}

/// `path` with `.` and `..` removed lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn err(index: usize, message: String) -> ArgsError {
    ArgsError {
        index: Some(index),
        message,
    }
}

impl LbArgs {
    /// The global options (before the command): the search path.
    pub fn global_options(&self) -> Vec<String> {
        let dirs: Vec<String> = self
            .search_path
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        vec![format!("--search-path={}", dirs.join(","))]
    }

    /// The command options that choose what is applied (after the command): the changelog,
    /// filters, schema and parameters.
    pub fn command_options(&self) -> Vec<String> {
        let mut out = vec![format!("--changelog-file={}", self.changelog_file)];
        out.extend(self.contexts.as_ref().map(|c| format!("--contexts={c}")));
        out.extend(self.labels.as_ref().map(|l| format!("--labels={l}")));
        out.extend(
            self.default_schema_name
                .as_ref()
                .map(|s| format!("--default-schema-name={s}")),
        );
        out.extend(self.parameters.iter().map(|(k, v)| format!("-D{k}={v}")));
        out
    }

    /// The command and its selection, for `update-sql`'s counterpart (`suffix` `-sql`) or
    /// the command itself.
    pub(crate) fn command_words(&self, suffix: &str) -> Vec<String> {
        match &self.command {
            LbCommand::Update => vec![format!("update{suffix}")],
            LbCommand::UpdateCount(n) => {
                vec![format!("update-count{suffix}"), format!("--count={n}")]
            }
            LbCommand::UpdateToTag(t) => {
                vec![format!("update-to-tag{suffix}"), format!("--tag={t}")]
            }
        }
    }

    /// What, besides a changeset's own text, changes what it does: filters, schema and
    /// parameters (as `name=value` lines). Host paths are left out: the changelog files'
    /// content is hashed instead.
    pub fn semantic_options(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.contexts.as_ref().map(|c| format!("contexts={c}")));
        out.extend(self.labels.as_ref().map(|l| format!("labels={l}")));
        out.extend(
            self.default_schema_name
                .as_ref()
                .map(|s| format!("default-schema-name={s}")),
        );
        out.extend(self.parameters.iter().map(|(k, v)| format!("-D{k}={v}")));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("db/sub")).unwrap();
        std::fs::write(dir.path().join("db/changelog.yaml"), "").unwrap();
        std::fs::write(dir.path().join("db/sub/more.xml"), "").unwrap();
        dir
    }

    #[test]
    fn update_with_paths_and_filters_is_normalised() {
        let dir = tree();
        let a = parse_liquibase(
            &words("update --search-path=db --changelog-file changelog.yaml --contexts=dev -Dx=1 --labelFilter=a,b --default-schema-name=app"),
            dir.path(),
        )
        .unwrap();
        assert_eq!(a.command, LbCommand::Update);
        assert_eq!(a.search_path, vec![dir.path().join("db")]);
        assert_eq!(a.changelog_file, "changelog.yaml");
        assert_eq!(a.contexts.as_deref(), Some("dev"));
        assert_eq!(a.labels.as_deref(), Some("a,b"));
        assert_eq!(a.parameters, vec![("x".to_string(), "1".to_string())]);
        assert_eq!(
            a.command_options(),
            words(
                "--changelog-file=changelog.yaml --contexts=dev --labels=a,b --default-schema-name=app -Dx=1"
            )
        );
        assert_eq!(
            a.semantic_options(),
            words("contexts=dev labels=a,b default-schema-name=app -Dx=1")
        );
    }

    #[test]
    fn without_a_search_path_the_work_dir_is_one_and_absolute_changelogs_become_relative() {
        let dir = tree();
        let a = parse_liquibase(
            &words("--changeLogFile=db/./sub/more.xml update"),
            dir.path(),
        )
        .unwrap();
        assert_eq!(a.search_path, vec![dir.path().to_path_buf()]);
        assert_eq!(a.changelog_file, "db/sub/more.xml");
        let abs = dir.path().join("db/sub/more.xml");
        let a = parse_liquibase(
            &[
                "update".into(),
                "--search-path=db".into(),
                format!("--changelog-file={}", abs.display()),
            ],
            dir.path(),
        )
        .unwrap();
        assert_eq!(a.changelog_file, "sub/more.xml");
    }

    #[test]
    fn counts_and_tags_belong_to_their_commands() {
        let dir = tree();
        let a = parse_liquibase(
            &words("update-count --count 2 --changelog-file=db/changelog.yaml"),
            dir.path(),
        )
        .unwrap();
        assert_eq!(a.command, LbCommand::UpdateCount(2));
        assert_eq!(a.command_words("-sql"), words("update-count-sql --count=2"));
        let a = parse_liquibase(
            &words("updateToTag --tag=v1 --changelog-file=db/changelog.yaml"),
            dir.path(),
        )
        .unwrap();
        assert_eq!(a.command_words(""), words("update-to-tag --tag=v1"));
        let e = parse_liquibase(
            &words("update --count=2 --changelog-file=db/changelog.yaml"),
            dir.path(),
        )
        .unwrap_err();
        assert_eq!(
            (e.index, e.message.as_str()),
            (Some(1), "`--count` does not apply to `update`")
        );
        let e = parse_liquibase(
            &words("update-count --count=0 --changelog-file=db/changelog.yaml"),
            dir.path(),
        )
        .unwrap_err();
        assert_eq!(e.index, Some(1));
    }

    /// Refused command lines: the argument blamed and a part of the message.
    const REFUSALS: &[(&str, usize, &str)] = &[
        (
            "update --url=jdbc:x --changelog-file=db/changelog.yaml",
            1,
            "`--url` is not accepted: sqlrs connects",
        ),
        (
            "update --changelog-file=db/changelog.yaml --username sa",
            2,
            "`--username` is not accepted",
        ),
        (
            "--password=secret update",
            0,
            "`--password` is not accepted",
        ),
        ("update --defaults-file=x.properties", 1, "defaults file"),
        (
            "update --reference-url=x",
            1,
            "`--reference-url` is not accepted",
        ),
        ("update --classpath=a.jar", 1, "classpath"),
        (
            "update --log-level=debug",
            1,
            "is not a Liquibase option sqlrs accepts",
        ),
        ("update rollback", 1, "`rollback` is not accepted"),
        (
            "update-sql --changelog-file=db/changelog.yaml",
            0,
            "use `sqlrs plan:lb`",
        ),
        (
            "rollback --changelog-file=db/changelog.yaml",
            0,
            "a prepare applies changesets",
        ),
        (
            "update -D --changelog-file=db/changelog.yaml",
            1,
            "expected `-Dname=value`",
        ),
        (
            "update --changelog-file",
            1,
            "`--changelog-file` needs a value",
        ),
        (
            "update --changelog-file=nope.yaml",
            1,
            "was not found in the search path",
        ),
        (
            "update --changelog-file=../x.yaml",
            1,
            "leaves the search path",
        ),
        (
            "update --search-path=db,nope --changelog-file=changelog.yaml",
            1,
            "`nope` does not exist",
        ),
        (
            "update --search-path=classpath:db --changelog-file=changelog.yaml",
            1,
            "must name local directories",
        ),
        (
            "update --contexts=a --changelog-file=db/changelog.yaml --context-filter=b",
            3,
            "given twice",
        ),
    ];

    #[test]
    fn connection_and_settings_options_are_refused_by_position() {
        let dir = tree();
        for &(line, index, needle) in REFUSALS {
            let e = parse_liquibase(&words(line), dir.path()).unwrap_err();
            assert_eq!(e.index, Some(index), "{line}: {e:?}");
            assert!(e.message.contains(needle), "{line}: {}", e.message);
            assert!(
                !e.message.contains("secret"),
                "{line}: values are never shown"
            );
        }
        let e =
            parse_liquibase(&words("--changelog-file=db/changelog.yaml"), dir.path()).unwrap_err();
        assert_eq!(e.index, None);
    }
}
