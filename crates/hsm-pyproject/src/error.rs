//! Why `pyproject.toml` cannot be edited.

/// Why `pyproject.toml` cannot be edited.
#[derive(Debug, thiserror::Error)]
pub enum PyprojectError {
    /// Not valid TOML.
    #[error("not valid TOML: {message}")]
    Parse {
        /// The parser's one-line description.
        message: String,
        /// 1-based line and column of the problem, when known.
        at: Option<(u64, u64)>,
    },
    /// A key has an unexpected type.
    #[error("`{key}` must be {expected}")]
    Shape {
        /// Dotted key.
        key: &'static str,
        /// Expected type.
        expected: &'static str,
    },
    /// The user declares a dependency hsm also wants to manage.
    #[error(
        "`{name}` is declared in `project.dependencies` by you and is also selected through hsm"
    )]
    UserOwned {
        /// The dependency name.
        name: String,
    },
    /// The user declares an index under a name hsm also wants to write.
    #[error(
        "the index `{name}` is declared in `[[tool.uv.index]]` by you and also by an hsm registry entry"
    )]
    UserIndex {
        /// The index name.
        name: String,
    },
    /// Two registry entries name one index with different URLs.
    #[error("the index `{name}` is given two URLs: `{first}` and `{second}`")]
    IndexConflict {
        /// The index name.
        name: String,
        /// One URL.
        first: String,
        /// The other.
        second: String,
    },
}

impl PyprojectError {
    /// A parse error of `text`, located (toml_edit's own display is a multi-line snippet).
    pub(crate) fn parse(text: &str, e: &toml_edit::TomlError) -> Self {
        let at = e.span().map(|span| {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() as u64 + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
            (line, column)
        });
        Self::Parse {
            message: e.message().trim().to_string(),
            at,
        }
    }
}

/// The shape error for `key`.
pub(crate) fn shape(key: &'static str, expected: &'static str) -> PyprojectError {
    PyprojectError::Shape { key, expected }
}
