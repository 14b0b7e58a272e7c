//! Lazy access to a registry directory.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hsm_schema::{ContainerSpec, GroupKind, GroupSpec, PackageSpec, Strategy};
use infra_yaml::{Diagnostic, PathIndex, did_you_mean};
use serde::de::DeserializeOwned;

use crate::{Entry, Kind, RegistryError};

/// What a group offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// 1-of-N or M-of-N.
    pub strategy: Strategy,
    /// Option names.
    pub options: Vec<String>,
    /// No registry file: every component of the kind is an option.
    pub adhoc: bool,
}

type Slot<T> = (PathBuf, OnceCell<Result<Entry<T>, Diagnostic>>);

/// A registry directory, listed at open time and parsed on demand.
#[derive(Debug)]
pub struct Registry {
    root: PathBuf,
    display_base: PathBuf,
    packages: BTreeMap<String, Slot<PackageSpec>>,
    containers: BTreeMap<String, Slot<ContainerSpec>>,
    package_groups: BTreeMap<String, Slot<GroupSpec>>,
    container_groups: BTreeMap<String, Slot<GroupSpec>>,
    /// Problems found while listing (e.g. both `x.yaml` and `x.yml`).
    listing_problems: Vec<Diagnostic>,
}

impl Registry {
    /// Lists the registry at `root`. Paths in messages are shown relative to `display_base`
    /// (the project root) when possible. A missing sub-folder is an empty category.
    pub fn open(root: &Path, display_base: &Path, origin: &str) -> Result<Self, RegistryError> {
        if !root.is_dir() {
            return Err(RegistryError::Missing {
                path: root.to_path_buf(),
                origin: origin.to_string(),
            });
        }
        let mut reg = Registry {
            root: root.to_path_buf(),
            display_base: display_base.to_path_buf(),
            packages: BTreeMap::new(),
            containers: BTreeMap::new(),
            package_groups: BTreeMap::new(),
            container_groups: BTreeMap::new(),
            listing_problems: Vec::new(),
        };
        for kind in Kind::ALL {
            let files = reg.list_folder(kind)?;
            for (name, path) in files {
                match kind {
                    Kind::Package => {
                        reg.packages.insert(name, (path, OnceCell::new()));
                    }
                    Kind::Container => {
                        reg.containers.insert(name, (path, OnceCell::new()));
                    }
                    Kind::PackageGroup => {
                        reg.package_groups.insert(name, (path, OnceCell::new()));
                    }
                    Kind::ContainerGroup => {
                        reg.container_groups.insert(name, (path, OnceCell::new()));
                    }
                }
            }
        }
        Ok(reg)
    }

