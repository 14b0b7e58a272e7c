//! Checks every runtime must pass, run by each runtime's test file against a started
//! server: connection counting and the client tools.

use std::time::{Duration, Instant};

use infra_process::Interrupt;
use sqlrs_runtime::{Runtime, Tool, ToolIo, ToolRun};

pub fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn capture(rt: &dyn Runtime, port: u16, tool: Tool, args: &[&str], stdin: &[u8]) -> ToolRun {
    let stdin = (!stdin.is_empty()).then(|| stdin.to_vec());
    rt.run_tool(
        port,
        tool,
        &strings(args),
        ToolIo::Capture { stdin },
        &Interrupt::none(),
    )
    .unwrap()
}

/// A client sleeping in `pg_sleep` is counted while it is connected, and only it.
pub fn a_sleeping_client_is_counted(rt: &dyn Runtime, port: u16) {
    let none = Interrupt::none();
    assert_eq!(rt.connections(port, &none).unwrap(), 0);
    std::thread::scope(|s| {
        let sleeper = s.spawn(|| {
            capture(
                rt,
                port,
                Tool::Psql,
                &["-X", "-c", "select pg_sleep(3)"],
                b"",
            )
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while rt.connections(port, &none).unwrap() == 0 {
            assert!(
                Instant::now() < deadline,
                "the sleeping client was never counted"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(rt.connections(port, &none).unwrap(), 1);
        assert_eq!(sleeper.join().unwrap().code, Some(0));
    });
    assert_eq!(rt.connections(port, &none).unwrap(), 0);
}

/// pgbench initialises and runs; a failing psql script gives psql's own exit code and
/// words; an inherited-stdio run works.
pub fn client_tools_run(rt: &dyn Runtime, port: u16) {
    let init = timed("pgbench -i", || {
        capture(rt, port, Tool::Pgbench, &["-i", "-q"], b"")
    });
    assert_eq!(init.code, Some(0), "{init:?}");
    let run = timed("pgbench -t 10 -c 2", || {
        capture(rt, port, Tool::Pgbench, &["-t", "10", "-c", "2"], b"")
    });
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("number of transactions actually processed: 20/20"),
        "{}",
        run.stdout
    );
    let script = b"select count(*) from pgbench_branches;\nselect nosuch;\n";
    let failed = capture(
        rt,
        port,
        Tool::Psql,
        &["-X", "-v", "ON_ERROR_STOP=1"],
        script,
    );
    assert_eq!(failed.code, Some(3), "the tool's own exit code: {failed:?}");
    assert!(failed.stderr.contains("nosuch"), "{failed:?}");
    let inherited = rt
        .run_tool(
            port,
            Tool::Psql,
            &strings(&["-X", "-q", "-o", "/dev/null", "-c", "select 1"]),
            ToolIo::Inherit,
            &Interrupt::none(),
        )
        .unwrap();
    assert_eq!(inherited.code, Some(0), "{inherited:?}");
}

pub fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    eprintln!("{what}: {:?}", started.elapsed());
    out
}
