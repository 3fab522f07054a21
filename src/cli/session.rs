//! What every subcommand needs: the working directory, finding and loading longtail.toml
//! (config, compiled rules, units), reading the lock, running the scan and printing its
//! warnings, and today's date.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use miette::{Diagnostic, IntoDiagnostic, WrapErr};

use super::Cli;
use crate::config::{self, Config, Date};
use crate::lock::{self, Lock};
use crate::model::{Findings, RepoPath};
use crate::rules::{self, CompiledRules};
use crate::scan::{self, ScanOptions};
use crate::units::Units;

/// Environment variable that pins "today" for deadlines (reproducible CI runs and tests).
pub(super) const TODAY_VAR: &str = "LONGTAIL_TODAY";

/// Global options and facts of this run.
#[derive(Debug)]
pub struct Session {
    /// The directory the run acts in (after `-C`).
    pub cwd: PathBuf,
    config_arg: Option<PathBuf>,
    threads: usize,
    /// `-q`
    pub quiet: bool,
    /// `-v`
    pub verbose: bool,
    /// Today's date, for deadlines.
    pub today: Date,
}

/// A loaded project: its config, compiled rules and units.
#[derive(Debug)]
pub struct Project {
    /// The validated config.
    pub config: Config,
    /// Its compiled rules.
    pub rules: CompiledRules,
    /// Its compiled units.
    pub units: Units,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
enum SessionError {
    #[error("could not find `{}` in `{}` or any parent directory", config::FILE_NAME, .0.display())]
    #[diagnostic(
        code("longtail::config::not-found"),
        help("run `longtail init` to create one, or pass --config PATH")
    )]
    NoConfig(PathBuf),
    #[error("`{}` is not a directory", .0.display())]
    #[diagnostic(code(longtail::usage::directory))]
    NotADirectory(PathBuf),
    #[error("{TODAY_VAR}={0:?} is not a date")]
    #[diagnostic(code(longtail::usage::today), help("write it as YYYY-MM-DD"))]
    BadToday(String),
    #[error("`{}` is outside the repository `{}`", .0.display(), .1.display())]
    #[diagnostic(
        code(longtail::usage::outside),
        help("name files inside the directory of longtail.toml")
    )]
    Outside(PathBuf, PathBuf),
    #[error("`{}` is not a regular file", .0.display())]
    #[diagnostic(code("longtail::usage::not-a-file"))]
    NotAFile(PathBuf),
    #[error("`{}` is not used: {}", .0.display(), .1)]
    #[diagnostic(
        code("longtail::usage::outside-repository"),
        help(
            "longtail reads and writes its config and lock only inside the repository; replace the symlink with the file"
        )
    )]
    Escapes(PathBuf, String),
    #[error("`units = \"codeowners\"` but there is no CODEOWNERS file in `{}`", .0.display())]
    #[diagnostic(
        code("longtail::config::no-codeowners"),
        help(
            "longtail looks for .github/CODEOWNERS, CODEOWNERS and docs/CODEOWNERS, as GitHub does"
        )
    )]
    NoCodeowners(PathBuf),
    #[error("`{}` is not a valid UTF-8 path", .0.display())]
    #[diagnostic(code(longtail::usage::path))]
    NotUtf8(PathBuf),
}

impl Session {
    /// Reads the global options.
    pub fn new(cli: &Cli) -> miette::Result<Self> {
        let mut cwd = std::env::current_dir()
            .into_diagnostic()
            .wrap_err("could not read the current directory")?;
        if let Some(dir) = &cli.directory {
            cwd = cwd.join(dir);
            if !cwd.is_dir() {
                return Err(SessionError::NotADirectory(dir.clone()).into());
            }
        }
        Ok(Self {
            cwd,
            config_arg: cli.config.clone(),
            threads: cli.threads.map_or(0, usize::from),
            quiet: cli.quiet,
            verbose: cli.verbose,
            today: today()?,
        })
    }

