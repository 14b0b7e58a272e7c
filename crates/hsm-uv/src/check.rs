//! `hsm check`'s resolvability test: `uv lock` on the planned `pyproject.toml`, in a scratch
//! copy of the project so nothing the user owns (`pyproject.toml`, `uv.lock`, `.venv`) is
//! touched. Every path source is made absolute first, or the copy would point at nothing.

use std::path::{Path, PathBuf};

use hsm_adapter::AdapterError;
use infra_process::{Cmd, Interrupt, Output, run};

fn scratch_error(name: &str, source: std::io::Error) -> AdapterError {
    AdapterError::Io {
        op: "write a scratch copy of",
        path: PathBuf::from(name),
        source,
    }
}

/// Locks `pyproject` (the planned text for the project at `root`) with `base` (a uv command
/// without arguments) in a temporary directory.
pub(crate) fn lock_in_scratch(
    base: &Cmd,
    root: &Path,
    pyproject: &str,
    interrupt: &Interrupt,
) -> Result<(), AdapterError> {
    let scratch = tempfile::tempdir().map_err(|e| scratch_error("pyproject.toml", e))?;
    let text =
        hsm_pyproject::absolutize_sources(pyproject, root).map_err(|e| AdapterError::File {
            path: PathBuf::from("pyproject.toml"),
            message: e.to_string(),
            hint: None,
        })?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(scratch.path().join(name), bytes).map_err(|e| scratch_error(name, e))
    };
    write("pyproject.toml", text.as_bytes())?;
    if let Ok(lock) = std::fs::read(root.join("uv.lock")) {
        write("uv.lock", &lock)?;
    }
    let cmd = base
        .clone()
        .current_dir(scratch.path())
        .args(["lock", "--quiet"]);
    run(&cmd, Output::Capture, interrupt)?;
    Ok(())
}
