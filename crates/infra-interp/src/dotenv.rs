//! Loading `.env` files.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

/// A `.env` file could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid .env file `{}`{}: {message}", path.display(), match line {
    Some(line) => format!(" at line {line}"),
    None => String::new(),
})]
pub struct DotenvError {
    /// The file concerned.
    pub path: PathBuf,
    /// The 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

/// Reads the variables defined in the `.env` file at `path`, in file order.
///
/// A missing file yields an empty map. Quoting, comments, `export` prefixes and
/// `${VAR}` expansion follow [`dotenvy`]; a leading byte order mark is ignored. When a
/// name is defined twice, the last definition wins.
pub fn load_dotenv(path: &Path) -> Result<IndexMap<String, String>, DotenvError> {
    let error = |line, message| DotenvError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let contents = match std::fs::read_to_string(path) {
        Ok(contents) => contents,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(IndexMap::new()),
        Err(err) => return Err(error(None, err.to_string())),
    };
    // Read the file once ourselves: dotenvy's iterator does not skip a UTF-8 byte order
    // mark, and the text is needed to turn parse errors into line numbers.
    let contents = contents.strip_prefix('\u{feff}').unwrap_or(&contents);
    let mut vars = IndexMap::new();
    for item in dotenvy::from_read_iter(contents.as_bytes()) {
        match item {
            Ok((key, value)) => {
                vars.insert(key, value);
            }
            Err(dotenvy::Error::LineParse(text, index)) => {
                let line = locate_line(contents, &text, index);
                let first = text.lines().next().unwrap_or_default();
                return Err(error(line, format!("cannot parse `{first}`")));
            }
            Err(err) => return Err(error(None, err.to_string())),
        }
    }
    Ok(vars)
}

/// Finds the 1-based line number of byte `index` of the logical line `text` (which may
/// span several physical lines) in `contents`.
fn locate_line(contents: &str, text: &str, index: usize) -> Option<usize> {
    let start = contents
        .match_indices(text)
        .map(|(offset, _)| offset)
        .find(|&offset| offset == 0 || contents[..offset].ends_with('\n'))?;
    let before = contents[..start].matches('\n').count();
    // An index at the very end means "unterminated quote": point at where it opened.
    let within = match text.get(..index) {
        Some(head) if index < text.len() => head.matches('\n').count(),
        _ => 0,
    };
    Some(before + within + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn load(contents: &str) -> Result<IndexMap<String, String>, DotenvError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, contents).unwrap();
        load_dotenv(&path).map_err(|err| DotenvError {
            path: PathBuf::from(".env"),
            ..err
        })
    }

    #[test]
    fn missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_dotenv(&dir.path().join(".env")).unwrap().is_empty());
    }

    #[test]
    fn quotes_comments_and_export() {
        let vars = load(concat!(
            "# a comment\n",
            "\n",
            "PLAIN=value\n",
            "export EXPORTED=yes\n",
            "SINGLE='it has $NO expansion'\n",
            "DOUBLE=\"two words\"\n",
            "TRAILING=kept # comment dropped\n",
            "EMPTY=\n",
            "MULTI=\"line1\nline2\"\n",
        ))
        .unwrap();
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("PLAIN", "value"),
                ("EXPORTED", "yes"),
                ("SINGLE", "it has $NO expansion"),
                ("DOUBLE", "two words"),
                ("TRAILING", "kept"),
                ("EMPTY", ""),
                ("MULTI", "line1\nline2"),
            ]
        );
    }

    #[test]
    fn later_definition_wins_but_keeps_position() {
        let vars = load("A=1\nB=2\nA=3\n").unwrap();
        assert_eq!(
            vars.get_index(0),
            Some((&"A".to_string(), &"3".to_string()))
        );
        assert_eq!(vars.len(), 2);
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let vars = load("\u{feff}KEY=v\n").unwrap();
        assert_eq!(vars.get("KEY").map(String::as_str), Some("v"));
    }

    #[test]
    fn parse_error_reports_line_number() {
        let err = load("A=1\n# note\nB=2\nBAD LINE HERE\nC=3\n").unwrap_err();
        assert_eq!(err.line, Some(4));
        assert_eq!(
            err.to_string(),
            "invalid .env file `.env` at line 4: cannot parse `BAD LINE HERE`"
        );
    }

    #[test]
    fn unterminated_quote_reports_its_line() {
        let err = load("A=1\nB=\"open\nC=3\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err:?}");
        assert!(err.message.contains("B=\"open"), "{err:?}");
    }

    #[test]
    fn unreadable_path_reports_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_dotenv(dir.path()).unwrap_err();
        assert_eq!(err.path, dir.path());
        assert_eq!(err.line, None);
    }
}
