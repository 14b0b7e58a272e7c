//! Lazy access to a registry directory.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use hsm_schema::{ComponentKind, ContainerSpec, GroupSpec, PackageSpec, Strategy, normalize_name};
use infra_yaml::{Diagnostic, ParseCache, PathIndex, did_you_mean};
use serde::Serialize;
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

/// One listed file, parsed on first use.
#[derive(Debug)]
struct Slot<T> {
    /// The lookup key (see [`Shelf`]).
    key: Box<str>,
    /// The name as the file spells it (its stem).
    name: Box<str>,
    /// `.yml` rather than `.yaml`.
    yml: bool,
    /// Boxed: slots are sorted at open time, and a parsed entry is large.
    cell: OnceCell<Box<Result<Entry<T>, RegistryError>>>,
}

/// The files of one folder, sorted by lookup name: PEP 503-normalised for packages (Python
/// treats `Six` and `six` as one distribution), exact for everything else. A sorted vector
/// searched by bisection: a registry of a thousand files is listed on every command, so
/// the listing must cost little more than the directory read.
#[derive(Debug)]
struct Shelf<T> {
    kind: Kind,
    /// The folder.
    dir: PathBuf,
    /// The folder as shown in messages (computed once, not per file).
    shown: PathBuf,
    slots: Vec<Slot<T>>,
}

impl<T> Shelf<T> {
    fn new(kind: Kind, dir: PathBuf, shown: PathBuf) -> Self {
        Self {
            kind,
            dir,
            shown,
            slots: Vec::new(),
        }
    }

    fn key<'n>(&self, name: &'n str) -> std::borrow::Cow<'n, str> {
        if self.kind == Kind::PACKAGE {
            std::borrow::Cow::Owned(normalize_name(name))
        } else {
            std::borrow::Cow::Borrowed(name)
        }
    }

    fn slot(&self, name: &str) -> Option<&Slot<T>> {
        let key = self.key(name);
        self.slots
            .binary_search_by(|s| (*s.key).cmp(&key))
            .ok()
            .and_then(|i| self.slots.get(i))
    }

    fn file_name(slot: &Slot<T>) -> String {
        let ext = if slot.yml { "yml" } else { "yaml" };
        format!("{}.{ext}", slot.name)
    }

    fn path(&self, slot: &Slot<T>) -> PathBuf {
        self.dir.join(Self::file_name(slot))
    }

    fn shown_path(&self, slot: &Slot<T>) -> PathBuf {
        self.shown.join(Self::file_name(slot))
    }
}

/// A registry directory, listed at open time and parsed on demand.
#[derive(Debug)]
pub struct Registry {
    root: PathBuf,
    display_base: PathBuf,
    packages: Shelf<PackageSpec>,
    containers: Shelf<ContainerSpec>,
    package_groups: Shelf<GroupSpec>,
    container_groups: Shelf<GroupSpec>,
    /// Problems found while listing (e.g. both `x.yaml` and `x.yml`).
    listing_problems: Vec<Diagnostic>,
    /// Parsed files from earlier runs.
    cache: ParseCache,
}

impl Registry {
    /// Lists the registry at `root`. Paths in messages are shown relative to `display_base`
    /// (the project root) when possible. A missing sub-folder is an empty category.
    pub fn open(root: &Path, display_base: &Path, origin: &str) -> Result<Self, RegistryError> {
        Self::open_with(root, display_base, origin, ParseCache::disabled())
    }

    /// [`Registry::open`], with folder listings and parsed files read from `cache` (and
    /// stored there) instead of being recomputed on every run.
    pub fn open_with(
        root: &Path,
        display_base: &Path,
        origin: &str,
        cache: ParseCache,
    ) -> Result<Self, RegistryError> {
        if !root.is_dir() {
            return Err(RegistryError::Missing {
                path: display_path(root, display_base),
                origin: origin.to_string(),
            });
        }
        let mut reg = Registry {
            root: root.to_path_buf(),
            display_base: display_base.to_path_buf(),
            packages: Shelf::new(Kind::PACKAGE, PathBuf::new(), PathBuf::new()),
            containers: Shelf::new(Kind::CONTAINER, PathBuf::new(), PathBuf::new()),
            package_groups: Shelf::new(Kind::PACKAGE_GROUP, PathBuf::new(), PathBuf::new()),
            container_groups: Shelf::new(Kind::CONTAINER_GROUP, PathBuf::new(), PathBuf::new()),
            listing_problems: Vec::new(),
            cache,
        };
        let mut problems = Vec::new();
        reg.packages = reg.list(Kind::PACKAGE, &mut problems)?;
        reg.containers = reg.list(Kind::CONTAINER, &mut problems)?;
        reg.package_groups = reg.list(Kind::PACKAGE_GROUP, &mut problems)?;
        reg.container_groups = reg.list(Kind::CONTAINER_GROUP, &mut problems)?;
        reg.listing_problems = problems;
        Ok(reg)
    }

