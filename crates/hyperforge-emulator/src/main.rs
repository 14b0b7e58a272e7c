//! `forge-emulator`: parse the few fixed flags by hand (only a product's main binary uses
//! clap), serve, and exit 0 on SIGTERM; 2 on bad flags, 1 when it cannot start.

use std::io::Write as _;
use std::process::ExitCode;

use hyperforge_emulator::{Config, EmulatorError, run};

fn main() -> ExitCode {
    let config = match Config::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => return fail(&e, 2),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return fail(
                &EmulatorError::Usage(format!("cannot start the runtime: {e}")),
                1,
            );
        }
    };
    let announce = |line: &str| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    match runtime.block_on(run(&config, announce)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, 1),
    }
}

fn fail(error: &EmulatorError, code: u8) -> ExitCode {
    let mut text = format!("error: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text.push_str(&format!("\n  Caused by: {s}"));
        source = s.source();
    }
    let _ = writeln!(std::io::stderr(), "{text}");
    ExitCode::from(code)
}
