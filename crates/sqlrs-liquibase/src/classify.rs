//! Whether a changeset's rendered SQL is exactly what `liquibase update` would run.
//!
//! Applying the rendered SQL through psql costs milliseconds; asking Liquibase to apply one
//! changeset (`update-count --count=1`) costs a JVM start. The fast path is only taken when
//! it is provably the same, and the checks are conservative (a false alarm costs seconds,
//! a miss would cost a wrong state):
//!
//! 1. the changeset's text has its `DATABASECHANGELOG` row, naming it;
//! 2. Liquibase did not flag the SQL as unfaithful (`-- WARNING The following SQL may
//!    change each run…`: `loadData` without table metadata, `executeCommand`, prepared
//!    statements);
//! 3. every change type in the row's `DESCRIPTION` is one whose SQL on PostgreSQL depends
//!    on the change alone, not on a snapshot of the database: `update-sql` renders every
//!    pending changeset against the *first* one's parent, so a generator that looks at
//!    the database (`loadData` reads column types, `dropAllForeignKeyConstraints` lists
//!    keys) would see the state before the earlier pending changesets;
//! 4. no changelog file that may define or include it mentions an attribute `update-sql`
//!    does not render: preconditions (rendered as if they passed), `failOnError` (psql
//!    stops at the error), `runInTransaction` (psql runs each changeset in one
//!    transaction, as Liquibase does by default). The file that defines the changeset
//!    counts, and so does every file that also includes others (a changelog-level
//!    precondition covers what it includes).

use crate::ChangelogContent;
use crate::row::ChangelogRow;

/// How a changeset is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyMode {
    /// Its rendered SQL, through psql, in one transaction.
    Psql,
    /// By Liquibase (`update-count --count=1`), for the reason given.
    Liquibase(Fallback),
}

/// Why a changeset is applied by Liquibase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fallback {
    /// Its text has no `DATABASECHANGELOG` row naming it.
    #[error("its SQL records no `DATABASECHANGELOG` row for it")]
    NoRow,
    /// Liquibase warned that the SQL may not be what `update` runs.
    #[error("Liquibase marked its SQL as possibly incorrect")]
    Unfaithful,
    /// A change type whose SQL is not known to be complete and state-independent.
    #[error("change type `{0}` is not rendered faithfully by `update-sql`")]
    ChangeType(String),
    /// The description was cut short, so not every change type is known.
    #[error("its change list is too long to read from `DATABASECHANGELOG`")]
    Truncated,
    /// Its file is not under the search path.
    #[error("its file `{0}` is not under the search path")]
    UnknownFile(String),
    /// A file that defines or includes it mentions an unrendered attribute.
    #[error("`{file}` mentions `{attribute}`, which `update-sql` does not render")]
    Attribute {
        /// The file.
        file: String,
        /// The attribute (lowercase).
        attribute: &'static str,
    },
}

/// Change types whose PostgreSQL SQL depends only on the change (no database snapshot).
const FAITHFUL: &[&str] = &[
    "addAutoIncrement",
    "addColumn",
    "addDefaultValue",
    "addForeignKeyConstraint",
    "addNotNullConstraint",
    "addPrimaryKey",
    "addUniqueConstraint",
    "alterSequence",
    "createIndex",
    "createProcedure",
    "createSequence",
    "createTable",
    "createView",
    "delete",
    "dropColumn",
    "dropDefaultValue",
    "dropForeignKeyConstraint",
    "dropIndex",
    "dropNotNullConstraint",
    "dropPrimaryKey",
    "dropProcedure",
    "dropSequence",
    "dropTable",
    "dropUniqueConstraint",
    "dropView",
    "empty",
    "insert",
    "modifyDataType",
    "output",
    "renameColumn",
    "renameSequence",
    "renameTable",
    "renameView",
    "setColumnRemarks",
    "setTableRemarks",
    "sql",
    "sqlFile",
    "tagDatabase",
    "update",
];

/// The line Liquibase puts before SQL it cannot vouch for.
const UNFAITHFUL: &str = "-- WARNING The following SQL may change each run";

/// How the changeset with this `text` and `row`, defined in `path`, is applied.
pub(crate) fn classify(
    text: &str,
    row: Option<&ChangelogRow>,
    path: &str,
    content: &ChangelogContent,
) -> ApplyMode {
    match fallback(text, row, path, content) {
        Some(reason) => ApplyMode::Liquibase(reason),
        None => ApplyMode::Psql,
    }
}

