//! Commands that edit `hsm.yaml`: `mode`, `package|container add|remove`, `group
//! select|unselect`, `profile`. Edits keep the user's comments and key order (`hsm-edit`),
//! are checked against the registry before anything is written, and are written atomically.

use std::path::PathBuf;

use hsm_edit::{GroupSection, ManifestEditor, Section};
use hsm_registry::Kind;
use hsm_resolve::ProjectFile;
use hsm_schema::{Mode, Strategy};
use infra_yaml::did_you_mean;
use serde_json::json;

use crate::cli::{ComponentCmd, GroupCmd, ModeArg, ModeArgs, ProfileArgs};
use crate::context::Ctx;
use crate::error::CliError;

fn mode_of(m: ModeArg) -> Mode {
    match m {
        ModeArg::Dev => Mode::Dev,
        ModeArg::Prod => Mode::Prod,
    }
}

fn edit_err(e: hsm_edit::EditError) -> CliError {
    CliError::invalid(format!("cannot edit hsm.yaml: {e}"))
}

struct Session {
    root: PathBuf,
    text: String,
    editor: ManifestEditor,
    loaded: hsm_sync::Loaded,
}

impl Session {
    fn open(ctx: &Ctx) -> Result<Self, CliError> {
        let loaded = ctx.load()?;
        let root = loaded.project.root.clone();
        let text = loaded.project.text.clone();
        let editor = ManifestEditor::parse(&text).map_err(edit_err)?;
        Ok(Self {
            root,
            text,
            editor,
            loaded,
        })
    }

    /// Validates the edited manifest against the registry and writes it. Returns what the
    /// implications now add automatically.
    fn save(self, ctx: &Ctx, changed: bool, what: &str) -> Result<(), CliError> {
        if !changed {
            if ctx.printer.json {
                ctx.printer
                    .json(&json!({"changed": false, "message": what}));
            } else {
                ctx.printer
                    .success(&format!("Nothing to change: {what} already"));
            }
            return Ok(());
        }
        let new_text = self.editor.to_string();
        let edited = ProjectFile::parse(&self.root, new_text.clone()).map_err(CliError::from)?;
        let mut auto = Vec::new();
        match hsm_resolve::resolve(&edited, &self.loaded.registry) {
            Ok(stack) => {
                auto = stack
                    .auto
                    .iter()
                    .map(|a| format!("{} (by {})", a.what, a.via))
                    .collect()
            }
            // Refuse an edit that breaks a valid manifest; one that was already broken may
            // still be edited (to fix it). The old manifest is only resolved in this case.
            Err(problems)
                if hsm_resolve::resolve(&self.loaded.project, &self.loaded.registry).is_ok() =>
            {
                let mut e = CliError::problems(problems);
                e.message = "the edit would make hsm.yaml invalid; nothing was written".into();
                return Err(e);
            }
            Err(_) => ctx
                .printer
                .warn("hsm.yaml still has problems; run `hsm check`"),
        }
        if new_text != self.text {
            infra_fs::write_atomic(&self.root.join("hsm.yaml"), new_text.as_bytes(), None)
                .map_err(|e| CliError::failure(e.to_string()))?;
        }
        if ctx.printer.json {
            ctx.printer
                .json(&json!({"changed": true, "message": what, "implied": auto}));
        } else {
            ctx.printer
                .success(&format!("{what}. Run `hsm sync` to apply"));
            for a in auto {
                ctx.printer.status(&format!("  implied: {a}"));
            }
        }
        Ok(())
    }

    /// Writes `# comment` on its own line above the key at `key` (block style only), so a
    /// group added from the registry carries its description into hsm.yaml.
    fn comment_above(&mut self, key: &str, name: &str, comment: &str) -> Result<(), CliError> {
        let text = self.editor.to_string();
        let Some(loc) = infra_yaml::PathIndex::build(&text).locate(key) else {
            return Ok(());
        };
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let Some(i) = usize::try_from(loc.line)
            .ok()
            .and_then(|l| l.checked_sub(1))
        else {
            return Ok(());
        };
        let Some(line) = lines.get(i) else {
            return Ok(());
        };
        let trimmed = line.trim_start();
        if !trimmed.starts_with(&format!("{name}:")) {
            return Ok(());
        }
        let indent = &line[..line.len() - trimmed.len()];
        let one_line: String = comment.lines().next().unwrap_or("").trim().to_string();
        lines.insert(i, format!("{indent}# {one_line}\n"));
        self.editor = ManifestEditor::parse(&lines.concat()).map_err(edit_err)?;
        Ok(())
    }