    fn list_folder(&mut self, kind: Kind) -> Result<BTreeMap<String, PathBuf>, RegistryError> {
        let dir = self.root.join(kind.folder());
        let mut out: BTreeMap<String, PathBuf> = BTreeMap::new();
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(source) => return Err(RegistryError::Io { path: dir, source }),
        };
        for ent in rd {
            let ent = ent.map_err(|source| RegistryError::Io {
                path: dir.clone(),
                source,
            })?;
            let path = ent.path();
            let Some(fname) = path.file_name().and_then(|f| f.to_str()) else {
                continue;
            };
            let Some(stem) = fname
                .strip_suffix(".yaml")
                .or_else(|| fname.strip_suffix(".yml"))
            else {
                continue;
            };
            if stem.starts_with('.') {
                continue;
            }
            if let Some(prev) = out.get(stem) {
                self.listing_problems.push(
                    Diagnostic::new(
                        self.display(&path),
                        format!(
                            "{} `{stem}` is defined twice: `{}` and `{}`",
                            kind.noun(),
                            self.display(prev).display(),
                            self.display(&path).display()
                        ),
                    )
                    .hint("keep one of the two files"),
                );
                continue;
            }
            out.insert(stem.to_string(), path);
        }
        Ok(out)
    }

    /// The registry directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path as shown in messages.
    pub fn display(&self, path: &Path) -> PathBuf {
        display_path(path, &self.display_base)
    }

    /// Problems found while listing the folders.
    pub fn listing_problems(&self) -> &[Diagnostic] {
        &self.listing_problems
    }

    /// Sorted names of one kind.
    pub fn names(&self, kind: Kind) -> Vec<&str> {
        match kind {
            Kind::Package => self.packages.keys().map(String::as_str).collect(),
            Kind::Container => self.containers.keys().map(String::as_str).collect(),
            Kind::PackageGroup => self.package_groups.keys().map(String::as_str).collect(),
            Kind::ContainerGroup => self.container_groups.keys().map(String::as_str).collect(),
        }
    }

    /// Every package and container name (for "did you mean" over both kinds).
    pub fn component_names(&self) -> Vec<&str> {
        let mut all = self.names(Kind::Package);
        all.extend(self.names(Kind::Container));
        all
    }

    /// Whether an entry exists.
    pub fn contains(&self, kind: Kind, name: &str) -> bool {
        match kind {
            Kind::Package => self.packages.contains_key(name),
            Kind::Container => self.containers.contains_key(name),
            Kind::PackageGroup => self.package_groups.contains_key(name),
            Kind::ContainerGroup => self.container_groups.contains_key(name),
        }
    }

    /// The file path an entry has (or would have).
    pub fn path_of(&self, kind: Kind, name: &str) -> PathBuf {
        let existing = match kind {
            Kind::Package => self.packages.get(name).map(|s| s.0.clone()),
            Kind::Container => self.containers.get(name).map(|s| s.0.clone()),
            Kind::PackageGroup => self.package_groups.get(name).map(|s| s.0.clone()),
            Kind::ContainerGroup => self.container_groups.get(name).map(|s| s.0.clone()),
        };
        existing.unwrap_or_else(|| self.root.join(kind.folder()).join(format!("{name}.yaml")))
    }

    /// The closest existing name of `kind`, for "did you mean" hints.
    pub fn suggest(&self, kind: Kind, name: &str) -> Option<String> {
        did_you_mean(name, self.names(kind))
    }

    /// A package, parsed on first use. `Ok(None)` when there is no such file.
    pub fn package(&self, name: &str) -> Result<Option<&Entry<PackageSpec>>, Diagnostic> {
        self.get(
            &self.packages,
            name,
            |s: &PackageSpec| &s.name,
            Kind::Package,
        )
    }

    /// A container, parsed on first use.
    pub fn container(&self, name: &str) -> Result<Option<&Entry<ContainerSpec>>, Diagnostic> {
        self.get(
            &self.containers,
            name,
            |s: &ContainerSpec| &s.name,
            Kind::Container,
        )
    }

    /// A group of either kind, parsed on first use.
    pub fn group(&self, kind: Kind, name: &str) -> Result<Option<&Entry<GroupSpec>>, Diagnostic> {
        let (map, want) = match kind {
            Kind::PackageGroup => (&self.package_groups, GroupKind::PackageGroup),
            Kind::ContainerGroup => (&self.container_groups, GroupKind::ContainerGroup),
            _ => return Ok(None),
        };
        let entry = self.get(map, name, |s: &GroupSpec| &s.name, kind)?;
        if let Some(e) = entry
            && e.spec.kind != want
        {
            return Err(e
                .error(
                    "type",
                    format!(
                        "expected `type: {}` for a file in `{}/`, found `{}`",
                        want.as_str(),
                        kind.folder(),
                        e.spec.kind.as_str()
                    ),
                )
                .hint(format!(
                    "move the file to `{}/` or fix its `type`",
                    match e.spec.kind {
                        GroupKind::PackageGroup => "package_groups",
                        GroupKind::ContainerGroup => "container_groups",
                    }
                )));
        }
        Ok(entry)
    }

    fn get<'a, T: DeserializeOwned>(
        &'a self,
        map: &'a BTreeMap<String, Slot<T>>,
        name: &str,
        name_of: fn(&T) -> &String,
        kind: Kind,
    ) -> Result<Option<&'a Entry<T>>, Diagnostic> {
        let Some((path, cell)) = map.get(name) else {
            return Ok(None);
        };
        let res = cell.get_or_init(|| self.load(path, name, name_of, kind));
        match res {
            Ok(e) => Ok(Some(e)),
            Err(e) => Err(e.clone()),
        }
    }

    fn load<T: DeserializeOwned>(
        &self,
        path: &Path,
        name: &str,
        name_of: fn(&T) -> &String,
        kind: Kind,
    ) -> Result<Entry<T>, Diagnostic> {
        let display = self.display(path);
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::new(&display, format!("cannot read {} file: {e}", kind.noun()))
        })?;
        let spec: T = infra_yaml::from_str(&display, &text)?;
        let entry = Entry {
            spec,
            path: path.to_path_buf(),
            display,
            index: PathIndex::build(&text),
        };
        let written = name_of(&entry.spec);
        if written != name {
            return Err(entry
                .error(
                    "name",
                    format!("expected `name: {name}` to match the file name, found `{written}`"),
                )
                .hint(format!("rename the file to `{written}.yaml` or fix `name`")));
        }
        Ok(entry)
    }

    /// What group `name` of `kind` offers: the strategy and options of its registry file, or,
    /// for a group with no file, an ad-hoc 1-of-N choice among every registry component of
    /// the group's kind (the seeds name groups that way).
    pub fn choices(&self, kind: Kind, name: &str) -> Result<Choices, Diagnostic> {
        Ok(match self.group(kind, name)? {
            Some(e) => Choices {
                strategy: e.spec.strategy,
                options: e.spec.options.iter().map(|o| o.name.clone()).collect(),
                adhoc: false,
            },
            None => {
                let members = if kind == Kind::ContainerGroup {
                    Kind::Container
                } else {
                    Kind::Package
                };
                Choices {
                    strategy: Strategy::OneOfN,
                    options: self
                        .names(members)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                    adhoc: true,
                }
            }
        })
    }

    /// Parses every file, returning every problem found (for `hsm registry validate`).
    pub fn validate_all(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.listing_problems.clone();
        for n in self.names(Kind::Package) {
            if let Err(e) = self.package(n) {
                out.push(e);
            }
        }
        for n in self.names(Kind::Container) {
            if let Err(e) = self.container(n) {
                out.push(e);
            }
        }
        for kind in [Kind::PackageGroup, Kind::ContainerGroup] {
            for n in self.names(kind) {
                if let Err(e) = self.group(kind, n) {
                    out.push(e);
                }
            }
        }
        out
    }
}

