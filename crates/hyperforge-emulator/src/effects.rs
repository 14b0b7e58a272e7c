//! What a change to the model does on disk: the bare repository made, moved or removed, and
//! `state.json` rewritten, so a push right after a create (or a restart) finds it.

use crate::app::App;
use crate::model::Repo;

/// Log a problem on stderr (the emulator's log); the HTTP answer has already been decided.
pub fn log(message: &str) {
    #[allow(clippy::print_stderr, reason = "stderr is the emulator's log")]
    {
        eprintln!("forge-emulator: {message}");
    }
}

async fn save(app: &App) {
    if let Err(e) = app.save().await {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        log(&text);
    }
}

async fn git(args: &[&str], dir: Option<&std::path::Path>) {
    let mut command = tokio::process::Command::new("git");
    command
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if let Some(dir) = dir {
        command.arg(dir);
    }
    match command.output().await {
        Ok(out) if out.status.success() => {}
        Ok(out) => log(&format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => log(&format!("cannot run git: {e}")),
    }
}

/// A repository was created: make its bare repository.
pub async fn created(app: &App, repo: &Repo) {
    let dir = app.git_dir(&repo.owner, &repo.name);
    if !dir.exists() {
        let branch = format!("--initial-branch={}", repo.default_branch);
        git(&["init", "--quiet", "--bare", &branch], Some(&dir)).await;
    }
    save(app).await;
}

/// A repository changed: move it on a rename, point HEAD at a new default branch.
pub async fn patched(app: &App, before: &Repo, after: &Repo) {
    let (from, to) = (
        app.git_dir(&before.owner, &before.name),
        app.git_dir(&after.owner, &after.name),
    );
    if from != to
        && let Err(e) = tokio::fs::rename(&from, &to).await
    {
        log(&format!(
            "cannot move `{}` to `{}`: {e}",
            from.display(),
            to.display()
        ));
    }
    if before.default_branch != after.default_branch {
        let head = format!("refs/heads/{}", after.default_branch);
        let git_dir = format!("--git-dir={}", to.display());
        git(&[&git_dir, "symbolic-ref", "HEAD", &head], None).await;
    }
    save(app).await;
}

/// A repository was deleted: remove its bare repository.
pub async fn deleted(app: &App, repo: &Repo) {
    let dir = app.git_dir(&repo.owner, &repo.name);
    if let Err(e) = tokio::fs::remove_dir_all(&dir).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        log(&format!("cannot remove `{}`: {e}", dir.display()));
    }
    save(app).await;
}