    fn list<T>(
        &self,
        kind: Kind,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<Shelf<T>, RegistryError> {
        let dir = self.root.join(kind.folder());
        let shown = self.display(&dir);
        let mut shelf = Shelf::new(kind, dir, shown);
        let Some(files) = self.files(&shelf.dir)? else {
            return Ok(shelf);
        };
        let mut slots: Vec<Slot<T>> = files
            .into_iter()
            .map(|(stem, yml)| Slot {
                key: shelf.key(&stem).into(),
                name: stem.into(),
                yml,
                cell: OnceCell::new(),
            })
            .collect();
        slots.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        // Of files with one key, the first by file name wins, so the choice is stable.
        let mut i = 0;
        while i < slots.len() {
            let mut j = i + 1;
            while j < slots.len() && slots[j].key == slots[i].key {
                j += 1;
            }
            if j - i > 1 {
                slots[i..j].sort_unstable_by(|a, b| (&a.name, a.yml).cmp(&(&b.name, b.yml)));
                for dup in &slots[i + 1..j] {
                    problems.push(self.clash(&shelf, &slots[i], dup));
                }
            }
            i = j;
        }
        slots.dedup_by(|later, first| later.key == first.key);
        shelf.slots = slots;
        Ok(shelf)
    }

    /// The registry files of `dir` as (stem, `.yml`), sorted; `None` when the folder does
    /// not exist. A folder of a thousand files is listed on every command, so the listing
    /// is cached, keyed by the folder's identity and change times: adding, removing or
    /// renaming a file changes them. A folder changed in the last two seconds is listed
    /// afresh and not cached, as a second change within one timestamp tick would go
    /// unseen (git's "racy" rule).
    fn files(&self, dir: &Path) -> Result<Option<Vec<(String, bool)>>, RegistryError> {
        let meta = match std::fs::metadata(dir) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(RegistryError::io(self.display(dir), source)),
        };
        let key = listing_key(dir, &meta);
        if let Some(k) = &key
            && let Some(files) = self.cache.get("registry folder", k)
        {
            return Ok(Some(files));
        }
        let io = |source| RegistryError::io(self.display(dir), source);
        let mut files = Vec::new();
        for ent in std::fs::read_dir(dir).map_err(io)? {
            let fname = ent.map_err(io)?.file_name();
            let Some(fname) = fname.to_str() else {
                continue;
            };
            let (stem, yml) = match fname.strip_suffix(".yaml") {
                Some(stem) => (stem, false),
                None => match fname.strip_suffix(".yml") {
                    Some(stem) => (stem, true),
                    None => continue,
                },
            };
            if !stem.starts_with('.') && !stem.is_empty() {
                files.push((stem.to_string(), yml));
            }
        }
        files.sort_unstable();
        if let Some(k) = &key {
            self.cache.put("registry folder", k, &files);
        }
        Ok(Some(files))
    }

