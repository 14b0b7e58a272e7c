//! A plan over N repositories on two forges against the emulator (run by
//! `scripts/hyperforge/bench`): the time and requests of refresh + plan when nothing changed,
//! against a serial client that GETs every repository, and the peak RSS.
//!
//!     cargo run --release -p hyperforge-ops --example bench_plan -- EMULATOR_BIN [N]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use hyperforge_forge::{Dialect, Forge, NewRepo, RestForge, RetryPolicy};
use hyperforge_ops::{OrgForges, refresh};
use hyperforge_plan::{DesiredRepo, plan};

fn start(bin: &str, kind: &str) -> hyperforge_emulator::Running {
    hyperforge_emulator::Running::start(
        std::path::Path::new(bin),
        kind,
        &["alice:tok"],
        &["acme:alice"],
    )
    .unwrap()
}

fn rss_kb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap_or("?")
        .trim()
        .to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).map_or(1000, |s| s.parse().unwrap());
    let (a, b) = (start(&args[1], "github"), start(&args[1], "gitea"));
    let (gh, cb) = (a.api.clone(), b.api.clone());
    let retry = RetryPolicy::default();
    let ghc = RestForge::new(Dialect::GitHub, &gh, "tok", Duration::from_secs(30), retry).unwrap();
    let cbc = RestForge::new(Dialect::Gitea, &cb, "tok", Duration::from_secs(30), retry).unwrap();
    for i in 0..n {
        for f in [&ghc as &dyn Forge, &cbc] {
            f.create_repo(
                "acme",
                &NewRepo {
                    name: format!("repo-{i:04}"),
                    description: Some(format!("repo {i}")),
                    private: i % 3 == 0,
                },
            )
            .unwrap();
        }
    }
    let desired: Vec<DesiredRepo> = (0..n)
        .map(|i| DesiredRepo {
            name: format!("repo-{i:04}"),
            description: Some(format!("repo {i}")),
            private: i % 3 == 0,
            archived: false,
            protected: false,
            forges: ["github".to_string(), "codeberg".to_string()].into(),
            renamed_from: None,
        })
        .collect();
    let of = OrgForges {
        forges: [
            ("github".to_string(), &ghc as &dyn Forge),
            ("codeberg".to_string(), &cbc as &dyn Forge),
        ]
        .into(),
        owners: [
            ("github".to_string(), "acme".to_string()),
            ("codeberg".to_string(), "acme".to_string()),
        ]
        .into(),
    };
    let before = ghc.requests() + cbc.requests();
    let t = Instant::now();
    let observed = refresh(&of, &|_| {}).unwrap();
    let p = plan("acme", &desired, &BTreeSet::new(), &observed);
    let took = t.elapsed();
    let requests = ghc.requests() + cbc.requests() - before;
    assert!(p.is_empty(), "a no-op plan: {:?}", p.steps.first());
    // The per-repository way: one request per repository and forge, one after another (an
    // empty PATCH, which answers the repository as a GET would).
    let serial = Instant::now();
    let mut seen = BTreeMap::new();
    for d in &desired {
        for (name, f) in [("github", &ghc), ("codeberg", &cbc)] {
            let answer = f
                .update_repo("acme", &d.name, &hyperforge_forge::RepoPatch::default())
                .unwrap();
            seen.insert((name, d.name.clone()), answer);
        }
    }
    let serial_took = serial.elapsed();
    println!("repos={n} forges=2");
    println!(
        "refresh + plan (no-op): {:.0} ms, {requests} requests (list pages only)",
        took.as_secs_f64() * 1000.0
    );
    println!(
        "serial per-repo client: {:.0} ms, {} requests",
        serial_took.as_secs_f64() * 1000.0,
        seen.len()
    );
    println!(
        "ratio: {:.1}x faster",
        serial_took.as_secs_f64() / took.as_secs_f64()
    );
    println!("peak RSS of this process: {}", rss_kb());
    if let Some(cli) = args.get(3) {
        cli_figures(cli, &gh, &cb);
    }
    drop((a, b));
}

/// The same no-op plan through the real binary: `org import`, then `repos diff` three
/// times, each timed with its peak RSS (python's `getrusage` of the child: no unsafe code
/// and no `/usr/bin/time` needed).
fn cli_figures(cli: &str, gh: &str, cb: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        format!(
            "version: 1\nforges:\n  github:\n    kind: github\n    api_url: {gh}\n    token: env:BENCH_TOKEN\n  codeberg:\n    kind: gitea\n    api_url: {cb}\n    token: env:BENCH_TOKEN\norgs:\n  acme:\n    owner: acme\n    forges: [codeberg, github]\n    origin: github\n"
        ),
    )
    .unwrap();
    let measure = "import resource, subprocess, sys, time\n\
t = time.time()\n\
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n\
print(f'{(time.time() - t) * 1000:.0f} ms, peak RSS {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} kB, exit {r.returncode}')\n";
    for (label, args) in [
        ("hyperforge org import", &["org", "import", "acme"][..]),
        ("hyperforge repos diff (no-op)", &["repos", "diff", "acme"]),
        ("hyperforge repos diff (no-op)", &["repos", "diff", "acme"]),
        ("hyperforge repos diff (no-op)", &["repos", "diff", "acme"]),
    ] {
        let out = std::process::Command::new("python3")
            .args(["-c", measure, cli, "--config-dir"])
            .arg(dir.path())
            .args(args)
            .env("BENCH_TOKEN", "tok")
            .output()
            .unwrap();
        println!("{label}: {}", String::from_utf8_lossy(&out.stdout).trim());
    }
}