    fn manifest(&self) -> &hsm_schema::Manifest {
        &self.loaded.project.manifest
    }

    fn unknown(&self, kind: Kind, name: &str) -> CliError {
        let hint = self.loaded.registry.suggest(kind, name).map_or_else(
            || format!("add it with `hsm registry {} add {name}`", kind.noun()),
            |s| format!("did you mean `{s}`?"),
        );
        CliError::invalid(format!("{} `{name}` is not in the registry", kind.noun())).hint(hint)
    }
}

pub fn mode(ctx: &Ctx, args: &ModeArgs) -> Result<(), CliError> {
    let mut s = Session::open(ctx)?;
    if let Some(all) = args.all {
        let m = mode_of(all);
        let mut changed = s
            .editor
            .set_top_scalar("mode", Some(m.as_str()))
            .map_err(edit_err)?;
        let manifest = s.manifest().clone();
        for r in &manifest.packages {
            if r.mode.is_some() {
                changed |= s
                    .editor
                    .set_component_mode(Section::Packages, &r.name, m)
                    .map_err(edit_err)?;
            }
        }
        for r in &manifest.services.containers {
            if r.mode.is_some() {
                changed |= s
                    .editor
                    .set_component_mode(Section::Containers, &r.name, m)
                    .map_err(edit_err)?;
            }
        }
        for (g, sel) in &manifest.package_groups {
            if sel.mode.is_some() {
                changed |= s
                    .editor
                    .set_group_field(GroupSection::Package, g, "mode", Some(m.as_str()))
                    .map_err(edit_err)?;
            }
        }
        for (g, sel) in &manifest.services.container_groups {
            if sel.mode.is_some() {
                changed |= s
                    .editor
                    .set_group_field(GroupSection::Container, g, "mode", Some(m.as_str()))
                    .map_err(edit_err)?;
            }
        }
        for name in manifest.modes.keys() {
            changed |= s
                .editor
                .set_mode_override(name, Some(m))
                .map_err(edit_err)?;
        }
        return s.save(ctx, changed, &format!("every component is in {m} mode"));
    }
    let (Some(target), Some(m)) = (args.target.as_deref(), args.mode) else {
        return Err(CliError::usage(
            "give a component or group and a mode (`hsm mode redis dev`), or `--all dev|prod`",
        ));
    };
    let m = mode_of(m);
    let manifest = s.manifest().clone();
    let changed = if manifest.package_groups.contains_key(target) {
        s.editor
            .set_group_field(GroupSection::Package, target, "mode", Some(m.as_str()))
    } else if manifest.services.container_groups.contains_key(target) {
        s.editor
            .set_group_field(GroupSection::Container, target, "mode", Some(m.as_str()))
    } else if manifest.packages.iter().any(|r| r.name == target) {
        s.editor.set_component_mode(Section::Packages, target, m)
    } else if manifest
        .services
        .containers
        .iter()
        .any(|r| r.name == target)
    {
        s.editor.set_component_mode(Section::Containers, target, m)
    } else if s.loaded.registry.contains(Kind::Package, target)
        || s.loaded.registry.contains(Kind::Container, target)
    {
        s.editor.set_mode_override(target, Some(m))
    } else {
        let mut names: Vec<String> = manifest
            .package_groups
            .keys()
            .chain(manifest.services.container_groups.keys())
            .cloned()
            .collect();
        names.extend(
            s.loaded
                .registry
                .component_names()
                .into_iter()
                .map(str::to_string),
        );
        let hint = did_you_mean(target, names.iter().map(String::as_str))
            .map(|x| format!("did you mean `{x}`?"));
        let mut e = CliError::invalid(format!(
            "`{target}` is not a group in hsm.yaml nor a package or container in the registry"
        ));
        if let Some(h) = hint {
            e = e.hint(h);
        }
        return Err(e);
    }
    .map_err(edit_err)?;
    s.save(ctx, changed, &format!("`{target}` is in {m} mode"))
}

