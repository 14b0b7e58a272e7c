//! The `DATABASECHANGELOG` row a changeset's SQL records.
//!
//! Each rendered changeset ends with an `INSERT INTO …databasechangelog` (or, for a
//! changeset that runs again, an `UPDATE … SET … WHERE ID = … AND AUTHOR = … AND
//! FILENAME = …`). Reading it gives the changeset's identity unambiguously (the marker line
//! `path::id::author` cannot say where an id containing `::` ends), Liquibase's own
//! checksum and description, and the position of `DEPLOYMENT_ID`: a random number per
//! Liquibase run, which must not reach a hash.

use std::collections::HashMap;
use std::ops::Range;

/// A `DATABASECHANGELOG` write found in a changeset's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChangelogRow {
    /// The table as written (`public.databasechangelog`).
    pub table: String,
    /// `ID`.
    pub id: String,
    /// `AUTHOR`.
    pub author: String,
    /// `FILENAME`.
    pub filename: String,
    /// `MD5SUM`: Liquibase's checksum of the changeset's definition.
    pub checksum: Option<String>,
    /// `DESCRIPTION`: the change types, `; `-separated.
    pub description: Option<String>,
    /// Where the `DEPLOYMENT_ID` literal is in the text (quotes included).
    pub deployment: Option<Range<usize>>,
}

impl ChangelogRow {
    /// `path::id::author`, as Liquibase prints a changeset.
    pub fn identity(&self) -> String {
        format!("{}::{}::{}", self.filename, self.id, self.author)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(u8),
}

/// Tokens of one statement starting at `start`, up to its `;`, with their byte ranges.
fn tokens(text: &str, start: usize) -> Option<Vec<(Tok, Range<usize>)>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    while i < b.len() && out.len() < 4096 {
        let c = b[i];
        let from = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' {
            let mut s = Vec::new();
            i += 1;
            loop {
                match (b.get(i), b.get(i + 1)) {
                    (Some(b'\''), Some(b'\'')) => {
                        s.push(b'\'');
                        i += 2;
                    }
                    (Some(b'\''), _) => break,
                    (Some(&x), _) => {
                        s.push(x);
                        i += 1;
                    }
                    (None, _) => return None,
                }
            }
            i += 1;
            out.push((Tok::Str(String::from_utf8(s).ok()?), from..i));
        } else if c.is_ascii_alphanumeric() || b"_.\"$".contains(&c) {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_.\"$".contains(&b[i])) {
                i += 1;
            }
            out.push((Tok::Word(text[from..i].to_string()), from..i));
        } else {
            i += 1;
            out.push((Tok::Punct(c), from..i));
            if c == b';' {
                return Some(out);
            }
        }
    }
    None
}

/// A value: a string literal (with its range) or anything else (`NULL`, `NOW()`, `3`).
#[derive(Debug, Clone)]
enum Value {
    Str(String, Range<usize>),
    Other,
}

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<(Tok, Range<usize>)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn word(&mut self) -> Option<String> {
        match self.next()? {
            (Tok::Word(w), _) => Some(w),
            _ => None,
        }
    }

    fn keyword(&mut self, k: &str) -> Option<()> {
        self.word()
            .filter(|w| w.eq_ignore_ascii_case(k))
            .map(|_| ())
    }

    fn punct(&mut self, p: u8) -> Option<()> {
        matches!(self.next()?, (Tok::Punct(x), _) if x == p).then_some(())
    }

    fn peek_punct(&self, p: u8) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Punct(x), _)) if *x == p)
    }

    fn value(&mut self) -> Option<Value> {
        match self.next()? {
            (Tok::Str(s), r) => Some(Value::Str(s, r)),
            (Tok::Word(_), _) => {
                if self.peek_punct(b'(') {
                    self.pos += 1;
                    self.punct(b')')?;
                }
                Some(Value::Other)
            }
            _ => None,
        }
    }

    /// `NAME = value` pairs separated by `sep` (a punctuation byte or a keyword).
    fn assignments(&mut self, sep: &str, out: &mut HashMap<String, Value>) -> Option<()> {
        loop {
            let name = self.word()?.to_ascii_uppercase();
            self.punct(b'=')?;
            out.insert(name, self.value()?);
            let more = match self.toks.get(self.pos) {
                Some((Tok::Punct(p), _)) => sep.as_bytes() == [*p],
                Some((Tok::Word(w), _)) => w.eq_ignore_ascii_case(sep),
                _ => false,
            };
            if !more {
                return Some(());
            }
            self.pos += 1;
        }
    }
}

fn is_changelog_table(word: &str) -> bool {
    let name = word.rsplit('.').next().unwrap_or(word).trim_matches('"');
    name.eq_ignore_ascii_case("databasechangelog")
}

