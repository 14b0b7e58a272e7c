//! The scriptable fake external program (see `infra_testkit::fake`), built with
//! `--features fakes` for this crate's own tests.

fn main() -> std::process::ExitCode {
    infra_testkit::fake::main()
}