pub fn component(ctx: &Ctx, container: bool, cmd: ComponentCmd) -> Result<(), CliError> {
    let mut s = Session::open(ctx)?;
    let (section, kind) = if container {
        (Section::Containers, Kind::Container)
    } else {
        (Section::Packages, Kind::Package)
    };
    match cmd {
        ComponentCmd::Add {
            name,
            mode,
            profile,
        } => {
            if !s.loaded.registry.contains(kind, &name) {
                return Err(s.unknown(kind, &name));
            }
            if profile.is_some() && !container {
                return Err(CliError::usage("`--profile` applies to containers only"));
            }
            let mut changed = s
                .editor
                .add_component(section, &name, mode.map(mode_of))
                .map_err(edit_err)?;
            if let Some(p) = profile {
                check_profile(&s, &name, &p)?;
                changed |= s
                    .editor
                    .set_component_profile(&name, Some(&p))
                    .map_err(edit_err)?;
            }
            s.save(
                ctx,
                changed,
                &format!("{} `{name}` is in hsm.yaml", kind.noun()),
            )
        }
        ComponentCmd::Remove { name } => {
            let changed = s
                .editor
                .remove_component(section, &name)
                .map_err(edit_err)?;
            if !changed {
                return Err(CliError::invalid(format!(
                    "{} `{name}` is not listed in hsm.yaml",
                    kind.noun()
                ))
                .hint(if container {
                    "see `services.containers` in hsm.yaml"
                } else {
                    "see `packages` in hsm.yaml"
                }));
            }
            s.save(
                ctx,
                true,
                &format!("removed {} `{name}` from hsm.yaml", kind.noun()),
            )
        }
    }
}

fn check_profile(s: &Session, container: &str, profile: &str) -> Result<(), CliError> {
    let entry = s
        .loaded
        .registry
        .container(container)
        .map_err(CliError::from)?;
    let Some(entry) = entry else {
        return Err(s.unknown(Kind::Container, container));
    };
    if entry.spec.deployment_profiles.contains_key(profile) {
        return Ok(());
    }
    let known: Vec<&str> = entry
        .spec
        .deployment_profiles
        .keys()
        .map(String::as_str)
        .collect();
    let mut e = CliError::invalid(format!(
        "container `{container}` has no deployment profile `{profile}`"
    ));
    e = match did_you_mean(profile, known.iter().copied()) {
        Some(x) => e.hint(format!("did you mean `{x}`?")),
        None if known.is_empty() => e.hint(format!("`{container}` defines no deployment_profiles")),
        None => e.hint(format!("profiles of `{container}`: {}", known.join(", "))),
    };
    Err(e)
}

/// Which kind a group is: from hsm.yaml, else the registry, else (ad hoc) from its options.
fn group_kind(
    s: &Session,
    group: &str,
    options: &[String],
) -> Result<(GroupSection, bool), CliError> {
    let m = s.manifest();
    if m.package_groups.contains_key(group) {
        return Ok((GroupSection::Package, false));
    }
    if m.services.container_groups.contains_key(group) {
        return Ok((GroupSection::Container, true));
    }
    if s.loaded.registry.contains(Kind::PackageGroup, group) {
        return Ok((GroupSection::Package, false));
    }
    if s.loaded.registry.contains(Kind::ContainerGroup, group) {
        return Ok((GroupSection::Container, true));
    }
    if options
        .iter()
        .all(|o| s.loaded.registry.contains(Kind::Container, o))
        && !options.is_empty()
    {
        return Ok((GroupSection::Container, true));
    }
    if options
        .iter()
        .all(|o| s.loaded.registry.contains(Kind::Package, o))
        && !options.is_empty()
    {
        return Ok((GroupSection::Package, false));
    }
    let mut names: Vec<&str> = s.loaded.registry.names(Kind::PackageGroup);
    names.extend(s.loaded.registry.names(Kind::ContainerGroup));
    let mut e = CliError::invalid(format!(
        "`{group}` is not a group in hsm.yaml or the registry, and its options are not all packages or all containers"
    ));
    if let Some(x) = did_you_mean(group, names) {
        e = e.hint(format!("did you mean `{x}`?"));
    }
    Err(e)
}

