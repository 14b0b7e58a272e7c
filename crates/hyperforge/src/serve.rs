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

/// The largest token file read, in bytes.
const MAX_TOKEN_FILE: u64 = 4096;

/// Refuses a token file anyone but the current user could read or replace, as ssh refuses
/// such a private key: a symbolic link (even a dangling one), something that is not a
/// regular file, a file another user owns, one open to the group or others, an oversized
/// one. `meta` is the link's own metadata (`symlink_metadata`).
fn check_token_file(path: &Path, meta: &std::fs::Metadata) -> Result<(), CliError> {
    use std::os::unix::fs::MetadataExt as _;
    let shown = path.display();
    let refuse = |why: String| CliError::validation(format!("token file `{shown}` {why}"));
    if meta.file_type().is_symlink() {
        return Err(refuse("is a symbolic link: expected a regular file".into())
            .hint("name the file the link points to, or remove the link and a new token is made"));
    }
    if !meta.is_file() {
        return Err(refuse("is not a regular file".into()));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(refuse(format!(
            "is owned by another user (uid {}): expected a file of uid {me}",
            meta.uid()
        ))
        .hint("use a token file you own, or remove it and a new token is made"));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(refuse(format!(
            "is open to other users (mode {:03o}): expected no group or other permissions",
            meta.mode() & 0o777
        ))
        .hint(format!("run `chmod 600 {shown}`")));
    }
    if meta.len() > MAX_TOKEN_FILE {
        return Err(refuse(format!(
            "is too large ({} bytes): a token file holds at most {MAX_TOKEN_FILE} bytes",
            meta.len()
        )));
    }
    Ok(())
}

/// The token in `path`, or a new random one written there (0600, in directories made
/// 0700) when there is none.
fn token(path: &Path) -> Result<(Secret, bool), CliError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            check_token_file(path, &meta)?;
            let bytes =
                infra_fs::read_regular_file(path, MAX_TOKEN_FILE, "a token file").map_err(|e| {
                    CliError::validation(format!(
                        "cannot read token file `{}`: {e}",
                        path.display()
                    ))
                })?;
            let t = Secret::new(String::from_utf8_lossy(&bytes).trim().to_string());
            if t.expose().len() < 16 {
                return Err(CliError::validation(format!(
                    "{}: the token is shorter than 16 characters",
                    path.display()
                ))
                .hint("remove the file and a new token is made"));
            }
            Ok((t, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((made(path)?, true)),
        Err(e) => Err(CliError::validation(format!(
            "cannot examine token file `{}`: {e}",
            path.display()
        ))),
    }
}

/// A new random token written to `path` (0600); the directories made for it are 0700.
fn made(path: &Path) -> Result<Secret, CliError> {
    use std::os::unix::fs::DirBuilderExt as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", dir.display())))?;
    }
    let mut raw = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut raw))
        .map_err(|e| CliError::failure(format!("cannot read /dev/urandom: {e}")))?;
    let t: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    infra_fs::write_atomic(path, format!("{t}\n").as_bytes(), Some(0o600))
        .map_err(|e| CliError::new(ErrorKind::Failure, e))?;
    Ok(Secret::new(t))
}

/// Runs the daemon until SIGTERM or SIGINT.
pub fn run(a: &ServeArgs, settings: &Settings, p: &Printer) -> Result<u8, CliError> {
    let listen: SocketAddr = a.listen.parse().map_err(|_| {
        CliError::usage(format!(
            "--listen `{}` is not an address: expected IP:PORT, e.g. 127.0.0.1:7654",
            a.listen.escape_default()
        ))
    })?;
    // Checked before anything is written: a refused address leaves no token file behind.
    if !listen.ip().is_loopback() {
        return Err(CliError::usage(format!(
            "--listen `{listen}` is not a loopback address: the hub serves only on 127.0.0.1 or ::1"
        ))
        .hint("use 127.0.0.1 or ::1 (the hub can change every repository of every org)"));
    }
    let token_file = a
        .token_file
        .clone()
        .unwrap_or_else(|| settings.config_dir.join("hub.token"));
    let (token, made) = token(&token_file)?;
    // The config must load now: a broken file is reported before the daemon starts.
    settings.hub()?;
    // One interrupt for every request's hub: the first signal stops an apply in flight at
    // its next step boundary (the step log keeps it resumable).
    let interrupt = infra_process::Interrupt::none();
    let mut for_requests = settings.clone();
    for_requests.interrupt = interrupt.clone();
    let factory: hyperforge_hub::HubFactory = Arc::new(move || for_requests.hub_ops());
    let printer = *p;
    let on_signal = move |signal| {
        interrupt.trigger(signal);
        crate::stopping::say_stopping(&printer);
    };
    hyperforge_hub::serve(
        factory,
        listen,
        token,
        |addr| {
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
        },
        on_signal,
    )
    .map_err(|e| {
        let kind = match e {
            hyperforge_hub::HubError::NotLoopback(_) => ErrorKind::Usage,
            _ => ErrorKind::Failure,
        };
        CliError::new(kind, e)
    })?;
    Ok(0)
}
