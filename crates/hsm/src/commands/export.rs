//! `export kubernetes`: the stack as manifests in a directory.

use infra_cli::CliError;

use super::Ctx;
use crate::cli::KubernetesArgs;

pub fn kubernetes(ctx: &Ctx<'_>, args: &KubernetesArgs) -> Result<(), CliError> {
    let opts = hsm_ops::export::ExportOptions {
        out: args.output.clone(),
        namespace: args.namespace.clone(),
    };
    let report = hsm_ops::export::kubernetes(&ctx.ops(), &opts)?;
    for n in &report.notes {
        ctx.printer.status(&format!("  note: {n}"));
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&report);
        return Ok(());
    }
    let mut text = String::new();
    for f in &report.files {
        text.push_str(&format!("{}/{f}\n", report.directory.trim_end_matches('/')));
    }
    ctx.printer.data(&text);
    if !report.secret_keys.is_empty() {
        ctx.printer.status(&format!(
            "  note: create the Secret `{}` with {} (`secret.example.yaml` lists them)",
            report.secret,
            infra_cli::count(report.secret_keys.len(), "key", "keys")
        ));
    }
    ctx.printer.success(&format!(
        "Exported {} to `{}`",
        infra_cli::count(report.files.len(), "file", "files"),
        report.directory
    ));
    Ok(())
}