    /// Two files that name the same entry.
    fn clash<T>(&self, shelf: &Shelf<T>, prev: &Slot<T>, slot: &Slot<T>) -> Diagnostic {
        let why = if prev.name == slot.name {
            String::new()
        } else {
            " (package names are compared the way Python does: case, `-`, `_` and `.` do not matter)".to_string()
        };
        let path = shelf.path(slot);
        Diagnostic::new(
            self.display(&path),
            format!(
                "{} `{}` is defined twice: `{}` and `{}`{why}",
                shelf.kind.noun(),
                slot.name,
                self.display(&shelf.path(prev)).display(),
                self.display(&path).display()
            ),
        )
        .hint("keep one of the two files")
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

    fn names_of<T>(shelf: &Shelf<T>) -> Vec<&str> {
        shelf.slots.iter().map(|s| &*s.name).collect()
    }

    fn path_in<T>(&self, shelf: &Shelf<T>, name: &str) -> PathBuf {
        shelf
            .slot(name)
            .map_or_else(|| shelf.dir.join(format!("{name}.yaml")), |s| shelf.path(s))
    }

    /// Names of one kind, as their files spell them, in lookup order.
    pub fn names(&self, kind: Kind) -> Vec<&str> {
        match kind {
            Kind::Component(ComponentKind::Package) => Self::names_of(&self.packages),
            Kind::Component(ComponentKind::Container) => Self::names_of(&self.containers),
            Kind::Group(ComponentKind::Package) => Self::names_of(&self.package_groups),
            Kind::Group(ComponentKind::Container) => Self::names_of(&self.container_groups),
        }
    }

    /// Every package and container name (for "did you mean" over both kinds).
    pub fn component_names(&self) -> Vec<&str> {
        let mut all = self.names(Kind::PACKAGE);
        all.extend(self.names(Kind::CONTAINER));
        all
    }

    /// The name of the entry `name` refers to, as its file spells it (`Six` → `six` when the
    /// file is `packages/six.yaml`); `None` when there is no such entry.
    pub fn canonical(&self, kind: Kind, name: &str) -> Option<&str> {
        match kind {
            Kind::Component(ComponentKind::Package) => self.packages.slot(name).map(|s| &*s.name),
            Kind::Component(ComponentKind::Container) => {
                self.containers.slot(name).map(|s| &*s.name)
            }
            Kind::Group(ComponentKind::Package) => self.package_groups.slot(name).map(|s| &*s.name),
            Kind::Group(ComponentKind::Container) => {
                self.container_groups.slot(name).map(|s| &*s.name)
            }
        }
    }

    /// Whether an entry exists.
    pub fn contains(&self, kind: Kind, name: &str) -> bool {
        self.canonical(kind, name).is_some()
    }

    /// The file path an entry has (or would have).
    pub fn path_of(&self, kind: Kind, name: &str) -> PathBuf {
        match kind {
            Kind::Component(ComponentKind::Package) => self.path_in(&self.packages, name),
            Kind::Component(ComponentKind::Container) => self.path_in(&self.containers, name),
            Kind::Group(ComponentKind::Package) => self.path_in(&self.package_groups, name),
            Kind::Group(ComponentKind::Container) => self.path_in(&self.container_groups, name),
        }
    }

    /// The closest existing name of `kind`, for "did you mean" hints.
    pub fn suggest(&self, kind: Kind, name: &str) -> Option<String> {
        did_you_mean(name, self.names(kind))
    }

    /// The raw text of an entry's file (for `hsm registry show`).
    pub fn text(&self, kind: Kind, name: &str) -> Result<String, RegistryError> {
        let path = self.path_of(kind, name);
        let display = self.display(&path);
        let bytes = infra_fs::read_text_file(&path).map_err(|e| RegistryError::io(&display, e))?;
        Ok(infra_yaml::utf8_text(&display, bytes)?)
    }

    /// A package, parsed on first use. `Ok(None)` when there is no such file.
    pub fn package(&self, name: &str) -> Result<Option<&Entry<PackageSpec>>, RegistryError> {
        self.get(&self.packages, name, |s: &PackageSpec| &s.name)
    }

    /// A container, parsed on first use.
    pub fn container(&self, name: &str) -> Result<Option<&Entry<ContainerSpec>>, RegistryError> {
        self.get(&self.containers, name, |s: &ContainerSpec| &s.name)
    }

    /// A group of `kind` (the kind of its options), parsed on first use.
    pub fn group(
        &self,
        kind: ComponentKind,
        name: &str,
    ) -> Result<Option<&Entry<GroupSpec>>, RegistryError> {
        let shelf = match kind {
            ComponentKind::Package => &self.package_groups,
            ComponentKind::Container => &self.container_groups,
        };
        let entry = self.get(shelf, name, |s: &GroupSpec| &s.name)?;
        if let Some(e) = entry
            && e.spec.kind != kind
        {
            return Err(e
                .error(
                    "type",
                    format!(
                        "expected `type: {}` for a file in `{}/`, found `{}`",
                        kind.group_type(),
                        Kind::Group(kind).folder(),
                        e.spec.kind.group_type()
                    ),
                )
                .hint(format!(
                    "move the file to `{}/` or fix its `type`",
                    Kind::Group(e.spec.kind).folder()
                ))
                .into());
        }
        if let Some(e) = entry
            && let Some(bad) = e.spec.inconsistency()
        {
            return Err(e.error(bad.key, bad.message).hint(bad.hint).into());
        }
        Ok(entry)
    }

    fn get<'a, T: DeserializeOwned + Serialize>(
        &'a self,
        shelf: &'a Shelf<T>,
        name: &str,
        name_of: fn(&T) -> &String,
    ) -> Result<Option<&'a Entry<T>>, RegistryError> {
        let Some(slot) = shelf.slot(name) else {
            return Ok(None);
        };
        let res = slot.cell.get_or_init(|| {
            let (path, shown) = (shelf.path(slot), shelf.shown_path(slot));
            Box::new(Self::load(
                &self.cache,
                path,
                shown,
                &slot.name,
                name_of,
                shelf.kind,
            ))
        });
        match res.as_ref() {
            Ok(e) => Ok(Some(e)),
            Err(e) => Err(e.clone()),
        }
    }

    fn load<T: DeserializeOwned + Serialize>(
        cache: &ParseCache,
        path: PathBuf,
        display: PathBuf,
        name: &str,
        name_of: fn(&T) -> &String,
        kind: Kind,
    ) -> Result<Entry<T>, RegistryError> {
        let bytes = infra_fs::read_text_file(&path).map_err(|e| RegistryError::io(&display, e))?;
        let text = infra_yaml::utf8_text(&display, bytes)?;
        let spec: T = cache
            .from_str(kind.id(), &display, &text)
            .map_err(Diagnostic::from)?;
        let entry = Entry {
            spec,
            path,
            display,
            index: PathIndex::build(&text),
        };
        let written = name_of(&entry.spec);
        // The name becomes a distribution name, a compose service name and a file name:
        // one that breaks any of them is refused here, where it is written.
        if let Some(problem) = hsm_schema::entry_name_problem(written, kind.noun()) {
            return Err(entry
                .error("name", problem)
                .hint(
                    "rename the entry (and its file) with ASCII letters, digits, `-`, `_` and `.`",
                )
                .into());
        }
        let same = if kind == Kind::PACKAGE {
            normalize_name(written) == normalize_name(name)
        } else {
            written == name
        };
        if !same {
            return Err(entry
                .error(
                    "name",
                    format!("expected `name: {name}` to match the file name, found `{written}`"),
                )
                .hint(format!("rename the file to `{written}.yaml` or fix `name`"))
                .into());
        }
        Ok(entry)
    }

    /// What group `name` of `kind` offers: the strategy and options of its registry file, or,
    /// for a group with no file, an ad-hoc 1-of-N choice among every registry component of
    /// the group's kind (the seeds name groups that way).
    pub fn choices(&self, kind: ComponentKind, name: &str) -> Result<Choices, RegistryError> {
        Ok(match self.group(kind, name)? {
            Some(e) => Choices {
                strategy: e.spec.strategy,
                options: e
                    .spec
                    .options
                    .iter()
                    .map(|o| {
                        self.canonical(Kind::Component(kind), &o.name)
                            .unwrap_or(&o.name)
                            .to_string()
                    })
                    .collect(),
                adhoc: false,
            },
            None => Choices {
                strategy: Strategy::OneOfN,
                options: self
                    .names(Kind::Component(kind))
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                adhoc: true,
            },
        })
    }

    /// The description of an entry, if it has one and parses.
    pub fn description(&self, kind: Kind, name: &str) -> Option<String> {
        match kind {
            Kind::Component(ComponentKind::Package) => {
                self.package(name).ok().flatten()?.spec.description.clone()
            }
            Kind::Component(ComponentKind::Container) => self
                .container(name)
                .ok()
                .flatten()?
                .spec
                .description
                .clone(),
            Kind::Group(k) => self.group(k, name).ok().flatten()?.spec.description.clone(),
        }
    }

    /// Parses every file and returns every problem found (for `hsm registry validate`); an
    /// unreadable file is an error, not a problem.
    pub fn validate_all(&self) -> Result<Vec<Diagnostic>, RegistryError> {
        let mut out: Vec<Diagnostic> = self.listing_problems.clone();
        let mut keep = |r: Result<(), RegistryError>| match r {
            Ok(()) => Ok(()),
            Err(RegistryError::Invalid(d)) => {
                out.push(d);
                Ok(())
            }
            Err(e) => Err(e),
        };
        for n in self.names(Kind::PACKAGE) {
            keep(self.package(n).map(drop))?;
        }
        for n in self.names(Kind::CONTAINER) {
            keep(self.container(n).map(drop))?;
        }
        for kind in ComponentKind::ALL {
            for n in self.names(Kind::Group(kind)) {
                keep(self.group(kind, n).map(drop))?;
            }
        }
        Ok(out)
    }
}