pub fn group(ctx: &Ctx, cmd: GroupCmd) -> Result<(), CliError> {
    let mut s = Session::open(ctx)?;
    match cmd {
        GroupCmd::Select { group, options } => {
            let (section, container) = group_kind(&s, &group, &options)?;
            let gkind = if container {
                Kind::ContainerGroup
            } else {
                Kind::PackageGroup
            };
            let spec = s
                .loaded
                .registry
                .group(gkind, &group)
                .map_err(CliError::from)?;
            let description = spec.and_then(|e| e.spec.description.clone());
            let is_new = match section {
                GroupSection::Package => !s.manifest().package_groups.contains_key(&group),
                GroupSection::Container => {
                    !s.manifest().services.container_groups.contains_key(&group)
                }
            };
            let choices = s
                .loaded
                .registry
                .choices(gkind, &group)
                .map_err(CliError::from)?;
            let (strategy, valid) = (choices.strategy, choices.options);
            for o in &options {
                if !valid.contains(o) {
                    let mut e = CliError::invalid(format!(
                        "`{o}` is not an option of group `{group}`; options: {}",
                        valid.join(", ")
                    ));
                    if let Some(x) = did_you_mean(o, valid.iter().map(String::as_str)) {
                        e = e.hint(format!("did you mean `{x}`?"));
                    }
                    return Err(e);
                }
            }
            let selection: Vec<String> = if strategy == Strategy::OneOfN {
                if options.len() > 1 {
                    return Err(CliError::invalid(format!(
                        "group `{group}` is 1-of-N: select one option"
                    )));
                }
                options.clone()
            } else {
                let mut cur = s
                    .editor
                    .group_selection(section, &group)
                    .unwrap_or_default();
                for o in &options {
                    if !cur.contains(o) {
                        cur.push(o.clone());
                    }
                }
                cur
            };
            let changed = s
                .editor
                .set_group_selection(section, &group, &selection)
                .map_err(edit_err)?;
            if changed
                && is_new
                && let Some(d) = description
            {
                let key = match section {
                    GroupSection::Package => format!("package_groups.{group}"),
                    GroupSection::Container => format!("services.container_groups.{group}"),
                };
                s.comment_above(&key, &group, &d)?;
            }
            s.save(
                ctx,
                changed,
                &format!(
                    "group `{group}` selects {}",
                    selection
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }
        GroupCmd::Unselect { group, option } => {
            let m = s.manifest();
            let section = if m.package_groups.contains_key(&group) {
                GroupSection::Package
            } else if m.services.container_groups.contains_key(&group) {
                GroupSection::Container
            } else {
                return Err(CliError::invalid(format!(
                    "group `{group}` is not in hsm.yaml"
                )));
            };
            let changed = match option {
                None => s.editor.remove_group(section, &group).map_err(edit_err)?,
                Some(o) => {
                    let cur = s
                        .editor
                        .group_selection(section, &group)
                        .unwrap_or_default();
                    if !cur.contains(&o) {
                        return Err(CliError::invalid(format!(
                            "`{o}` is not selected in group `{group}`"
                        )));
                    }
                    let rest: Vec<String> = cur.into_iter().filter(|x| *x != o).collect();
                    if rest.is_empty() {
                        s.editor.remove_group(section, &group).map_err(edit_err)?
                    } else {
                        s.editor
                            .set_group_selection(section, &group, &rest)
                            .map_err(edit_err)?
                    }
                }
            };
            s.save(ctx, changed, &format!("updated group `{group}`"))
        }
    }
}

pub fn profile(ctx: &Ctx, args: &ProfileArgs) -> Result<(), CliError> {
    let mut s = Session::open(ctx)?;
    let value = (args.profile != "none").then_some(args.profile.as_str());
    let m = s.manifest().clone();
    let changed = if let Some(sel) = m.services.container_groups.get(&args.target) {
        if let (Some(p), Some(sel)) = (value, &sel.selection) {
            for c in sel.to_vec() {
                check_profile(&s, &c, p)?;
            }
        }
        s.editor
            .set_group_field(GroupSection::Container, &args.target, "profile", value)
            .map_err(edit_err)?
    } else if m.services.containers.iter().any(|r| r.name == args.target) {
        if let Some(p) = value {
            check_profile(&s, &args.target, p)?;
        }
        s.editor
            .set_component_profile(&args.target, value)
            .map_err(edit_err)?
    } else {
        return Err(CliError::invalid(format!(
            "`{}` is not a container group or standalone container in hsm.yaml",
            args.target
        ))
        .hint("add it first with `hsm container add` or `hsm group select`"));
    };
    s.save(
        ctx,
        changed,
        &format!(
            "`{}` uses profile {}",
            args.target,
            value.unwrap_or("(none)")
        ),
    )
}
