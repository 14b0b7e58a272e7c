//! Argument normalisation on the examples: what a user would type.

use sqlrs_liquibase::{LbCommand, parse_liquibase};

use crate::support::example;

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[test]
fn the_examples_command_lines_normalise_and_connections_are_refused() {
    let work = example("..");
    let a = parse_liquibase(
        &words("update --search-path=liquibase/yaml --changelog-file=changelog.yaml"),
        &work,
    )
    .unwrap();
    assert_eq!(a.command, LbCommand::Update);
    assert!(a.search_path[0].ends_with("examples/sqlrs/liquibase/yaml"));
    assert!(a.search_path[0].is_absolute());
    for (line, index) in [
        (
            "update --search-path=liquibase/yaml --changelog-file=changelog.yaml --url=jdbc:postgresql://db/x",
            3,
        ),
        (
            "update --username=sa --search-path=liquibase/yaml --changelog-file=changelog.yaml",
            1,
        ),
        ("--defaults-file=liquibase.properties update", 0),
    ] {
        let e = parse_liquibase(&words(line), &work).unwrap_err();
        assert_eq!(e.index, Some(index), "{line}: {}", e.message);
        assert!(e.message.contains("is not accepted"), "{}", e.message);
    }
}
