//! Gates, servers that stop when dropped, fixtures and a database's contents.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use infra_process::{Cmd, Interrupt, Output};
use sqlrs_liquibase::{LbArgs, Liquibase, Target, parse_liquibase};
use sqlrs_runtime::{NativeRuntime, RunAs};

/// The located Liquibase, or `None` when its tests are skipped.
pub fn liquibase() -> Option<Liquibase> {
    let exec = infra_testkit::require_tool_with_hint(
        "liquibase",
        "SQLRS_TEST_LIQUIBASE",
        "run `scripts/sqlrs/install-liquibase --bin /usr/local/bin` (Liquibase 4.28 from npm, needs Java 17)",
    )?;
    Some(Liquibase::locate(Some(&exec), None, &Interrupt::none()).unwrap())
}

/// Liquibase and a PostgreSQL runtime, or `None` when these tests are skipped.
pub fn tools() -> Option<(Liquibase, NativeRuntime)> {
    let lb = liquibase()?;
    infra_testkit::require_tool_with_hint(
        "initdb",
        "SQLRS_TEST_PG",
        "run ./scripts/setup (installs PostgreSQL)",
    )?;
    let rt = NativeRuntime::detect(RunAs::for_current_process("sqlrs").unwrap()).unwrap();
    Some((lb, rt))
}

/// A fresh cluster, running on loopback until dropped.
pub struct Server {
    rt: NativeRuntime,
    data: PathBuf,
    pub target: Target,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn fresh(rt: &NativeRuntime) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // The server's user must reach its directory.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let data = dir.path().join("data");
        let none = Interrupt::none();
        rt.init_base(&data, &none).unwrap();
        let port = NativeRuntime::free_port().unwrap();
        rt.start(&data, port, &none).unwrap();
        Self {
            rt: rt.clone(),
            data,
            target: Target::loopback(port),
            _dir: dir,
        }
    }

    /// `query`'s rows, unaligned (`|` between columns).
    pub fn query(&self, query: &str) -> String {
        let options = ["-X", "-tA", "-v", "ON_ERROR_STOP=1"].map(String::from);
        self.rt
            .psql(
                self.target.port,
                &options,
                query.as_bytes(),
                &Interrupt::none(),
            )
            .unwrap()
            .stdout
    }

    /// What a test compares between two databases: every table's rows (in key order) and
    /// Liquibase's tracking tables without their per-run columns (time, deployment id).
    pub fn contents(&self, tables: &[&str]) -> String {
        let mut out = String::new();
        for t in tables {
            out.push_str(&format!("-- {t}\n"));
            out.push_str(&self.query(&format!("select * from {t} order by 1;")));
        }
        out.push_str("-- databasechangelog\n");
        out.push_str(&self.query(
            "select id, author, filename, orderexecuted, exectype, md5sum, description, comments, tag, liquibase, contexts, labels \
             from databasechangelog order by orderexecuted;",
        ));
        out.push_str("-- databasechangeloglock\n");
        out.push_str(&self.query("select * from databasechangeloglock;"));
        out.push_str("-- relations\n");
        out.push_str(&self.query(
            "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace \
             where nspname = 'public' order by 1;",
        ));
        out
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.rt.stop(&self.data, &Interrupt::none());
    }
}

/// An example directory under `examples/sqlrs/liquibase`.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/sqlrs/liquibase")
        .join(name)
}

/// A scratch copy of an example, to edit.
pub fn copy_example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example(name), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// `update --search-path=<dir> --changelog-file=<changelog>`, normalised.
pub fn update_args(dir: &Path, changelog: &str) -> LbArgs {
    let args = [
        "update".to_string(),
        format!("--search-path={}", dir.display()),
        format!("--changelog-file={changelog}"),
    ];
    parse_liquibase(&args, dir).unwrap()
}

/// Runs Liquibase `command` (e.g. `update`, `status --verbose`) itself, as a user would.
pub fn run_liquibase(lb: &Liquibase, args: &LbArgs, target: &Target, command: &[&str]) -> String {
    let cmd = Cmd::new(lb.exec())
        .env("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .stdin_null()
        .args(["--show-banner=false", "--defaults-file=/dev/null"])
        .args(args.global_options())
        .args(command)
        .arg(format!("--url={}", target.jdbc_url()))
        .arg("--username=sqlrs")
        .args(args.command_options());
    infra_process::run(&cmd, Output::Capture, &Interrupt::none())
        .unwrap()
        .stdout
}

/// `f`'s result and how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let t = f();
    (t, start.elapsed())
}
