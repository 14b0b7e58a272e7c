//! The set-up commands and what they refuse: token values never written or shown, located
//! errors for damaged files, the secrets store, exit codes and the JSON error line.

use std::os::unix::fs::PermissionsExt as _;

use crate::common::{CB_TOKEN, GH_TOKEN, World, last};

#[test]
fn forge_add_keeps_tokens_out_of_the_config() {
    let w = World::new();
    let t = w.run(&[
        "forge",
        "add",
        "gh",
        "--kind",
        "github",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "ghp_0123456789abcdefghij",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("looks like a token value"),
        "{}",
        t.render()
    );
    assert!(
        !t.stderr.contains("ghp_0123456789abcdefghij"),
        "{}",
        t.render()
    );
    let t = w.run(&[
        "forge",
        "add",
        "gh",
        "--kind",
        "github",
        "--api-url",
        "https://me:ghp_leak@example.com/api/v3",
        "--token-ref",
        "env:GH_TOKEN",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        !t.stderr.contains("ghp_leak") && t.stderr.contains("without credentials"),
        "{}",
        t.render()
    );
    let t = w.run(&[
        "forge",
        "add",
        "gh",
        "--kind",
        "forgejo",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "env:GH_TOKEN",
    ]);
    assert_eq!(t.code, Some(2), "{}", t.render());
    assert!(
        !w.config_dir().join("config.yaml").exists(),
        "nothing written by refused commands"
    );

    w.ok(&[
        "forge",
        "add",
        "gh",
        "--kind",
        "github",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "env:GH_TOKEN",
    ]);
    w.ok(&[
        "forge",
        "add",
        "gh",
        "--kind",
        "github",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "env:GH_TOKEN",
    ]);
    let t = w.run(&[
        "forge",
        "add",
        "gh",
        "--kind",
        "gitea",
        "--api-url",
        &w.cb.api,
        "--token-ref",
        "env:CB_TOKEN",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(t.stderr.contains("--replace"), "{}", t.render());
    let config = std::fs::read_to_string(w.config_dir().join("config.yaml")).unwrap();
    assert!(
        config.contains("token: env:GH_TOKEN") && !config.contains(GH_TOKEN),
        "{config}"
    );
}

#[test]
fn token_references_resolve_from_env_file_and_the_secrets_store() {
    let w = World::with_org();
    let file = w.scratch.path().join("cb.token");
    std::fs::write(&file, format!("{CB_TOKEN}\n")).unwrap();
    w.ok(&[
        "forge",
        "add",
        "codeberg",
        "--kind",
        "gitea",
        "--api-url",
        &w.cb.api,
        "--token-ref",
        &format!("file:{}", file.display()),
        "--replace",
    ]);
    w.ok(&[
        "forge",
        "add",
        "github",
        "--kind",
        "github",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "keyring:gh",
        "--replace",
    ]);
    let t = w.run(&["repos", "diff", "hm"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("keyring:gh") && t.stderr.contains("hyperforge secrets set gh"),
        "{}",
        t.render()
    );

    let t = w
        .cmd()
        .args(["secrets", "set", "gh"])
        .stdin(GH_TOKEN.as_bytes().to_vec())
        .output();
    t.success();
    let secrets = w.config_dir().join("secrets.yaml");
    assert_eq!(
        std::fs::metadata(&secrets).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let t = w.ok(&["secrets", "list"]);
    assert!(t.stdout.contains("gh   file"), "{}", t.render());
    w.ok(&["repos", "diff", "hm"]);
    let t = w.ok(&["forge", "auth"]);
    assert!(!t.stdout.contains("refused"), "{}", t.render());
    w.ok(&["secrets", "remove", "gh"]);
    let t = w.run(&["secrets", "remove", "gh"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let t = w
        .cmd()
        .args(["forge", "auth", "github"])
        .env("GH_TOKEN", "x")
        .output();
    assert!(t.stdout.contains("no_token"), "{}", t.render());
}

#[test]
fn damaged_files_and_unknown_names_are_named() {
    let w = World::with_org();
    let t = w.run(&["repos", "diff", "hn"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("org `hn` is not defined") && t.stderr.contains("did you mean `hm`"),
        "{}",
        t.render()
    );
    let t = w.run(&["repos", "create", "hm", "bad name"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let t = w.run(&["repos", "create", "hm", "x", "--forges", "gitlab"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("forges of org `hm`: codeberg, github"),
        "{}",
        t.render()
    );
    let t = w.run(&["repos", "update", "hm", "ghost", "--description", "x"]);
    assert_eq!(t.code, Some(3), "{}", t.render());

    let repos = w.config_dir().join("orgs/hm/repos.yaml");
    std::fs::create_dir_all(repos.parent().unwrap()).unwrap();
    std::fs::write(
        &repos,
        "version: 1\nrepos:\n  api:\n    visibility: secret\n",
    )
    .unwrap();
    let t = w.run(&["repos", "list", "hm"]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("repos.yaml:4"),
        "file and line: {}",
        t.render()
    );
    let t = w.run(&["--json", "repos", "list", "hm"]);
    let e = last(&t, "error");
    assert_eq!(e["error"]["kind"], "validation", "{e}");
    assert_eq!(
        std::fs::read_to_string(&repos).unwrap(),
        "version: 1\nrepos:\n  api:\n    visibility: secret\n",
        "left as it was"
    );

    let t = w.run(&["--json", "repos", "frobnicate"]);
    assert_eq!(t.code, Some(2), "{}", t.render());
    assert_eq!(last(&t, "error")["error"]["kind"], "usage");
}

#[test]
fn orgs_list_show_and_remove() {
    let w = World::with_org();
    let t = w.ok(&["org", "list"]);
    assert!(
        t.stdout.contains("hm (default)  codeberg,github  github"),
        "{}",
        t.render()
    );
    let t = w.ok(&["--json", "org", "show", "hm"]);
    let org = last(&t, "org");
    assert_eq!(org["owners"]["codeberg"], "acme-mirror");
    w.ok(&["repos", "create", "hm", "x"]);
    let t = w.run(&["org", "remove", "hm"]);
    assert_eq!(t.code, Some(4), "staged changes: {}", t.render());
    w.ok(&["org", "remove", "hm", "--force"]);
    assert!(
        w.config_dir().join("orgs/hm/staged-repos.yaml").exists(),
        "files kept without --purge"
    );
    let t = w.ok(&["org", "list"]);
    assert!(!t.stdout.contains("hm"), "{}", t.render());
}

#[test]
fn export_pulumi_writes_the_desired_state() {
    let w = World::with_org();
    w.ok(&[
        "repos",
        "create",
        "hm",
        "x",
        "--description",
        "d",
        "--visibility",
        "private",
    ]);
    let t = w.ok(&["export", "pulumi", "hm"]);
    assert!(
        t.stdout
            .starts_with("# Generated by `hyperforge export pulumi hm`"),
        "{}",
        t.render()
    );
    assert!(
        t.stdout.contains("github:Repository") && t.stdout.contains("gitea:Repository"),
        "{}",
        t.render()
    );
    assert!(!t.stdout.contains(GH_TOKEN));
}

#[test]
fn workspaces_bind_discover_and_clone() {
    let w = World::with_org();
    w.create_on("github", "api", None, false);
    w.ok(&["org", "import", "hm"]);
    crate::common::repo_with_commit(&w.ws.join("tool"), "a", "a\n");
    std::fs::create_dir_all(w.ws.join("not a repo name/.git")).unwrap();
    let t = w.ok(&[
        "workspace",
        "bind",
        w.ws.to_str().unwrap(),
        "hm",
        "--auto-create",
    ]);
    assert!(
        t.stderr.contains("staged: create hm/tool"),
        "{}",
        t.render()
    );
    assert!(
        t.stderr.contains("not a valid repository name"),
        "{}",
        t.render()
    );
    let t = w.ok(&["--json", "workspace", "show"]);
    let row = last(&t, "workspaces")["workspaces"][0].clone();
    assert_eq!(row["org"], "hm");
    assert_eq!(row["cloned"], serde_json::json!(["tool"]), "{row}");
    assert_eq!(row["missing"], serde_json::json!(["api"]), "{row}");
    assert_eq!(
        row["undeclared"],
        serde_json::json!(["not a repo name"]),
        "{row}"
    );
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert!(w.remote_repo("github", "tool").is_some());
    assert!(
        crate::common::git(
            &w.ws.join("tool"),
            &["ls-remote", &format!("{}/acme/tool.git", w.gh.url)]
        )
        .contains("refs/heads/main"),
        "content pushed to the new repository"
    );
    let t = w.ok(&["workspace", "clone-all", "hm"]);
    assert!(t.stderr.contains("cloned api"), "{}", t.render());
    assert!(w.ws.join("api/.git").exists());
    let remotes = crate::common::git(&w.ws.join("api"), &["remote"]);
    assert!(remotes.contains("github"), "{remotes}");
    w.ok(&["workspace", "unbind", w.ws.to_str().unwrap()]);
    let t = w.run(&["workspace", "unbind", w.ws.to_str().unwrap()]);
    assert_eq!(t.code, Some(3), "{}", t.render());
}

#[test]
fn watch_reports_each_round_and_converges_with_apply() {
    let w = World::with_org();
    w.ok(&["repos", "create", "hm", "x"]);
    let t = w.ok(&[
        "--json",
        "watch",
        "--all",
        "--rounds",
        "2",
        "--interval",
        "1",
    ]);
    let diffs: Vec<_> = crate::common::events(&t)
        .into_iter()
        .filter(|e| e["type"] == "diff")
        .collect();
    assert_eq!(diffs.len(), 2, "one diff per round: {}", t.render());
    assert_eq!(diffs[1]["to_create"].as_array().unwrap().len(), 2);
    assert!(
        w.remote_repo("github", "x").is_none(),
        "without --apply nothing changes"
    );
    w.arm(
        "codeberg",
        &serde_json::json!({"status": 500, "count": 100}),
    );
    let t = w.run(&["watch", "hm", "--apply", "--rounds", "1", "--interval", "1"]);
    assert_eq!(t.code, Some(2), "--apply needs --yes: {}", t.render());
    let t = w.run(&[
        "--json",
        "watch",
        "hm",
        "--apply",
        "--yes",
        "--rounds",
        "1",
        "--interval",
        "1",
    ]);
    assert!(
        t.stdout.contains("\"type\":\"warning\""),
        "a failed round is reported, and the watch goes on: {}",
        t.render()
    );
    assert_eq!(
        t.code,
        Some(1),
        "a bounded watch says a round failed: {}",
        t.render()
    );
    w.disarm("codeberg");
    w.ok(&[
        "watch",
        "hm",
        "--apply",
        "--yes",
        "--rounds",
        "1",
        "--interval",
        "1",
    ]);
    assert!(w.remote_repo("github", "x").is_some() && w.remote_repo("codeberg", "x").is_some());
}

#[test]
fn watch_starts_a_round_when_the_desired_state_changes() {
    use std::io::BufRead as _;
    let w = World::with_org();
    let started = std::time::Instant::now();
    let mut child = w
        .cmd()
        .args([
            "--json",
            "watch",
            "hm",
            "--apply",
            "--yes",
            "--interval",
            "60",
            "--rounds",
            "2",
        ])
        .spawn();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // The first round: nothing declared, nothing to do.
    loop {
        let line = lines.next().expect("a diff line").unwrap();
        if line.contains("\"type\":\"diff\"") {
            break;
        }
    }
    w.ok(&["repos", "create", "hm", "y"]);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the change started the round, not the 60 s interval"
    );
    assert!(
        rest.iter().any(|l| l.contains("\"type\":\"applied\"")),
        "{rest:?}"
    );
    assert!(w.remote_repo("github", "y").is_some());
}

#[test]
fn converge_with_auto_import_adopts_untracked_repositories() {
    let w = World::with_org();
    w.create_on("github", "stray", Some("made on the forge"), false);
    let d = last(&w.ok(&["--json", "repos", "diff", "hm"]), "diff");
    assert_eq!(d["untracked_remote"], serde_json::json!(["github/stray"]));
    let t = w.ok(&[
        "--json",
        "repos",
        "converge",
        "hm",
        "--yes",
        "--auto-import",
    ]);
    let d = last(&t, "diff");
    assert_eq!(d["in_sync"], serde_json::json!(["stray"]), "{}", t.render());
    assert_eq!(d["untracked_remote"], serde_json::json!([]));
    assert!(w.repos_yaml().contains("stray:"));
    let r = last(&t, "requests");
    assert!(r["total"].as_u64().unwrap() >= 4, "{r}");
}

#[test]
fn serve_answers_json_rpc_with_its_token_and_stops_on_sigterm() {
    use std::io::BufRead as _;
    let w = World::with_org();
    w.ok(&["repos", "create", "hm", "from-rpc"]);
    let mut child = w.cmd().args(["serve", "--listen", "127.0.0.1:0"]).spawn();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the start-up line")
        .to_string();
    let token_file = w.config_dir().join("hub.token");
    assert_eq!(
        std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let token = std::fs::read_to_string(&token_file)
        .unwrap()
        .trim()
        .to_string();
    let call = |auth: &str, body: &str| -> (String, String) {
        let o = std::process::Command::new("curl")
            .args([
                "-sS",
                "-o",
                "-",
                "-w",
                "\n%{http_code}",
                "-H",
                auth,
                "-H",
                "content-type: application/json",
                "-d",
                body,
            ])
            .arg(format!("{url}/rpc"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap();
        (body.to_string(), code.to_string())
    };
    let diff = r#"{"jsonrpc":"2.0","id":1,"method":"repos.diff","params":{"org":"hm"}}"#;
    let (body, code) = call("Authorization: Bearer wrong", diff);
    assert_eq!((body.as_str(), code.as_str()), ("", "401"));
    let (body, code) = call(&format!("Authorization: Bearer {token}"), diff);
    assert_eq!(code, "200", "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["result"]["to_create"].as_array().unwrap().len(), 2, "{v}");
    assert!(!body.contains(crate::common::GH_TOKEN) && !body.contains(&token));
    let sync = r#"{"jsonrpc":"2.0","id":2,"method":"repos.sync","params":{"org":"hm","yes":true}}"#;
    let (body, _) = call(&format!("Authorization: Bearer {token}"), sync);
    assert!(body.contains("\"result\""), "{body}");
    assert!(w.remote_repo("github", "from-rpc").is_some());
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops it cleanly: {status:?}");

    let t = w.run(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(t.code, Some(2), "{}", t.render());
    assert!(t.stderr.contains("loopback"), "{}", t.render());
}

#[test]
fn serve_checks_the_address_before_the_token_file_and_refuses_unsafe_token_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let w = World::with_org();
    // The address first: a refused one is a usage error and writes no token file.
    let fresh = w.config_dir().join("made/deeper/hub.token");
    let t = w.run(&[
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--token-file",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(t.code, Some(2), "{}", t.render());
    assert!(
        !fresh.exists() && !w.config_dir().join("made").exists(),
        "{}",
        t.render()
    );
    let t = w.run(&["serve", "--listen", "[::]:0"]);
    assert_eq!(t.code, Some(2), "{}", t.render());
    assert!(!w.config_dir().join("hub.token").exists());

    let dir = w.config_dir().join("tokens");
    std::fs::create_dir(&dir).unwrap();
    let token = "0123456789abcdef0123456789abcdef\n";
    // Open to the group or others: refused with a chmod hint naming the file.
    let loose = dir.join("loose.token");
    std::fs::write(&loose, token).unwrap();
    for mode in [0o640, 0o604, 0o660, 0o644] {
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(mode)).unwrap();
        let t = w.run(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--token-file",
            loose.to_str().unwrap(),
        ]);
        assert_eq!(t.code, Some(3), "{mode:o}: {}", t.render());
        assert!(
            t.stderr.contains("loose.token") && t.stderr.contains("chmod 600"),
            "{}",
            t.render()
        );
        assert!(!t.stderr.contains("0123456789abcdef"), "{}", t.render());
    }
    // A symbolic link, dangling or not: refused.
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.join("link.token");
    std::os::unix::fs::symlink(&loose, &link).unwrap();
    let dangling = dir.join("dangling.token");
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
    for f in [&link, &dangling] {
        let t = w.run(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--token-file",
            f.to_str().unwrap(),
        ]);
        assert_eq!(t.code, Some(3), "{}", t.render());
        assert!(t.stderr.contains("symbolic link"), "{}", t.render());
    }
    assert!(
        !dir.join("nowhere").exists(),
        "nothing written through a dangling link"
    );
    // Owned by another user (only testable as root, who can give a file away).
    let theirs = dir.join("theirs.token");
    std::fs::write(&theirs, token).unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o600)).unwrap();
    if std::os::unix::fs::chown(&theirs, Some(65534), None).is_ok()
        && std::fs::metadata(&theirs)
            .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
            .ok()
            == Some(65534)
    {
        let t = w.run(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--token-file",
            theirs.to_str().unwrap(),
        ]);
        assert_eq!(t.code, Some(3), "{}", t.render());
        assert!(t.stderr.contains("owned by another user"), "{}", t.render());
    }
    // Too large: says so, with the size and the limit.
    let big = dir.join("big.token");
    std::fs::write(&big, "x".repeat(5000)).unwrap();
    std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).unwrap();
    let t = w.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--token-file",
        big.to_str().unwrap(),
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("too large (5000 bytes)") && t.stderr.contains("4096"),
        "{}",
        t.render()
    );
    // A token file made in new directories: the file 0600, the directories 0700.
    let made = dir.join("a/b/hub.token");
    let mut child = w
        .cmd()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--token-file",
            made.to_str().unwrap(),
        ])
        .spawn();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.starts_with("listening on "), "{line}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&made), 0o600);
    assert_eq!(
        (mode(&dir.join("a")), mode(&dir.join("a/b"))),
        (0o700, 0o700)
    );
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn forges_over_ssh_get_marked_host_blocks_and_alias_remotes() {
    let w = World::new();
    w.ok(&[
        "forge",
        "add",
        "github",
        "--kind",
        "github",
        "--api-url",
        &w.gh.api,
        "--token-ref",
        "env:GH_TOKEN",
        "--ssh-host",
        "github.example.com",
    ]);
    w.ok(&[
        "forge",
        "add",
        "codeberg",
        "--kind",
        "gitea",
        "--api-url",
        &w.cb.api,
        "--token-ref",
        "env:CB_TOKEN",
    ]);
    w.ok(&[
        "org",
        "create",
        "hm",
        "--owner",
        "github=acme,codeberg=acme-mirror",
        "--forges",
        "github,codeberg",
        "--ssh-key",
        "~/.ssh/id_hm",
    ]);
    let t = w.run(&[
        "org",
        "create",
        "bad",
        "--owner",
        "a",
        "--forges",
        "github",
        "--ssh-key",
        "k\nProxyCommand x",
    ]);
    assert_eq!(t.code, Some(3), "{}", t.render());
    let ssh_config = w.scratch.path().join("env/home/.ssh/config");
    std::fs::create_dir_all(ssh_config.parent().unwrap()).unwrap();
    std::fs::write(&ssh_config, "Host mine\n    User me\n").unwrap();
    w.ok(&["repos", "create", "hm", "x"]);
    w.ok(&["workspace", "bind", w.ws.to_str().unwrap(), "hm"]);
    crate::common::repo_with_commit(&w.ws.join("x"), "f", "x\n");
    w.ok(&["repos", "sync", "hm", "--yes"]);
    let text = std::fs::read_to_string(&ssh_config).unwrap();
    assert!(
        text.starts_with("Host mine\n    User me\n"),
        "other lines untouched: {text}"
    );
    assert!(text.contains("# >>> hyperforge github-hm"), "{text}");
    assert!(text.contains("Host github-hm\n    HostName github.example.com\n    User git\n    IdentityFile ~/.ssh/id_hm"), "{text}");
    assert!(
        !text.contains("codeberg-hm"),
        "codeberg has no ssh_host: {text}"
    );
    let remotes = crate::common::git(&w.ws.join("x"), &["remote", "-v"]);
    assert!(
        remotes.contains("github\tgit@github-hm:acme/x.git"),
        "{remotes}"
    );
    assert!(
        remotes.contains(&format!("codeberg\t{}/acme-mirror/x.git", w.cb.url)),
        "{remotes}"
    );
    w.ok(&["repos", "sync", "hm", "--yes"]);
    assert_eq!(
        std::fs::read_to_string(&ssh_config).unwrap(),
        text,
        "idempotent"
    );
}

#[test]
fn remotes_of_existing_clones_are_set_before_the_apply() {
    let w = World::with_org();
    w.create_on("github", "api", None, false);
    w.ok(&["org", "import", "hm"]);
    w.ok(&["workspace", "bind", w.ws.to_str().unwrap(), "hm"]);
    crate::common::repo_with_commit(&w.ws.join("api"), "f", "x\n");
    w.ok(&["repos", "create", "hm", "new"]);
    let t = w.ok(&["--json", "repos", "sync", "hm", "--yes"]);
    let types: Vec<String> = crate::common::events(&t)
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_string())
        .collect();
    let remote = types
        .iter()
        .position(|t| t == "remote")
        .expect("a remote event");
    let step = types
        .iter()
        .position(|t| t == "step")
        .expect("a step event");
    assert!(remote < step, "{types:?}");
}
