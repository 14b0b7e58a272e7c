//! Planning: the pending changesets of a state, from one `update-sql`.
//!
//! One JVM start renders every pending changeset against the parent state; the output is
//! split per changeset (`output`), each changeset's `DATABASECHANGELOG` row read (`row`),
//! and its apply mode decided (`classify`). The changelog files are digested before and
//! after, so what Liquibase rendered is what was hashed.

use infra_process::{Interrupt, Output};

use crate::classify::{ApplyMode, classify};
use crate::output::split_update_sql;
use crate::row::{ChangelogRow, changelog_rows};
use crate::{ChangelogContent, LbArgs, LbError, Liquibase, Target};

/// A pending changeset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changeset {
    /// Its changelog file, as Liquibase records it (relative to the search path).
    pub path: String,
    /// Its id.
    pub id: String,
    /// Its author.
    pub author: String,
    /// The script that applies it through psql: its rendered SQL with its
    /// `DATABASECHANGELOG` row, preceded, for the first pending changeset, by the
    /// statements that create or upgrade Liquibase's tracking tables.
    pub sql: String,
    /// Liquibase's checksum of its definition (`MD5SUM`), when rendered.
    pub checksum: Option<String>,
    /// How it is applied.
    pub apply: ApplyMode,
    /// The tracking table its row goes to (`public.databasechangelog`).
    pub(crate) changelog_table: String,
    /// Where `DEPLOYMENT_ID` literals are in `sql` (a per-run random number).
    pub(crate) deployment: Vec<std::ops::Range<usize>>,
}

impl Changeset {
    /// `path::id::author`, as Liquibase names a changeset.
    pub fn identity(&self) -> String {
        format!("{}::{}::{}", self.path, self.id, self.author)
    }

    /// `sql` as hashed: each `DEPLOYMENT_ID` literal replaced by `'<deployment>'`, so two
    /// plans of the same changeset hash the same.
    pub fn hashed_sql(&self) -> String {
        let mut out = String::with_capacity(self.sql.len());
        let mut at = 0;
        for r in &self.deployment {
            out.push_str(&self.sql[at..r.start]);
            out.push_str("'<deployment>'");
            at = r.end;
        }
        out.push_str(&self.sql[at..]);
        out
    }
}

/// What `update` would apply to a state.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The Liquibase version that rendered it.
    pub liquibase_version: String,
    /// The changelog files it was rendered from.
    pub content: ChangelogContent,
    /// The pending changesets, in order.
    pub changesets: Vec<Changeset>,
}

/// Plans `args` on the state `target` serves: one `update-sql` (the database is not
/// changed).
pub fn plan(
    liquibase: &Liquibase,
    args: &LbArgs,
    target: &Target,
    interrupt: &Interrupt,
) -> Result<Plan, LbError> {
    let content = ChangelogContent::read(&args.search_path)?;
    let cmd = liquibase.command(args, target, &args.command_words("-sql"));
    let out =
        infra_process::run(&cmd, Output::Capture, interrupt).map_err(|source| LbError::Tool {
            command: args.command_words("-sql").join(" "),
            source,
        })?;
    if ChangelogContent::read(&args.search_path)?.digest != content.digest {
        return Err(LbError::Drift {
            dir: args.search_path.first().cloned().unwrap_or_default(),
        });
    }
    let rendered = split_update_sql(&out.stdout).map_err(LbError::Output)?;
    if let Some(ran) = rendered.version.filter(|v| v != liquibase.version()) {
        return Err(LbError::VersionChanged {
            located: liquibase.version().to_string(),
            ran,
        });
    }
    let mut changesets = Vec::with_capacity(rendered.changesets.len());
    for (n, part) in rendered.changesets.into_iter().enumerate() {
        let preamble = if n == 0 {
            rendered.preamble.as_str()
        } else {
            ""
        };
        let sql = format!("{preamble}{}", part.text);
        changesets.push(changeset(&part.marker, sql, &content)?);
    }
    Ok(Plan {
        liquibase_version: liquibase.version().to_string(),
        content,
        changesets,
    })
}

/// One changeset from its marker and script.
fn changeset(marker: &str, sql: String, content: &ChangelogContent) -> Result<Changeset, LbError> {
    let rows = changelog_rows(&sql);
    let row: Option<&ChangelogRow> = rows.iter().find(|r| r.identity() == marker);
    if row.is_none()
        && let Some(other) = rows.first()
    {
        return Err(LbError::Output(crate::OutputError::Mismatch {
            marker: marker.to_string(),
            row: other.identity(),
        }));
    }
    let (path, id, author) = match row {
        Some(r) => (r.filename.clone(), r.id.clone(), r.author.clone()),
        None => split_marker(marker),
    };
    let apply = classify(&sql, row, &path, content);
    let deployment = rows.iter().filter_map(|r| r.deployment.clone()).collect();
    Ok(Changeset {
        checksum: row.and_then(|r| r.checksum.clone()),
        changelog_table: row.map_or_else(|| "databasechangelog".to_string(), |r| r.table.clone()),
        path,
        id,
        author,
        sql,
        apply,
        deployment,
    })
}

/// `path::id::author` split at the first and last `::` (only used when no row names the
/// changeset, so it cannot be checked).
fn split_marker(marker: &str) -> (String, String, String) {
    let (path, rest) = marker.split_once("::").unwrap_or((marker, ""));
    let (id, author) = rest.rsplit_once("::").unwrap_or((rest, ""));
    (path.to_string(), id.to_string(), author.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_split_at_the_outer_separators() {
        assert_eq!(
            split_marker("db/a.xml::1::2::me"),
            ("db/a.xml".into(), "1::2".into(), "me".into())
        );
        assert_eq!(split_marker("odd"), ("odd".into(), "".into(), "".into()));
    }

    #[test]
    fn a_row_naming_another_changeset_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content = ChangelogContent::read(&[dir.path().to_path_buf()]).unwrap();
        let sql = "-- Changeset a.sql::1::me\n-- Changeset b.sql::2::me\nINSERT INTO public.databasechangelog (ID, AUTHOR, FILENAME) VALUES ('2', 'me', 'b.sql');\n";
        let err = changeset("a.sql::1::me", sql.to_string(), &content).unwrap_err();
        assert!(matches!(err, LbError::Output(_)), "{err}");
    }

    #[test]
    fn deployment_ids_are_masked_in_what_is_hashed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.sql"), "").unwrap();
        let content = ChangelogContent::read(&[dir.path().to_path_buf()]).unwrap();
        let sql = |dep: &str| {
            format!(
                "INSERT INTO public.databasechangelog (ID, AUTHOR, FILENAME, DESCRIPTION, DEPLOYMENT_ID) VALUES ('1', 'me', 'a.sql', 'sql', '{dep}');\n"
            )
        };
        let a = changeset("a.sql::1::me", sql("5863686987"), &content).unwrap();
        let b = changeset("a.sql::1::me", sql("5863803965"), &content).unwrap();
        assert_ne!(a.sql, b.sql);
        assert_eq!(a.hashed_sql(), b.hashed_sql());
        assert!(a.hashed_sql().ends_with("'sql', '<deployment>');\n"));
        assert_eq!(a.apply, ApplyMode::Psql);
        assert_eq!(a.identity(), "a.sql::1::me");
    }
}