/// What identifies a folder's listing: its path, device, inode and change times, or `None`
/// while it changed too recently to be trusted (see `Registry::files`).
fn listing_key(dir: &Path, meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let newest = meta.mtime().max(meta.ctime());
    if i64::try_from(now).ok()? - newest < 2 {
        return None;
    }
    Some(format!(
        "{}\0{}\0{}\0{}.{}\0{}.{}\0{}",
        dir.display(),
        meta.dev(),
        meta.ino(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec(),
        meta.size()
    ))
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
        assert_eq!(reg.names(Kind::PACKAGE), vec!["a", "b"]);
        assert!(reg.package("a").unwrap().is_some());
        assert!(reg.package("zzz").unwrap().is_none());
        let RegistryError::Invalid(e) = reg.package("b").unwrap_err() else {
            panic!("expected a diagnostic")
        };
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("name: b"), "{e}");
        assert_eq!(e.file, PathBuf::from("reg/packages/b.yaml"));
        assert!(reg.container("pg").unwrap().is_some());
        let e = reg.group(ComponentKind::Container, "db").unwrap_err();
        assert!(e.to_string().contains("container_group"), "{e}");
        assert_eq!(reg.suggest(Kind::CONTAINER, "pgg"), Some("pg".into()));
        assert_eq!(reg.validate_all().unwrap().len(), 2);
    }

    #[test]
    fn package_names_are_pep503_normalised() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("reg");
        write(&r, "packages/pkg_e.yaml", "name: Pkg_E\n");
        write(&r, "packages/Six.yaml", "name: Six\n");
        write(&r, "packages/six.yaml", "name: six\n");
        let reg = Registry::open(&r, d.path(), "test").unwrap();
        assert_eq!(reg.canonical(Kind::PACKAGE, "PKG-E"), Some("pkg_e"));
        assert!(reg.package("pkg.e").unwrap().is_some());
        assert_eq!(reg.listing_problems().len(), 1);
        assert!(reg.listing_problems()[0].message.contains("defined twice"));
        // Containers are compared exactly.
        write(&r, "containers/Redis.yaml", "name: Redis\nimage: r\n");
        let reg = Registry::open(&r, d.path(), "test").unwrap();
        assert!(!reg.contains(Kind::CONTAINER, "redis"));
    }

    #[test]
    fn unreadable_file_is_an_io_error() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("reg");
        std::fs::create_dir_all(r.join("packages/broken.yaml")).unwrap();
        let reg = Registry::open(&r, d.path(), "test").unwrap();
        let e = reg.package("broken").unwrap_err();
        assert!(matches!(e, RegistryError::Io { .. }), "{e:?}");
        assert_eq!(e.to_string(), "failed to read `reg/packages/broken.yaml`");
        assert!(reg.validate_all().is_err());
        assert!(matches!(
            reg.text(Kind::PACKAGE, "broken"),
            Err(RegistryError::Io { .. })
        ));
    }

    /// Every file under `dir`, recursively.
    fn count_files(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |rd| {
            rd.map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { count_files(&p) } else { 1 })
                .sum()
        })
    }

    #[test]
    fn folder_listings_are_cached_only_when_settled_and_follow_every_change() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("reg");
        write(&r, "packages/a.yaml", "name: a\n");
        write(&r, "packages/B_c.yaml", "name: B_c\n");
        let cache = ParseCache::new(d.path().join("cache"), "test");
        let open = || Registry::open_with(&r, d.path(), "test", cache.clone()).unwrap();
        // Just written: listed, not cached (a change in the same tick would go unseen).
        assert_eq!(open().names(Kind::PACKAGE), ["a", "B_c"]);
        assert_eq!(count_files(&d.path().join("cache")), 0);
        // Settled: cached once, then read back.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert_eq!(open().names(Kind::PACKAGE), ["a", "B_c"]);
        assert_eq!(count_files(&d.path().join("cache")), 1);
        let reg = open();
        assert_eq!(reg.names(Kind::PACKAGE), ["a", "B_c"]);
        assert_eq!(reg.canonical(Kind::PACKAGE, "b-C"), Some("B_c"));
        assert_eq!(count_files(&d.path().join("cache")), 1);
        // Adding, removing and renaming files are seen at once.
        write(&r, "packages/d.yaml", "name: d\n");
        assert_eq!(open().names(Kind::PACKAGE), ["a", "B_c", "d"]);
        std::fs::remove_file(r.join("packages/a.yaml")).unwrap();
        assert_eq!(open().names(Kind::PACKAGE), ["B_c", "d"]);
        std::fs::rename(r.join("packages/d.yaml"), r.join("packages/e.yml")).unwrap();
        assert_eq!(open().names(Kind::PACKAGE), ["B_c", "e"]);
        write(&r, "packages/b-c.yaml", "name: b-c\n");
        assert_eq!(
            open().listing_problems().len(),
            1,
            "a clash is seen at once"
        );
    }
}
