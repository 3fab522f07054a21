//! The places longtail plugs into: the committed JSON Schemas equal what `longtail schema`
//! generates from the Rust types, `cargo longtail` after a real `cargo install`, and the
//! pre-commit hook run by the real `pre-commit` (from PyPI) with `try-repo` on this checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Run, Tree, longtail_command};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_committed_schemas_match_the_types() {
    let mut stale = Vec::new();
    for (which, file) in [
        ("config", "longtail.schema.json"),
        ("lock", "longtail-lock.schema.json"),
        ("report", "report.schema.json"),
        ("plan", "plan.schema.json"),
        ("fleet", "fleet.schema.json"),
    ] {
        let output = longtail_command().args(["schema", which]).output().unwrap();
        assert!(output.status.success());
        let generated = String::from_utf8(output.stdout).unwrap();
        let path = manifest_dir().join("schemas").join(file);
        if std::env::var_os("LONGTAIL_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != generated {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas (LONGTAIL_BLESS=1 rewrites them): {stale:?}"
    );
}

const CONFIG: &str = "[migrations.m.rules.r]\npattern = 'old\\('\nmessage = 'use new()'\n";

/// A committed repository with a lock: `a.py` has one site.
fn repo() -> Tree {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a.py", "old(1)\n")
        .write("b.py", "new(2)\n");
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    tree
}

/// Points a command that builds longtail with `cargo install` (ours, or pre-commit's) at one
/// shared target directory, with the release profile at opt-level 0: these tests check how the
/// binary is installed and invoked, not its speed, and unoptimised dependencies built once for
/// every such install keep the suite within CI's time.
fn shared_install_build(command: &mut Command) -> &mut Command {
    command
        .env(
            "CARGO_TARGET_DIR",
            manifest_dir().join("target/install-test"),
        )
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
}

fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn cargo_longtail_after_cargo_install() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Its own target directory (kept between runs) so it never waits on this test build's lock.
    let root = manifest_dir().join("target/install-test/root");
    run(shared_install_build(
        Command::new(&cargo)
            .args(["install", "--locked", "--quiet", "--force", "--path"])
            .arg(manifest_dir())
            .arg("--root")
            .arg(&root),
    ))
    .expect(0);
    assert!(root.join("bin/cargo-longtail").exists() && root.join("bin/longtail").exists());
    let tree = repo();
    let path = std::env::join_paths(std::iter::once(root.join("bin")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let cargo_longtail = |args: &[&str]| {
        run(Command::new(&cargo)
            .arg("longtail")
            .args(args)
            .current_dir(tree.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1"))
    };
    let ok = cargo_longtail(&["check"]).expect(0);
    assert!(ok.stdout.contains("1 site left"), "{}", ok.stdout);
    tree.write("b.py", "old(2)\n");
    let failed = cargo_longtail(&["check"]).expect(1);
    assert!(
        failed.stdout.contains("b.py: 0 → 1 site"),
        "{}",
        failed.stdout
    );
    assert!(
        cargo_longtail(&["--version"])
            .expect(0)
            .stdout
            .starts_with("longtail ")
    );
}

/// A venv with the pinned pre-commit from PyPI, kept under target/ between runs.
fn pre_commit() -> PathBuf {
    let venv = manifest_dir().join("target/pre-commit-venv");
    let bin = venv.join("bin/pre-commit");
    if !bin.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).expect(0);
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit==4.7.0",
        ]))
        .expect(0);
    }
    bin
}

#[test]
fn the_pre_commit_hook_refuses_a_commit_that_adds_a_site() {
    let pre_commit = pre_commit();
    let tree = repo();
    let try_repo = |hook: &str| {
        run(shared_install_build(&mut Command::new(&pre_commit))
            .args(["try-repo", "--color", "never"])
            .arg(manifest_dir())
            .arg(hook)
            .current_dir(tree.path())
            // try-repo installs each hook into a fresh temporary store (a `cargo install` every
            // call); the shared target directory makes that a rebuild of longtail alone.
            .env(
                "PRE_COMMIT_HOME",
                manifest_dir().join("target/pre-commit-home"),
            )
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR"))
    };
    // A staged file that adds a site: refused, and the site is named.
    tree.write("b.py", "new(2)\nold(3)\n");
    tree.run_git(&["add", "b.py"]);
    let refused = try_repo("longtail");
    assert_eq!(refused.code, 1, "{}\n{}", refused.stdout, refused.stderr);
    assert!(
        refused.stdout.contains("b.py:2:1  old(3)"),
        "{}",
        refused.stdout
    );
    assert!(
        refused.stdout.contains("b.py: 0 → 1 site"),
        "{}",
        refused.stdout
    );
    // A staged file that removes one: passes.
    tree.write("b.py", "new(2)\n");
    tree.write("a.py", "new(1)\n");
    tree.run_git(&["add", "a.py", "b.py"]);
    let passed = try_repo("longtail");
    assert_eq!(passed.code, 0, "{}\n{}", passed.stdout, passed.stderr);
    // The manual-stage hook tightens the lock.
    let update = run(shared_install_build(&mut Command::new(&pre_commit))
        .args(["try-repo", "--color", "never", "--hook-stage", "manual"])
        .arg(manifest_dir())
        .arg("longtail-update")
        .current_dir(tree.path())
        .env(
            "PRE_COMMIT_HOME",
            manifest_dir().join("target/pre-commit-home"),
        ));
    // pre-commit reports a hook that modified files as failed; the lock must now be lower.
    assert!(
        update.code == 0 || update.code == 1,
        "{}\n{}",
        update.stdout,
        update.stderr
    );
    let lock = crate::support::lock_counts(&tree.read("longtail.lock"));
    assert!(lock["m/r"].is_empty(), "{lock:?}\n{}", update.stdout);
}
