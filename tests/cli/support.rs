//! Test helpers: a temporary tree to write files into, running the real binary in it, and
//! running the real `rg` and `git` on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A temporary directory holding one test's files.
pub struct Tree {
    dir: tempfile::TempDir,
}

/// What one run of a program printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Tree {
    /// An empty tree (not a git repository: .gitignore does not apply there, as in rg).
    pub fn new() -> Self {
        Tree {
            dir: tempfile::Builder::new()
                .prefix("longtail-test-")
                .tempdir()
                .unwrap(),
        }
    }

    /// An empty git repository with a committer identity.
    pub fn git() -> Self {
        let tree = Tree::new();
        tree.run_git(&["init", "-q", "-b", "main"]);
        tree.run_git(&["config", "user.email", "test@example.com"]);
        tree.run_git(&["config", "user.name", "Test"]);
        tree.run_git(&["config", "commit.gpgsign", "false"]);
        tree
    }

    /// A fresh copy of `examples/NAME`.
    pub fn example(name: &str) -> Self {
        let tree = Tree::new();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .join(name),
            tree.path(),
        );
        tree
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file, creating its directories.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
        self
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.path().join(path).exists()
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).unwrap();
    }

    /// Runs longtail in the tree with colours off and today pinned.
    pub fn longtail(&self, args: &[&str]) -> Run {
        self.longtail_in(".", args)
    }

    /// Runs longtail in a subdirectory of the tree.
    pub fn longtail_in(&self, dir: &str, args: &[&str]) -> Run {
        self.longtail_with(dir, args, &[])
    }

    /// Runs longtail in a subdirectory with extra environment variables.
    pub fn longtail_with(&self, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = longtail_command();
        command.current_dir(self.path().join(dir)).args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        Run::from(command.output().unwrap())
    }

    /// Commits everything in the tree.
    pub fn commit(&self, message: &str) {
        self.run_git(&["add", "-A"]);
        self.run_git(&["commit", "-q", "-m", message]);
    }

    /// Every file in the tree (relative paths, sorted) with its bytes, to prove nothing changed.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let entry = entry.unwrap();
                let path = entry.path();
                let kind = entry.file_type().unwrap();
                if path.file_name().is_some_and(|n| n == ".git") {
                    continue;
                }
                if kind.is_dir() {
                    stack.push(path);
                } else if kind.is_file() {
                    let relative = path
                        .strip_prefix(self.path())
                        .unwrap()
                        .display()
                        .to_string();
                    files.push((relative, std::fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    /// Runs git in the tree and asserts it succeeded.
    pub fn run_git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs the real ripgrep in the tree; paths come back relative, without `./`.
    pub fn rg_counts(&self, args: &[String]) -> BTreeMap<String, u64> {
        let run = self.rg(&[
            &["--count-matches".to_owned(), "--with-filename".to_owned()],
            args,
        ]
        .concat());
        run.stdout
            .lines()
            .map(|line| {
                let (path, count) = line.rsplit_once(':').unwrap();
                (clean(path), count.parse().unwrap())
            })
            .collect()
    }

    /// The files the real ripgrep would search with these flags.
    pub fn rg_files(&self, args: &[String]) -> Vec<String> {
        let run = self.rg(&[&["--files".to_owned()], args].concat());
        run.stdout.lines().map(clean).collect()
    }

    fn rg(&self, args: &[String]) -> Run {
        let output = Command::new(rg())
            .current_dir(self.path())
            .arg("--no-config")
            .args(args)
            // An explicit path: with none, rg reads stdin when it is not a terminal.
            .arg("./")
            .env_remove("RIPGREP_CONFIG_PATH")
            .output()
            .unwrap();
        let run = Run::from(output);
        assert!(
            run.code == 0 || run.code == 1,
            "rg {args:?} failed: {}",
            run.stderr
        );
        run
    }
}

fn clean(path: &str) -> String {
    path.strip_prefix("./").unwrap_or(path).to_owned()
}

/// The longtail binary with a clean environment: no colour, fixed date and width.
pub fn longtail_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_longtail"));
    command
        .env("NO_COLOR", "1")
        .env("LONGTAIL_TODAY", "2026-11-25")
        .env("COLUMNS", "80")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// The real ripgrep, 14 or newer: `$LONGTAIL_TEST_RG`, then `target/tools/bin/rg` (where the
/// test script installs it), then `rg` on PATH. A missing or old rg fails the parity tests
/// loudly: they must never pass by not comparing.
pub fn rg() -> &'static Path {
    static RG: OnceLock<PathBuf> = OnceLock::new();
    RG.get_or_init(|| {
        let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/bin/rg");
        let candidates = [
            std::env::var_os("LONGTAIL_TEST_RG").map(PathBuf::from),
            Some(local),
            Some(PathBuf::from("rg")),
        ];
        for candidate in candidates.into_iter().flatten() {
            let Ok(output) = Command::new(&candidate).arg("--version").output() else {
                continue;
            };
            let version = String::from_utf8_lossy(&output.stdout);
            let major: u32 = version
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.split('.').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if major >= 14 {
                return candidate;
            }
        }
        panic!(
            "ripgrep 14 or newer is needed to check counts against rg; install it with \
             `cargo install --locked --root target/tools ripgrep` (scripts/test does) or set LONGTAIL_TEST_RG"
        )
    })
}

/// Every `(path, count)` of every rule in a lock file's text, via the library's parser.
pub fn lock_counts(text: &str) -> BTreeMap<String, BTreeMap<String, u64>> {
    let lock = longtail::lock::parse("longtail.lock", text).unwrap();
    lock.rules
        .into_iter()
        .map(|(rule, files)| {
            let files = files
                .into_iter()
                .map(|(path, count)| (path.as_str().to_owned(), count))
                .collect();
            (rule.as_str().to_owned(), files)
        })
        .collect()
}

/// A snapshot-friendly copy of output: the temporary directory's path replaced by `[TREE]`.
pub fn redact(tree: &Tree, text: &str) -> String {
    let path = tree.path().display().to_string();
    let real = tree.path().canonicalize().unwrap().display().to_string();
    text.replace(&real, "[TREE]").replace(&path, "[TREE]")
}

/// Copies a directory tree (regular files and directories only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
