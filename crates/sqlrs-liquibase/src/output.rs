//! `update-sql`'s output, split into one script per pending changeset.
//!
//! One `update-sql` renders every pending changeset in a single JVM start, so splitting its
//! output is what lets sqlrs apply (and snapshot) changeset by changeset without starting
//! Liquibase again. Liquibase prints, in order: a preamble that creates or upgrades its
//! tracking tables and takes its lock, a banner comment, then for each changeset a
//! `-- Changeset <path>::<id>::<author>` line followed by its SQL and its
//! `DATABASECHANGELOG` row, and last `-- Release Database Lock` with the unlock. The lock
//! statements are dropped (a script applied by psql needs no Liquibase lock, and running
//! them would leave one behind); the banner is dropped too (it holds the time and the
//! port, which would make identical changesets hash differently).

/// The line that starts each changeset.
const MARKER: &str = "-- Changeset ";
/// The line that starts the trailing unlock.
const RELEASE: &str = "-- Release Database Lock";
/// The banner line that names the Liquibase version.
const VERSION: &str = "-- Liquibase version: ";

/// `update-sql`'s output, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The version in the banner, when printed.
    pub version: Option<String>,
    /// The statements before the first changeset that create or upgrade the tracking
    /// tables (empty when they are up to date), without the lock and comments.
    pub preamble: String,
    /// The pending changesets, in order.
    pub changesets: Vec<RenderedChangeset>,
}

/// One changeset's part of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedChangeset {
    /// The marker's text: `path::id::author`.
    pub marker: String,
    /// Its text, from the marker line to the next marker (or the lock release).
    pub text: String,
}

/// Output sqlrs cannot split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    /// The output does not end with the lock release (it was cut short, or the format
    /// changed).
    #[error("it does not end with `{RELEASE}`")]
    NoRelease,
    /// Something other than the unlock follows the lock release.
    #[error("line {line} (`{text}`) follows `{RELEASE}`, where only the unlock was expected")]
    AfterRelease {
        /// 1-based line of the output.
        line: usize,
        /// The line.
        text: String,
    },
    /// A changeset's `DATABASECHANGELOG` row names another changeset than its marker
    /// (a `-- Changeset` line inside a changeset's own SQL would do this).
    #[error("the changeset marked `{marker}` records the row of `{row}`")]
    Mismatch {
        /// The marker's `path::id::author`.
        marker: String,
        /// The row's.
        row: String,
    },
}

/// Splits `update-sql`'s stdout.
pub fn split_update_sql(stdout: &str) -> Result<Rendered, OutputError> {
    let lines: Vec<&str> = stdout.split_inclusive('\n').collect();
    let markers: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with(MARKER))
        .collect();
    let first = markers.first().copied().unwrap_or(lines.len());
    let release = (markers.first().copied().unwrap_or(0)..lines.len())
        .rev()
        .find(|&i| lines[i].trim_end() == RELEASE)
        .ok_or(OutputError::NoRelease)?;
    if markers.last().is_some_and(|&m| m > release) {
        return Err(OutputError::NoRelease);
    }
    check_tail(&lines, release)?;
    let head_end = first.min(release);
    let version = lines[..head_end].iter().find_map(|l| {
        l.trim_end()
            .strip_prefix(VERSION)
            .map(|v| v.trim().to_string())
    });
    let preamble: String = lines[..head_end]
        .iter()
        .filter(|l| !l.starts_with("--") && !is_lock(l))
        .copied()
        .collect();
    let preamble = if preamble.trim().lines().all(is_search_path) {
        String::new()
    } else {
        preamble
    };
    let changesets = markers
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = markers.get(n + 1).copied().unwrap_or(release);
            RenderedChangeset {
                marker: lines[start][MARKER.len()..].trim_end().to_string(),
                text: lines[start..end].concat(),
            }
        })
        .collect();
    Ok(Rendered {
        version,
        preamble,
        changesets,
    })
}

/// Only the unlock (and search-path settings) may follow the release line.
fn check_tail(lines: &[&str], release: usize) -> Result<(), OutputError> {
    for (i, line) in lines.iter().enumerate().skip(release + 1) {
        let t = line.trim();
        if t.is_empty() || is_search_path(t) || is_unlock(t) {
            continue;
        }
        return Err(OutputError::AfterRelease {
            line: i + 1,
            text: t.chars().take(120).collect(),
        });
    }
    Ok(())
}