    /// The same options acting in `dir`, without `--config` (the fleet scans each repository
    /// as if started there).
    pub fn at(&self, dir: PathBuf) -> Self {
        Self {
            cwd: dir,
            config_arg: None,
            threads: self.threads,
            quiet: self.quiet,
            verbose: self.verbose,
            today: self.today,
        }
    }

    /// `--config`, as given (relative to the working directory).
    pub fn config_arg(&self) -> Option<PathBuf> {
        self.config_arg.as_ref().map(|p| self.cwd.join(p))
    }

    /// Search threads (`-j`); 0 for one per core.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Where longtail.toml is: `--config`, or the nearest one at or above the working directory.
    pub fn config_path(&self) -> miette::Result<PathBuf> {
        if let Some(path) = &self.config_arg {
            return Ok(self.cwd.join(path));
        }
        self.cwd
            .ancestors()
            .map(|dir| dir.join(config::FILE_NAME))
            .find(|candidate| candidate.is_file())
            .ok_or_else(|| SessionError::NoConfig(self.cwd.clone()).into())
    }

    /// Where a new config goes (`init`): `--config`, or longtail.toml in the working directory.
    pub fn new_config_path(&self) -> PathBuf {
        self.cwd.join(
            self.config_arg
                .as_deref()
                .unwrap_or(Path::new(config::FILE_NAME)),
        )
    }

    /// Finds, reads, validates and compiles the config, reporting every problem at once.
    pub fn load(&self) -> miette::Result<Project> {
        let path = self.config_path()?;
        if path.exists() && !path.is_file() {
            return Err(SessionError::NotAFile(path).into());
        }
        // A config that is a symlink out of its own directory would let a planted link feed
        // longtail any file on the machine.
        if let Some(root) = path.parent()
            && path.exists()
        {
            crate::confine::inside(root, &path)
                .map_err(|err| SessionError::Escapes(path.clone(), err.to_string()))?;
        }
        let text = std::fs::read_to_string(&path)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read {}", path.display()))?;
        let mut project = load_text(&path, &self.shown(&path), &text)?;
        complete_units(&mut project)?;
        Ok(project)
    }

    /// A path as the user should see it: relative to the working directory when inside it.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Reads the project's lock; `None` when there is none yet.
    pub fn read_lock(&self, project: &Project) -> miette::Result<Option<Lock>> {
        let path = self.lock_path(project)?;
        let shown = self.shown(&project.config.lock_path());
        Ok(lock::read(&path, &shown)?)
    }

    /// Where the lock is read and written: `settings.lock` resolved through any symlink, which
    /// must stay inside the repository (a link planted in the tree cannot aim a write elsewhere).
    pub fn lock_path(&self, project: &Project) -> miette::Result<PathBuf> {
        let path = project.config.lock_path();
        crate::confine::inside(&project.config.root, &path)
            .map_err(|err| SessionError::Escapes(path, err.to_string()).into())
    }

    /// Scans the whole tree, or only `only`, printing per-file warnings on stderr.
    pub fn scan(&self, project: &Project, only: Option<Vec<RepoPath>>) -> Findings {
        self.scan_skipping(project, only, &[])
    }

