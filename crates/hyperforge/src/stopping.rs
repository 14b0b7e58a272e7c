//! SIGINT and SIGTERM during an apply: the first is said out loud and stops the apply at
//! the next step boundary (the step log keeps it resumable, the command exits 130/143);
//! a second one exits at once. Outside an apply a signal ends the command at once, as any
//! program's would.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyperforge_ops::{Ctx, Hub, OpsError};
use infra_cli::{CliError, Printer};
use infra_process::Interrupt;

use crate::errors::OrCli as _;

/// What the first signal during an apply prints.
pub const STOPPING: &str = "stopping after the current step (signal again to exit now)";

/// The `{"type": "stopping"}` line `--json` prints instead of the warning.
#[derive(serde::Serialize)]
struct StoppingLine {
    r#type: &'static str,
    message: &'static str,
}

/// Says that the first signal was seen: a warning on stderr, or with `--json` an NDJSON
/// line of its own.
pub fn say_stopping(p: &Printer) {
    if p.is_json() {
        p.json_line(&StoppingLine {
            r#type: "stopping",
            message: STOPPING,
        });
    } else {
        p.warn(STOPPING);
    }
}

/// `hub` with the process's signal handlers installed (once) as its interrupt.
pub fn interruptible(mut hub: Hub) -> Result<Hub, CliError> {
    static INSTALLED: OnceLock<Interrupt> = OnceLock::new();
    let interrupt = match INSTALLED.get() {
        Some(i) => i.clone(),
        None => {
            let i = Interrupt::install()
                .map_err(|e| CliError::failure(format!("cannot watch for signals: {e}")))?;
            INSTALLED.get_or_init(|| i).clone()
        }
    };
    hub.interrupt = interrupt;
    Ok(hub)
}

/// Runs `apply` with signals deferred until the first one arrives: that one is reported on
/// stderr and left for the apply to see between steps; from then on (and after `apply`)
/// a signal ends the process at once.
pub fn drained<T>(
    ctx: &Ctx<'_>,
    p: &Printer,
    apply: impl FnOnce() -> Result<T, OpsError>,
) -> Result<T, CliError> {
    let Some(interrupt) = ctx.interrupt else {
        return apply().cli();
    };
    let done = &AtomicBool::new(false);
    std::thread::scope(|s| {
        let guard = interrupt.defer();
        s.spawn(move || {
            let _guard = guard;
            while !done.load(Ordering::SeqCst) {
                if interrupt.is_set() {
                    say_stopping(p);
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // The apply may see the signal at a step boundary and end before this thread
            // wakes up: the signal is still said.
            if interrupt.is_set() {
                say_stopping(p);
            }
        });
        let out = apply();
        done.store(true, Ordering::SeqCst);
        out.cli()
    })
}
