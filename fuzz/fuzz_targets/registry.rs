//! Any bytes as each kind of registry file, loaded through the registry and resolved
//! against a manifest that names it: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = infra_yaml::from_str::<hsm_schema::PackageSpec>(std::path::Path::new("p.yaml"), text);
    let _ = infra_yaml::from_str::<hsm_schema::ContainerSpec>(std::path::Path::new("c.yaml"), text);
    let _ = infra_yaml::from_str::<hsm_schema::GroupSpec>(std::path::Path::new("g.yaml"), text);
    let Ok(dir) = tempfile::tempdir() else { return };
    let reg = dir.path().join("reg");
    for (folder, name) in [("packages", "x"), ("containers", "x"), ("container_groups", "g")] {
        let d = reg.join(folder);
        if std::fs::create_dir_all(&d).is_err() || std::fs::write(d.join(format!("{name}.yaml")), text).is_err() {
            return;
        }
    }
    let Ok(registry) = hsm_registry::Registry::open(&reg, dir.path(), "fuzz") else { return };
    let manifest = "packages: [x]\nservices:\n  containers: [x]\n  container_groups:\n    g: {selection: x}\n";
    if let Ok(project) = hsm_resolve::ProjectFile::parse(dir.path(), manifest.to_string()) {
        let _ = hsm_resolve::resolve(&project, &registry);
    }
});