/// `INSERT INTO t (cols) VALUES (values);`
fn insert(p: &mut Parser) -> Option<(String, HashMap<String, Value>)> {
    p.keyword("INSERT")?;
    p.keyword("INTO")?;
    let table = p.word().filter(|t| is_changelog_table(t))?;
    p.punct(b'(')?;
    let mut cols = vec![p.word()?.to_ascii_uppercase()];
    while p.peek_punct(b',') {
        p.pos += 1;
        cols.push(p.word()?.to_ascii_uppercase());
    }
    p.punct(b')')?;
    p.keyword("VALUES")?;
    p.punct(b'(')?;
    let mut values = vec![p.value()?];
    while p.peek_punct(b',') {
        p.pos += 1;
        values.push(p.value()?);
    }
    p.punct(b')')?;
    p.punct(b';')?;
    (cols.len() == values.len()).then(|| (table, cols.into_iter().zip(values).collect()))
}

/// `UPDATE t SET a = v, … WHERE ID = … AND …;`
fn update(p: &mut Parser) -> Option<(String, HashMap<String, Value>)> {
    p.keyword("UPDATE")?;
    let table = p.word().filter(|t| is_changelog_table(t))?;
    p.keyword("SET")?;
    let mut map = HashMap::new();
    p.assignments(",", &mut map)?;
    p.keyword("WHERE")?;
    p.assignments("AND", &mut map)?;
    p.punct(b';')?;
    Some((table, map))
}

/// The `DATABASECHANGELOG` writes in `text` that name a changeset (others, such as a tag
/// set on the latest row, are not rows of a changeset and are skipped).
pub(crate) fn changelog_rows(text: &str) -> Vec<ChangelogRow> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let parse = if line.starts_with("INSERT INTO ") {
            insert
        } else if line.starts_with("UPDATE ") {
            update
        } else {
            continue;
        };
        let Some(toks) = tokens(text, start) else {
            continue;
        };
        let Some((table, map)) = parse(&mut Parser { toks, pos: 0 }) else {
            continue;
        };
        let text_of = |k: &str| match map.get(k) {
            Some(Value::Str(s, _)) => Some(s.clone()),
            _ => None,
        };
        let (Some(id), Some(author), Some(filename)) =
            (text_of("ID"), text_of("AUTHOR"), text_of("FILENAME"))
        else {
            continue;
        };
        out.push(ChangelogRow {
            table,
            id,
            author,
            filename,
            checksum: text_of("MD5SUM"),
            description: text_of("DESCRIPTION"),
            deployment: match map.get("DEPLOYMENT_ID") {
                Some(Value::Str(_, r)) => Some(r.clone()),
                _ => None,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_give_identity_checksum_and_the_deployment_literal() {
        let text = "-- Changeset a.yaml::x::me\nCREATE TABLE t (id INT);\n\n\
            INSERT INTO public.databasechangelog (ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, MD5SUM, DESCRIPTION, COMMENTS, EXECTYPE, CONTEXTS, LABELS, LIQUIBASE, DEPLOYMENT_ID, TAG) \
            VALUES ('x', 'me', 'a.yaml', NOW(), 4, '9:94', 'sqlFile path=body.sql; tagDatabase', 'it''s', 'EXECUTED', NULL, NULL, '4.28.0', '5863816181', 'v1');\n";
        let rows = changelog_rows(text);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.identity(), "a.yaml::x::me");
        assert_eq!(r.table, "public.databasechangelog");
        assert_eq!(r.checksum.as_deref(), Some("9:94"));
        assert_eq!(
            r.description.as_deref(),
            Some("sqlFile path=body.sql; tagDatabase")
        );
        assert_eq!(&text[r.deployment.clone().unwrap()], "'5863816181'");
    }

    #[test]
    fn a_rerun_is_an_update_with_the_identity_in_its_where() {
        let text = "UPDATE public.databasechangelog SET COMMENTS = '', CONTEXTS = NULL, DATEEXECUTED = NOW(), DEPLOYMENT_ID = '5864024949', DESCRIPTION = 'sql', EXECTYPE = 'RERAN', LABELS = NULL, LIQUIBASE = '4.28.0', MD5SUM = '9:2c', ORDEREXECUTED = 2 WHERE ID = 'v1' AND AUTHOR = 'a' AND FILENAME = 'cl.sql';\n";
        let rows = changelog_rows(text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].identity(), "cl.sql::v1::a");
        assert_eq!(&text[rows[0].deployment.clone().unwrap()], "'5864024949'");
    }

    #[test]
    fn other_statements_and_broken_ones_are_not_rows() {
        for text in [
            "INSERT INTO public.products (id) VALUES (1);\n",
            "UPDATE public.databasechangeloglock SET LOCKED = FALSE WHERE ID = 1;\n",
            "UPDATE public.databasechangelog SET TAG = 'v1' WHERE DATEEXECUTED = (SELECT MAX(DATEEXECUTED) FROM public.databasechangelog);\n",
            "INSERT INTO public.databasechangelog (ID, AUTHOR) VALUES ('x', 'unterminated\n",
            "INSERT INTO public.databasechangelog (ID, AUTHOR, FILENAME) VALUES ('x', 'y');\n",
        ] {
            assert_eq!(changelog_rows(text), vec![], "{text}");
        }
    }
}
