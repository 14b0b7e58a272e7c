//! Planning a Liquibase prepare: one state per pending changeset.
//!
//! The changesets are found by one `update-sql` against a scratch server on the build's
//! base (one JVM start), so the plan lists every changeset of the changelog in order.
//! Each step's state id chains from the previous one with the changeset's task hash
//! (`sqlrs_liquibase::lb_task_hash`: its identity, its rendered SQL, the Liquibase
//! version, the options that change behaviour), so a changed changeset rebuilds from
//! there and everything before it is a cache hit.

use std::path::Path;
use std::sync::PoisonError;

use sqlrs_hash::{InputRef, chain};
use sqlrs_liquibase::{Liquibase, Target, lb_task_hash, parse_liquibase};
use sqlrs_runtime::{NativeRuntime, Owner};
use sqlrs_schema::PrepareKind;

use crate::preparer::{create_parent, schema_id, version_dir};
use crate::{LbContext, PlannedStep, PrepareError, Preparer, PsqlPlan};

impl Preparer<'_> {
    /// Plans Liquibase's `args` (paths from `work_dir`) with `liquibase`.
    pub fn plan_lb(
        &self,
        liquibase: &Liquibase,
        args: &[String],
        work_dir: &Path,
    ) -> Result<PsqlPlan, PrepareError> {
        let lb_args = parse_liquibase(args, work_dir)?;
        let base = self.base_id()?;
        let rendered = self.render(liquibase, &lb_args, &base)?;
        let options = lb_args.semantic_options();
        let mut input = InputRef::Base(base.clone());
        let mut steps = Vec::new();
        for cs in rendered.changesets {
            let task = lb_task_hash(
                &cs,
                &rendered.liquibase_version,
                &options,
                &rendered.content,
            );
            let id = chain(&input, &task);
            let cached = self.store.state(&schema_id(&id))?.is_some();
            steps.push(PlannedStep {
                input: input.clone(),
                task_hash: task.to_hex(),
                state_id: id,
                cached,
                content: cs.sql.clone().into_bytes(),
                summary: format!("{}::{}::{}", cs.id, cs.author, cs.path),
                expanded: None,
                changeset: Some(cs),
            });
            input = InputRef::State(id);
        }
        let mut normalized = vec![format!("liquibase {}", rendered.liquibase_version)];
        normalized.extend(lb_args.global_options());
        normalized.extend(lb_args.command_options());
        Ok(PsqlPlan {
            kind: PrepareKind::Lb,
            lb: Some(LbContext {
                liquibase: liquibase.clone(),
                args: lb_args,
                content: rendered.content,
            }),
            base,
            options: Vec::new(),
            steps,
            args_normalized: normalized.join(" "),
        })
    }

    /// `update-sql` on a scratch server cloned from the base.
    fn render(
        &self,
        liquibase: &Liquibase,
        args: &sqlrs_liquibase::LbArgs,
        base: &str,
    ) -> Result<sqlrs_liquibase::Plan, PrepareError> {
        let base_dir = {
            let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.ensure_base(&version_dir(base))?
        };
        let job = crate::ids::job_id()?;
        let scratch = self.layout.job_runtime(job.as_str());
        create_parent(&scratch)?;
        self.backend.clone_tree(&base_dir, &scratch)?;
        let result = (|| {
            let port = NativeRuntime::free_port()?;
            let owner = Owner::Job(job.to_string());
            self.runtime.start(&scratch, port, &owner, self.interrupt)?;
            self.observer.log("liquibase: update-sql (planning)");
            let planned = sqlrs_liquibase::plan(
                liquibase,
                args,
                &Target::loopback(port).with_password(self.runtime.password()),
                self.interrupt,
            );
            let _ = self
                .runtime
                .stop(&scratch, &infra_process::Interrupt::none());
            Ok(planned?)
        })();
        let _ = self.backend.remove(&scratch);
        if let Some(dir) = scratch.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        result
    }
}
