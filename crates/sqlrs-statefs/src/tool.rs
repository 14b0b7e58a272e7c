//! Running the filesystem tools (`btrfs`, `mount`) the btrfs and overlay backends drive.
//!
//! Their work is one ioctl or one `mount(2)` each, but the workspace denies `unsafe` code and
//! an ioctl needs it. The tool costs little: measured on a btrfs loop device, the snapshot
//! ioctl alone takes 2–7 ms and `btrfs subvolume snapshot` 6–16 ms, noise beside starting
//! PostgreSQL (and `mount` lets an overlay name its layers relative to a working directory,
//! see the overlay's `mount` module). The tool's failure, with the last lines it printed,
//! stays in the error's source chain.

use std::io;
use std::path::Path;

use infra_process::{Cmd, Interrupt, Output, ProcessError};

use crate::StateFsError;
use crate::error::ToolError;

/// Runs `cmd` to completion; a failure is "failed to `op` `path`", caused by the tool's error.
pub(crate) fn run(cmd: Cmd, op: &'static str, path: &Path) -> Result<(), StateFsError> {
    // Each call is short and leaves nothing half-done for an interrupt to roll back.
    match infra_process::run(&cmd.stdin_null(), Output::Capture, &Interrupt::none()) {
        Ok(_) => Ok(()),
        Err(e) => {
            let kind = match e {
                ProcessError::NotFound { .. } => io::ErrorKind::NotFound,
                _ => io::ErrorKind::Other,
            };
            Err(StateFsError::new(
                op,
                path,
                io::Error::new(kind, ToolError(e)),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::*;

    #[test]
    fn a_failing_tool_names_the_operation_and_keeps_its_output() {
        let cmd = Cmd::new("sh").args(["-c", "echo 'ERROR: no such subvolume' >&2; exit 3"]);
        let e = run(cmd, "remove", Path::new("/x")).unwrap_err();
        assert_eq!(e.to_string(), "failed to remove `/x`");
        let tool = e
            .source()
            .and_then(Error::source)
            .and_then(|s| s.downcast_ref::<ProcessError>())
            .unwrap();
        assert!(
            matches!(tool, ProcessError::Failed { output_tail, .. } if output_tail.contains("no such subvolume"))
        );
    }

    #[test]
    fn a_missing_tool_is_not_found() {
        let e = run(Cmd::new("sqlrs-no-such-tool"), "snapshot", Path::new("/x")).unwrap_err();
        assert_eq!(e.source.kind(), io::ErrorKind::NotFound);
        assert!(e.source.to_string().contains("not found on PATH"), "{e:?}");
    }
}
