//! Locating Liquibase: by its configured path, on `PATH`, and its version.

use infra_process::Interrupt;
use sqlrs_liquibase::Liquibase;

use crate::support;

#[test]
fn the_installed_liquibase_is_found_and_reports_its_version() {
    let Some(lb) = support::liquibase() else {
        return;
    };
    assert!(lb.version().starts_with("4."), "{}", lb.version());
    let dir = lb.exec().parent().unwrap();
    let (on_path, took) =
        support::timed(|| Liquibase::locate(None, Some(dir.as_os_str()), &Interrupt::none()));
    let on_path = on_path.unwrap();
    assert_eq!(on_path.version(), lb.version());
    assert_eq!(on_path.exec(), lb.exec());
    eprintln!("liquibase --version took {took:?}");
}