    /// Like [`Session::scan`], also leaving out `outputs`: the report files this run writes
    /// (they quote the very sites, and would count on the next run).
    pub fn scan_skipping(
        &self,
        project: &Project,
        only: Option<Vec<RepoPath>>,
        outputs: &[PathBuf],
    ) -> Findings {
        let config = &project.config;
        let root = normalize(&config.root);
        let mut skip = vec![
            RepoPath::new(config.file_name()),
            RepoPath::new(config.settings.lock.clone()),
        ];
        for output in outputs {
            let full = normalize(&self.cwd.join(output));
            if let Ok(relative) = full.strip_prefix(&root) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                skip.push(RepoPath::new(parts.join("/")));
            }
        }
        let options = ScanOptions {
            threads: self.threads,
            hidden: config.settings.hidden,
            only,
            skip,
        };
        let findings = scan::scan_tree(&config.root, &project.rules, &options);
        let mut err = anstream::stderr().lock();
        for warning in &findings.warnings {
            let path = crate::report::human::sanitize(&warning.path);
            let _ = if path.is_empty() {
                writeln!(err, "warning: {}", warning.message)
            } else {
                writeln!(err, "warning: {path}: {}", warning.message)
            };
        }
        findings
    }

    /// Turns command-line file names into repo paths, refusing files outside the repository.
    /// `None` when one of them is the repository root itself: the whole tree is checked.
    pub fn repo_paths(
        &self,
        project: &Project,
        files: &[PathBuf],
    ) -> miette::Result<Option<BTreeSet<RepoPath>>> {
        let root = normalize(&project.config.root);
        let mut paths = BTreeSet::new();
        for file in files {
            let full = normalize(&self.cwd.join(file));
            let relative = full
                .strip_prefix(&root)
                .map_err(|_| SessionError::Outside(file.clone(), project.config.root.clone()))?;
            let parts: Option<Vec<&str>> = relative
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect();
            let parts = parts.ok_or_else(|| SessionError::NotUtf8(file.clone()))?;
            if parts.is_empty() {
                return Ok(None);
            }
            paths.insert(RepoPath::new(parts.join("/")));
        }
        Ok(Some(paths))
    }
}

/// Parses and compiles config text, gathering validation, pattern and glob problems into one
/// report.
pub(super) fn load_text(path: &Path, name: &str, text: &str) -> miette::Result<Project> {
    let mut problems = Vec::new();
    let config = config::parse_collecting(path, name, text, &mut problems)?;
    let rules = rules::compile(&config).map_err(|p| problems.extend(p)).ok();
    let units = Units::compile(&config).map_err(|p| problems.extend(p)).ok();
    match (rules, units) {
        (Some(rules), Some(units)) if problems.is_empty() => Ok(Project {
            config,
            rules,
            units,
        }),
        _ => Err(config.problems(problems).into()),
    }
}

/// Reads what units depend on besides the config: CODEOWNERS (`units = "codeowners"`) and the
/// directories generated units are named after (so a unit with no site is listed as done).
pub(super) fn complete_units(project: &mut Project) -> miette::Result<()> {
    let root = project.config.root.clone();
    if project.config.settings.units_from == Some(config::UnitSource::Codeowners) {
        let found = crate::units::CODEOWNERS_PATHS
            .iter()
            .map(|p| root.join(p))
            .find(|p| p.is_file());
        let Some(path) = found else {
            return Err(SessionError::NoCodeowners(root).into());
        };
        crate::confine::inside(&root, &path)
            .map_err(|err| SessionError::Escapes(path.clone(), err.to_string()))?;
        let text = std::fs::read_to_string(&path)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read {}", path.display()))?;
        project
            .units
            .set_codeowners(crate::units::Codeowners::parse(&root, &text));
    }
    let depth = project.units.discovery_depth();
    if depth > 0 {
        let mut directories = Vec::new();
        let walk = ignore::WalkBuilder::new(&root)
            .max_depth(Some(depth))
            .hidden(!project.config.settings.hidden)
            .require_git(true)
            .add_custom_ignore_filename(".rgignore")
            .build();
        for entry in walk.flatten() {
            if entry.file_type().is_some_and(|t| t.is_dir())
                && let Ok(relative) = entry.path().strip_prefix(&root)
                && let Some(text) = relative.to_str()
                && !text.is_empty()
            {
                directories.push(text.replace('\\', "/"));
            }
        }
        project
            .units
            .discover(directories.iter().map(String::as_str));
    }
    Ok(())
}

/// Resolves `.` and `..` without touching the file system (the file may be gone already).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn today() -> miette::Result<Date> {
    if let Ok(text) = std::env::var(TODAY_VAR) {
        return Date::parse(&text).ok_or_else(|| SessionError::BadToday(text).into());
    }
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    Ok(Date::from_unix_days(days))
}
