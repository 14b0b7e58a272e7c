//! Reading a request body: everything that can be checked without I/O, so a bad request is
//! refused before it touches a file or a server (and so the fuzz target exercises the same
//! code the routes run).

use sqlrs_schema::{PrepareRequest, RunRequest};

use crate::SubmitError;

/// A prepare request from `body`: valid JSON of the right shape, a kind this engine
/// prepares, an absolute `work_dir`, psql arguments it accepts.
pub fn decode_prepare(body: &[u8]) -> Result<PrepareRequest, SubmitError> {
    let request: PrepareRequest =
        serde_json::from_slice(body).map_err(|e| SubmitError::Invalid {
            message: format!("invalid prepare request: {e}"),
            field: None,
        })?;
    check_name(&request)?;
    let work_dir = match &request {
        PrepareRequest::Psql { work_dir, .. } | PrepareRequest::Lb { work_dir, .. } => work_dir,
    };
    if let Some(dir) = work_dir
        && !std::path::Path::new(dir).is_absolute()
    {
        return Err(SubmitError::Invalid {
            message: format!("`{}` is not an absolute path", dir.escape_default()),
            field: Some("work_dir"),
        });
    }
    match &request {
        PrepareRequest::Psql {
            psql_args, stdin, ..
        } => {
            sqlrs_args::parse_psql(psql_args, stdin.is_some()).map_err(|e| {
                SubmitError::Invalid {
                    message: e.to_string(),
                    field: Some("psql_args"),
                }
            })?;
        }
        PrepareRequest::Lb { liquibase_args, .. } => {
            let dir = std::path::Path::new(work_dir.as_deref().unwrap_or("/"));
            sqlrs_liquibase::parse_liquibase(liquibase_args, dir).map_err(|e| {
                SubmitError::Invalid {
                    message: e.to_string(),
                    field: Some("liquibase_args"),
                }
            })?;
        }
    }
    Ok(request)
}

/// A name is 1–63 letters, digits, `.`, `_`, `-`, starting with a letter or digit, and
/// not 8+ hex digits (those are read as id prefixes); `reuse` needs a name.
fn check_name(request: &PrepareRequest) -> Result<(), SubmitError> {
    let (name, reuse) = request.name();
    let Some(name) = name else {
        if reuse {
            return Err(SubmitError::Invalid {
                message: "`reuse` needs a `name`: the instance of that name is what is reused"
                    .into(),
                field: Some("reuse"),
            });
        }
        return Ok(());
    };
    let shape = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let hex = name.len() >= 8 && name.bytes().all(|b| b.is_ascii_hexdigit());
    if !shape || hex {
        return Err(SubmitError::Invalid {
            message: format!(
                "`{}` is not a usable name: 1-63 letters, digits, `.`, `_`, `-`, starting with a letter or digit, and not 8+ hex digits (those read as ids)",
                name.escape_default()
            ),
            field: Some("name"),
        });
    }
    Ok(())
}

/// The connection options a run must not carry (sqlrs connects the tool itself).
const CONNECTION: [&str; 10] = [
    "-h",
    "--host",
    "-p",
    "--port",
    "-U",
    "--username",
    "-d",
    "--dbname",
    "--database",
    "-W",
];

/// Whether `word` sets a connection option (`-h`, `-hHOST`, `--host=…`, a `postgres://`
/// connection string).
fn is_connection(word: &str) -> bool {
    CONNECTION.iter().any(|c| {
        word == *c
            || (c.len() == 2 && word.starts_with(c) && word.len() > 2)
            || (c.starts_with("--") && word.starts_with(&format!("{c}=")))
    }) || word.starts_with("postgres://")
        || word.starts_with("postgresql://")
        || word.contains("host=")
}

/// A run request from `body`, without connection options.
pub fn decode_run(body: &[u8]) -> Result<RunRequest, SubmitError> {
    let request: RunRequest = serde_json::from_slice(body).map_err(|e| SubmitError::Invalid {
        message: format!("invalid run request: {e}"),
        field: None,
    })?;
    if request.instance_ref.trim().is_empty() {
        return Err(SubmitError::Invalid {
            message: "give the instance to run against".into(),
            field: Some("instance_ref"),
        });
    }
    if request.kind == sqlrs_schema::RunKind::Pgbench && !request.steps.is_empty() {
        return Err(SubmitError::Invalid {
            message: "`steps` are for psql; give pgbench `args`".into(),
            field: Some("steps"),
        });
    }
    if !request.steps.is_empty() && (!request.args.is_empty() || request.stdin.is_some()) {
        return Err(SubmitError::Invalid {
            message: "give either `steps` or `args`/`stdin`, not both".into(),
            field: Some("steps"),
        });
    }
    let words = request
        .args
        .iter()
        .chain(request.steps.iter().flat_map(|s| s.args.iter()));
    for w in words {
        if is_connection(w) {
            return Err(SubmitError::Invalid {
                message: format!(
                    "`{}`: connection options are refused; sqlrs connects the tool to the instance",
                    w.escape_default()
                ),
                field: Some("args"),
            });
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_options_in_any_spelling_are_refused() {
        for w in [
            "-h",
            "-hlocalhost",
            "--host=x",
            "-p5432",
            "--port",
            "-Uroot",
            "--dbname=x",
            "postgres://u@h/db",
            "host=/tmp",
        ] {
            assert!(is_connection(w), "{w}");
        }
        for w in [
            "-c",
            "select 1",
            "-f",
            "-",
            "-v",
            "x=1",
            "--echo-all",
            "-t",
            "-P",
            "pager=off",
        ] {
            assert!(!is_connection(w), "{w}");
        }
    }

    /// The fuzz target's property on seeded random bodies: decoding never panics.
    #[test]
    fn random_bodies_never_panic() {
        let pieces: [&[u8]; 12] = [
            b"{",
            b"}",
            b"\"prepare_kind\":",
            b"\"psql\"",
            b"\"lb\"",
            b",",
            b"\"psql_args\":",
            b"[\"-f\",\"-\"]",
            b"\"stdin\":\"x\"",
            b"\"work_dir\":\"rel\"",
            b"\"image_id\":\"i\"",
            b"\xff",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            let mut body = Vec::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.extend_from_slice(pieces[(seed % 12) as usize]);
            }
            let _ = decode_prepare(&body);
            let _ = decode_run(&body);
        }
    }
}
