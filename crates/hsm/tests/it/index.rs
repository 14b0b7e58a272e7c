//! A registry entry that installs another distribution from its own index: the entry
//! `fancy-cpu` installs the distribution `hsm-fancy-dist` from a PEP 503 simple index served
//! on loopback by the test, with real uv (an explicit `[[tool.uv.index]]`) and real pip
//! (`--extra-index-url`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Builds `hsm_fancy_dist-2.0.0-py3-none-any.whl` (a module printing where it came from) and
/// the simple index page for it under `root/simple/hsm-fancy-dist/`.
fn build_index(root: &Path) {
    let script = r#"
import base64, hashlib, os, sys, zipfile
root = sys.argv[1]
dist = os.path.join(root, "simple", "hsm-fancy-dist")
os.makedirs(dist, exist_ok=True)
name = "hsm_fancy_dist-2.0.0-py3-none-any.whl"
files = {
    "hsm_fancy_dist/__init__.py": b"ORIGIN = 'the cpu index'\n",
    "hsm_fancy_dist-2.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: hsm-fancy-dist\nVersion: 2.0.0\n",
    "hsm_fancy_dist-2.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: hsm-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for path, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(data)}")
record.append("hsm_fancy_dist-2.0.0.dist-info/RECORD,,")
files["hsm_fancy_dist-2.0.0.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
wheel = os.path.join(dist, name)
with zipfile.ZipFile(wheel, "w") as z:
    for path, data in files.items():
        z.writestr(path, data)
sha = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
with open(os.path.join(dist, "index.html"), "w") as f:
    f.write(f'<!DOCTYPE html><html><body><a href="{name}#sha256={sha}">{name}</a></body></html>\n')
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Serves the files under `root` over HTTP on loopback until the test ends; returns the
/// base URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || respond(&root, stream));
        }
    });
    format!("http://{addr}")
}

fn respond(root: &Path, mut stream: std::net::TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let rel = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_start_matches('/');
    let mut file = root.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(b) if !rel.contains("..") => {
            let kind = if file.extension().is_some_and(|e| e == "html") {
                "text/html"
            } else {
                "application/octet-stream"
            };
            ("200 OK", b, kind)
        }
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// A project selecting `fancy-cpu`, with the registry entry naming its index.
fn project(s: &Scratch, url: &str, manager: &str) -> PathBuf {
    s.write(
        "reg/packages/fancy-cpu.yaml",
        &format!(
            "name: fancy-cpu\ndistribution: hsm-fancy-dist\nsources:\n  prod:\n    type: pypi\n    spec: \">=2\"\n    index: {{name: fancy-cpu-index, url: \"{url}/simple\"}}\n"
        ),
    );
    s.write(
        "app/hsm.yaml",
        &format!("registry: ../reg\npackage_manager: {manager}\npackages: [fancy-cpu]\n"),
    );
    s.path().join("app")
}

#[test]
fn uv_installs_the_named_distribution_from_its_own_index() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::empty();
    let index = s.kit.child("index");
    build_index(&index);
    let url = serve(index);
    let dir = project(&s, &url, "uv");
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let pyproject = read(&dir.join("pyproject.toml"));
    assert!(
        pyproject.contains("dependencies = [\"hsm-fancy-dist>=2\"]"),
        "{pyproject}"
    );
    assert!(
        pyproject.contains("hsm-fancy-dist = { index = \"fancy-cpu-index\" }"),
        "{pyproject}"
    );
    assert!(
        pyproject.contains("[[tool.uv.index]]\nname = \"fancy-cpu-index\""),
        "{pyproject}"
    );
    assert!(pyproject.contains("explicit = true"), "{pyproject}");
    let origin = python(
        &s,
        &dir,
        "import hsm_fancy_dist; print(hsm_fancy_dist.ORIGIN)",
    );
    assert_eq!(origin, "the cpu index");
    // Removing the entry removes the distribution, its source and its index.
    std::fs::write(dir.join("hsm.yaml"), "registry: ../reg\n").unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let pyproject = read(&dir.join("pyproject.toml"));
    assert!(!pyproject.contains("fancy"), "{pyproject}");
}

#[test]
fn pip_installs_the_named_distribution_from_its_own_index() {
    need!("python3", "HSM_TEST_PYTHON");
    let s = Scratch::empty();
    let index = s.kit.child("index");
    build_index(&index);
    let url = serve(index);
    let dir = project(&s, &url, "pip");
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let reqs = read(&dir.join(".hsm/requirements.txt"));
    assert!(
        reqs.contains(&format!(
            "--extra-index-url {url}/simple\nhsm-fancy-dist>=2\n"
        )),
        "{reqs}"
    );
    let origin = python(
        &s,
        &dir,
        "import hsm_fancy_dist; print(hsm_fancy_dist.ORIGIN)",
    );
    assert_eq!(origin, "the cpu index");
}

#[test]
fn a_spec_naming_another_distribution_needs_distribution() {
    let s = Scratch::empty();
    s.write(
        "reg/packages/torch-cpu.yaml",
        "name: torch-cpu\nsources:\n  prod: {type: pypi, spec: \"torch>=2\"}\n",
    );
    s.write("app/hsm.yaml", "registry: ../reg\npackages: [torch-cpu]\n");
    let out = run(s.hsm(s.path().join("app")).arg("plan"));
    let err = fails_with(&out, 3);
    assert!(
        err.contains(
            "spec `torch>=2` names distribution `torch`, but entry `torch-cpu` installs `torch-cpu`"
        ),
        "{err}"
    );
    assert!(err.contains("`distribution: torch`"), "{err}");
    s.write("reg/packages/torch-cpu.yaml", "name: torch-cpu\ndistribution: torch\nsources:\n  prod: {type: pypi, spec: \"torch>=2\"}\n");
    let plan = ok(&run(s.hsm(s.path().join("app")).arg("plan")));
    assert!(plan.contains("+dependencies = [\"torch>=2\"]"), "{plan}");
}
