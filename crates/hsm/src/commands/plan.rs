//! `hsm plan`.

use crate::context::Ctx;
use crate::error::CliError;

pub fn run(ctx: &Ctx) -> Result<(), CliError> {
    let loaded = ctx.load()?;
    let adapter = ctx.adapter(&loaded)?;
    let plan = ctx.plan(&loaded, adapter.as_ref())?;
    let rendered = plan.to_plan(super::sync::install_step(&plan, false));
    if ctx.printer.json {
        let mut v = infra_plan::render_json(&rendered);
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "auto".into(),
                serde_json::json!(
                    plan.stack
                        .auto
                        .iter()
                        .map(|a| serde_json::json!({"what": a.what, "via": a.via.chain}))
                        .collect::<Vec<_>>()
                ),
            );
        }
        ctx.printer.json(&v);
    } else {
        super::sync::report_auto(ctx, &plan);
        ctx.printer.out(&infra_plan::render_text(&rendered));
    }
    Ok(())
}