fn fallback(
    text: &str,
    row: Option<&ChangelogRow>,
    path: &str,
    content: &ChangelogContent,
) -> Option<Fallback> {
    let Some(row) = row else {
        return Some(Fallback::NoRow);
    };
    if text.lines().any(|l| l.starts_with(UNFAITHFUL)) {
        return Some(Fallback::Unfaithful);
    }
    let description = row.description.as_deref().unwrap_or("");
    if description.ends_with("...") {
        return Some(Fallback::Truncated);
    }
    for change in description.split("; ") {
        let name = change.split_whitespace().next().unwrap_or("");
        if !FAITHFUL.contains(&name) {
            return Some(Fallback::ChangeType(name.to_string()));
        }
    }
    let Some(own) = content.file(path) else {
        return Some(Fallback::UnknownFile(path.to_string()));
    };
    let touching = std::iter::once(own).chain(content.files.iter().filter(|f| f.includes));
    for file in touching {
        if let Some(attribute) = file.attributes.first() {
            return Some(Fallback::Attribute {
                file: file.path.clone(),
                attribute,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::changelog_rows;

    fn content(files: &[(&str, &str)]) -> (tempfile::TempDir, ChangelogContent) {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            std::fs::write(dir.path().join(p), t).unwrap();
        }
        let c = ChangelogContent::read(&[dir.path().to_path_buf()]).unwrap();
        (dir, c)
    }

    fn row(description: &str) -> String {
        format!(
            "INSERT INTO public.databasechangelog (ID, AUTHOR, FILENAME, DESCRIPTION, DEPLOYMENT_ID) VALUES ('1', 'a', 'c.yaml', '{description}', '1');\n"
        )
    }

    fn mode(text: &str, c: &ChangelogContent) -> ApplyMode {
        let rows = changelog_rows(text);
        classify(text, rows.first(), "c.yaml", c)
    }

    #[test]
    fn plain_sql_changes_go_through_psql() {
        let (_d, c) = content(&[("c.yaml", "changes: []"), ("d.csv", "precondition")]);
        let text = format!(
            "CREATE TABLE t (id INT);\n{}",
            row("createTable tableName=t; sqlFile path=x.sql; tagDatabase")
        );
        assert_eq!(mode(&text, &c), ApplyMode::Psql);
    }

    #[test]
    fn what_update_sql_cannot_render_goes_to_liquibase() {
        let (_d, c) = content(&[("c.yaml", "changes: []")]);
        let fb = |text: &str| match mode(text, &c) {
            ApplyMode::Liquibase(f) => f,
            ApplyMode::Psql => panic!("{text}"),
        };
        assert_eq!(fb("CREATE TABLE t (id INT);\n"), Fallback::NoRow);
        let warned = format!(
            "{UNFAITHFUL} and therefore is possibly incorrect and/or invalid:\n-- /bin/true ;\n{}",
            row("executeCommand")
        );
        assert_eq!(fb(&warned), Fallback::Unfaithful);
        assert_eq!(
            fb(&row("loadData tableName=t")),
            Fallback::ChangeType("loadData".into())
        );
        assert_eq!(
            fb(&row("sql; customChange")),
            Fallback::ChangeType("customChange".into())
        );
        assert_eq!(
            fb(&row("sql; sql; createTable tableName=a; crea...")),
            Fallback::Truncated
        );
        let (_d, c) = content(&[("other.yaml", "")]);
        assert_eq!(
            mode(&row("sql"), &c),
            ApplyMode::Liquibase(Fallback::UnknownFile("c.yaml".into()))
        );
    }

    #[test]
    fn preconditions_in_its_file_or_an_including_file_go_to_liquibase() {
        let own = content(&[("c.yaml", "preConditions:\n  - onFail: MARK_RAN\n")]);
        let including = content(&[
            ("c.yaml", ""),
            ("m.xml", "<preConditions/><include file=\"c.yaml\"/>"),
        ]);
        let unrelated = content(&[
            ("c.yaml", ""),
            (
                "old.sql",
                "--changeset a:0\n--precondition-sql-check expectedResult:0 select 1\n",
            ),
        ]);
        assert_eq!(
            mode(&row("sql"), &own.1),
            ApplyMode::Liquibase(Fallback::Attribute {
                file: "c.yaml".into(),
                attribute: "precondition"
            })
        );
        assert_eq!(
            mode(&row("sql"), &including.1),
            ApplyMode::Liquibase(Fallback::Attribute {
                file: "m.xml".into(),
                attribute: "precondition"
            })
        );
        assert_eq!(
            mode(&row("sql"), &unrelated.1),
            ApplyMode::Psql,
            "a file that includes nothing touches only its own changesets"
        );
    }
}
