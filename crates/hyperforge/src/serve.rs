//! `hyperforge serve`: the hub daemon (`hyperforge-hub`) — the same operations as the
//! commands, over JSON-RPC on loopback, with a bearer token kept in a 0600 file.

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use hyperforge_ops::Secret;
use infra_cli::{CliError, ErrorKind, Printer};

use crate::cli::ServeArgs;
use crate::settings::Settings;

/// The token in `path`, or a new random one written there (0600) when there is none.
fn token(path: &Path) -> Result<(Secret, bool), CliError> {
    if let Ok(bytes) = infra_fs::read_regular_file(path, 4096, "a token file") {
        let t = Secret::new(String::from_utf8_lossy(&bytes).trim().to_string());
        if t.expose().len() < 16 {
            return Err(CliError::validation(format!(
                "{}: the token is shorter than 16 characters",
                path.display()
            ))
            .hint("remove the file and a new token is made"));
        }
        return Ok((t, false));
    }
    if path.exists() {
        return Err(CliError::validation(format!(
            "{} is not a readable regular file",
            path.display()
        )));
    }
    let mut raw = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut raw))
        .map_err(|e| CliError::failure(format!("cannot read /dev/urandom: {e}")))?;
    let t: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    infra_fs::write_atomic(path, format!("{t}\n").as_bytes(), Some(0o600))
        .map_err(|e| CliError::new(ErrorKind::Failure, e))?;
    Ok((Secret::new(t), true))
}

/// Runs the daemon until SIGTERM or SIGINT.
pub fn run(a: &ServeArgs, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let listen: SocketAddr = a.listen.parse().map_err(|_| {
        CliError::usage(format!(
            "--listen `{}` is not an address: expected IP:PORT, e.g. 127.0.0.1:7654",
            a.listen.escape_default()
        ))
    })?;
    let token_file = a
        .token_file
        .clone()
        .unwrap_or_else(|| settings.config_dir.join("hub.token"));
    let (token, made) = token(&token_file)?;
    // The config must load now: a broken file is reported before the daemon starts.
    settings.hub()?;
    let for_requests = settings.clone();
    let factory: hyperforge_hub::HubFactory = Arc::new(move || for_requests.hub_ops());
    let printer = *p;
    hyperforge_hub::serve(factory, listen, token, |addr| {
        if printer.is_json() {
            printer.json_line(&serde_json::json!({
                "type": "listening",
                "url": format!("http://{addr}"),
                "token_file": token_file,
            }));
        } else {
            printer.data(&format!("listening on http://{addr}"));
        }
        printer.status(&format!(
            "  token {}: {} (send `Authorization: Bearer <token>`; JSON-RPC 2.0 at POST /rpc)",
            if made { "made in" } else { "from" },
            token_file.display()
        ));
    })
    .map_err(|e| {
        let hint = matches!(e, hyperforge_hub::HubError::NotLoopback(_))
            .then(|| "the hub serves loopback only: use 127.0.0.1 or ::1".to_string());
        CliError::new(ErrorKind::Failure, e).maybe_hint(hint)
    })?;
    Ok(0)
}