/// `path` relative to `base` (with `..` when outside it), unless the two share nothing but
/// the filesystem root, in which case the absolute path is clearer.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    if let Ok(inside) = path.strip_prefix(base) {
        return inside.to_path_buf();
    }
    let shared = path
        .components()
        .zip(base.components())
        .take_while(|(a, b)| a == b)
        .count();
    if shared <= 1 {
        return path.to_path_buf();
    }
    PathBuf::from(infra_fs::relative_to(path, base))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn lazy_load_and_errors() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("reg");
        write(&r, "packages/a.yaml", "name: a\n");
        write(&r, "packages/b.yaml", "name: c\n");
        write(&r, "containers/pg.yml", "name: pg\nimage: postgres:16\n");
        write(
            &r,
            "container_groups/db.yaml",
            "name: db\ntype: package_group\nstrategy: 1-of-N\noptions: []\n",
        );
        let reg = Registry::open(&r, d.path(), "test").unwrap();
        assert_eq!(reg.names(Kind::Package), vec!["a", "b"]);
        assert!(reg.package("a").unwrap().is_some());
        assert!(reg.package("zzz").unwrap().is_none());
        let e = reg.package("b").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("name: b"), "{e}");
        assert_eq!(e.file, PathBuf::from("reg/packages/b.yaml"));
        assert!(reg.container("pg").unwrap().is_some());
        let e = reg.group(Kind::ContainerGroup, "db").unwrap_err();
        assert!(e.message.contains("container_group"), "{e}");
        assert_eq!(reg.suggest(Kind::Container, "pgg"), Some("pg".into()));
        assert_eq!(reg.validate_all().len(), 2);
    }
}
