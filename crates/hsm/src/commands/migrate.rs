//! `migrate`: the original hsm's files in hsm's vocabulary.

use hsm_ops::migrate::MigrateOptions;
use infra_cli::CliError;

use super::Ctx;
use crate::cli::MigrateArgs;

pub fn migrate(ctx: &Ctx<'_>, args: &MigrateArgs) -> Result<(), CliError> {
    let opts = MigrateOptions {
        dry_run: args.dry_run,
    };
    let outcome = hsm_ops::migrate::migrate(&ctx.ops(), opts)?;
    let p = ctx.printer;
    if p.is_json() {
        p.json(&outcome.report());
        return Ok(());
    }
    if outcome.plan.is_noop() {
        let what = if outcome.from.is_some() {
            "the project and its registry"
        } else {
            "the registry"
        };
        p.success(&format!(
            "Nothing to change: {what} are in hsm's vocabulary"
        ));
        return Ok(());
    }
    p.data(&infra_plan::render_text(&outcome.plan));
    for n in &outcome.notes {
        p.status(&format!("  note: {}", n.describe()));
    }
    let from = match outcome.from {
        Some("0.2") => "the original's 0.2 vocabulary",
        Some("0.3/0.4") => "the original's 0.3/0.4 vocabulary",
        _ => "the original's vocabulary",
    };
    let files = infra_cli::count(outcome.plan.changed().count(), "file", "files");
    if outcome.applied && !outcome.unset.is_empty() {
        for u in &outcome.unset {
            p.warn(u);
        }
        p.success(&format!(
            "Migrated {files} from {from}; set the variables above before `hsm check` and `hsm sync`"
        ));
    } else if outcome.applied {
        p.success(&format!(
            "Migrated {files} from {from}; `hsm check --offline` passes. Run `hsm sync` to apply"
        ));
    } else {
        p.success(&format!(
            "Would migrate {files} from {from} (dry run: nothing written; the result is loaded back when it is applied)"
        ));
    }
    Ok(())
}