fn is_search_path(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with("SET SEARCH_PATH ")
}

fn lock_statement(line: &str, locked: &str) -> bool {
    let lower = line.trim().to_ascii_lowercase();
    lower.starts_with("update ")
        && lower.contains("databasechangeloglock set locked = ")
        && lower.contains(locked)
}

/// Liquibase taking its lock.
fn is_lock(line: &str) -> bool {
    lock_statement(line, "locked = true")
}

/// Liquibase releasing its lock.
fn is_unlock(line: &str) -> bool {
    lock_statement(line, "locked = false")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `update-sql` on a fresh database (Liquibase 4.28.0, the YAML example).
    const FRESH: &str = include_str!("../tests/data/update-sql-fresh.txt");
    /// `update-sql` after two of three changesets were applied.
    const LAST: &str = include_str!("../tests/data/update-sql-last.txt");
    /// `update-sql` with nothing pending.
    const NONE: &str = include_str!("../tests/data/update-sql-none.txt");

    #[test]
    fn a_fresh_database_gives_the_table_creation_and_each_changeset() {
        let r = split_update_sql(FRESH).unwrap();
        assert_eq!(r.version.as_deref(), Some("4.28.0"));
        let markers: Vec<&str> = r.changesets.iter().map(|c| c.marker.as_str()).collect();
        assert_eq!(
            markers,
            [
                "changelog.yaml::1-create-products::sqlrs",
                "changes/002-insert-products.yaml::2-insert-products::sqlrs",
                "changelog.yaml::3-add-price::sqlrs"
            ]
        );
        assert!(
            r.preamble
                .contains("CREATE TABLE public.databasechangeloglock")
        );
        assert!(
            r.preamble
                .contains("CREATE TABLE public.databasechangelog ")
        );
        assert!(
            r.preamble.contains(
                "INSERT INTO public.databasechangeloglock (ID, LOCKED) VALUES (1, FALSE);"
            )
        );
        for text in [&r.preamble, &r.changesets[2].text] {
            assert!(!text.contains("LOCKED = TRUE"), "{text}");
            assert!(!text.contains("LOCKED = FALSE"), "{text}");
            assert!(!text.contains("Ran at"), "{text}");
        }
        let second = &r.changesets[1].text;
        assert!(second.starts_with(
            "-- Changeset changes/002-insert-products.yaml::2-insert-products::sqlrs\n"
        ));
        assert!(second.contains("INSERT INTO public.products (id, title) VALUES (2, 'Teapot');"));
        assert!(second.contains(
            "'2-insert-products', 'sqlrs', 'changes/002-insert-products.yaml', NOW(), 2,"
        ));
        assert!(!second.contains("3-add-price"));
    }

    #[test]
    fn up_to_date_tracking_tables_leave_an_empty_preamble() {
        let r = split_update_sql(LAST).unwrap();
        assert_eq!(r.preamble, "");
        assert_eq!(r.changesets.len(), 1);
        assert!(
            r.changesets[0]
                .text
                .contains("ALTER TABLE public.products ADD price_cents")
        );
        let r = split_update_sql(NONE).unwrap();
        assert_eq!((r.preamble.as_str(), r.changesets.len()), ("", 0));
    }

    #[test]
    fn cut_or_unexpected_output_is_refused() {
        let cut = &FRESH[..FRESH.find(RELEASE).unwrap()];
        assert_eq!(split_update_sql(cut), Err(OutputError::NoRelease));
        assert_eq!(split_update_sql(""), Err(OutputError::NoRelease));
        let extra = format!("{FRESH}DROP TABLE products;\n");
        let err = split_update_sql(&extra).unwrap_err();
        assert!(
            matches!(err, OutputError::AfterRelease { ref text, .. } if text == "DROP TABLE products;"),
            "{err}"
        );
    }

    #[test]
    fn the_split_does_not_depend_on_when_or_where_liquibase_ran() {
        let other = FRESH
            .replace("Ran at: 11/28/26, 11:01 AM", "Ran at: 1/1/27, 9:00 PM")
            .replace("127.0.0.1:54999", "127.0.0.1:40000")
            .replace("'vm (fd00:0:0:0:0:0:0:2%eth0)'", "'other (10.0.0.1)'");
        assert_eq!(split_update_sql(&other), split_update_sql(FRESH));
    }
}
