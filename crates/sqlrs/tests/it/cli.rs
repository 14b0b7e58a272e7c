//! The command line without PostgreSQL: usage errors name what is wrong and exit 2.

use crate::common::Env;

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    let env = Env::new();
    let t = env.run(&[]);
    t.failure(2);
    let t = env.run(&["frobnicate"]);
    assert!(t.failure(2).contains("frobnicate"), "{}", t.render());
    let t = env.run(&["--output", "xml", "status"]);
    assert!(t.failure(2).contains("xml"), "{}", t.render());
    let t = env.run(&["run:psql", "-c", "select 1"]);
    assert!(t.failure(2).contains("--instance"), "{}", t.render());
    let t = env.run(&["rm", "xyz"]);
    assert!(t.failure(2).contains("8 hex"), "{}", t.render());
    let t = env.run(&["--json", "frobnicate"]);
    t.failure(2);
    assert_eq!(t.json()["error"]["kind"], "usage", "{}", t.render());
}
