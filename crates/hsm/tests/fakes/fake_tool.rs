//! A scriptable stand-in for uv (and other tools) in hsm's fault tests: see
//! `infra_testkit::fake`. Built only with the `test-fakes` feature.

fn main() -> std::process::ExitCode {
    infra_testkit::fake::main()
}
