//! `longtail fleet scan` and `longtail fleet report`: many repositories, one map. The scan runs
//! each repository's own check (its longtail.toml and lock, or the shared `--config` where it
//! has none) and writes its JSON report; a repository that cannot be scanned is recorded with
//! the reason and never stops the others. The report merges those files into the map.

use std::collections::BTreeSet;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use miette::{IntoDiagnostic, WrapErr};

use super::args::{FleetFormat, FleetReportArgs, FleetScanArgs};
use super::session::{self, Project, Session};
use super::{Outcome, emit};
use crate::check;
use crate::config::{self, Date, UnitSource};
use crate::diag::FileProblems;
use crate::fleet::fetch::{self, Depth};
use crate::fleet::map::{self, Broken};
use crate::fleet::{self, Repo, Source};
use crate::history::git::Repo as GitRepo;
use crate::history::{self, Every};
use crate::lock::{self, Lock};
use crate::model::Findings;
use crate::report::json::{self, HistoryPoint, Report, Repository};
use crate::report::{Options, ReportInput};

/// The shared config: for repositories that have not adopted longtail yet.
struct Shared {
    text: String,
    shown: String,
}

/// Runs `fleet scan`.
pub(super) fn scan(session: &Session, args: &FleetScanArgs) -> miette::Result<Outcome> {
    let list = session.cwd.join(&args.repos);
    let text = std::fs::read_to_string(&list)
        .into_diagnostic()
        .wrap_err_with(|| format!("could not read {}", list.display()))?;
    let base = list.parent().unwrap_or(Path::new("."));
    let repos = fleet::parse_list(&text, base)
        .map_err(|problems| FileProblems::new(&session.shown(&list), &text, problems))?;
    // Every report this list can produce, whichever shard writes it: a local repository's
    // scan leaves them out (they quote sites), and any other report in `--out` is stale.
    let names: BTreeSet<String> = repos.iter().map(|r| r.name.clone()).collect();
    let repos: Vec<Repo> = match args.shard {
        Some((index, count)) => repos
            .into_iter()
            .filter(|r| fleet::shard_of(&r.name, count) == index)
            .collect(),
        None => repos,
    };
    let shared = match session.config_arg() {
        Some(path) => Some(Shared {
            text: std::fs::read_to_string(&path)
                .into_diagnostic()
                .wrap_err_with(|| format!("could not read {}", path.display()))?,
            shown: session.shown(&path),
        }),
        None => None,
    };
    let out = session.cwd.join(&args.out);
    std::fs::create_dir_all(&out)
        .into_diagnostic()
        .wrap_err_with(|| format!("could not create {}", out.display()))?;
    let outputs: Vec<PathBuf> = names.iter().map(|n| map::report_path(&out, n)).collect();
    let cache = args
        .cache
        .as_ref()
        .map_or_else(default_cache, |c| session.cwd.join(c));

    let next = AtomicUsize::new(0);
    let broken = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    let workers = usize::from(args.concurrency).min(repos.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(repo) = repos.get(next.fetch_add(1, Ordering::Relaxed)) {
                    // A panic is a bug, but it must not stop the other repositories.
                    let scanned = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        let shared = shared.as_ref();
                        scan_one(session, repo, shared, &cache, &outputs, args.history_since)
                    }))
                    .unwrap_or_else(|_| Err(PANICKED.to_owned()));
                    let (bytes, line) = match scanned {
                        Ok(report) => {
                            let left = report.totals.remaining;
                            let line = format!(
                                "scanned {}: {left} {} left",
                                repo.name,
                                crate::report::plural(left, "site", "sites")
                            );
                            (serde_json::to_vec_pretty(&report), line)
                        }
                        Err(error) => {
                            let line = format!("not scanned {}: {}", repo.name, first_line(&error));
                            let record = Broken {
                                version: json::VERSION,
                                repository: repository(repo, None, "none"),
                                error,
                            };
                            if let Ok(mut b) = broken.lock() {
                                b.push(repo.name.clone());
                            }
                            (serde_json::to_vec_pretty(&record), line)
                        }
                    };
                    let path = map::report_path(&out, &repo.name);
                    let written = bytes.map_err(std::io::Error::other).and_then(|mut b| {
                        b.push(b'\n');
                        crate::atomic::write(&path, &b)
                    });
                    if let Err(err) = written
                        && let Ok(mut f) = failures.lock()
                    {
                        f.push(format!("could not write {}: {err}", path.display()));
                    }
                    if !session.quiet {
                        let _ = writeln!(anstream::stderr().lock(), "{line}");
                    }
                }
            });
        }
    });
    let broken = broken.into_inner().unwrap_or_default();
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.extend(remove_stale(&out, &names));
    let mut err = anstream::stderr().lock();
    for failure in &failures {
        let _ = writeln!(err, "error: {failure}");
    }
    if !session.quiet {
        let _ = writeln!(
            err,
            "{} of {} {} scanned into {}{}",
            repos.len() - broken.len(),
            repos.len(),
            crate::report::plural(repos.len() as u64, "repository", "repositories"),
            session.shown(&out),
            if broken.is_empty() {
                String::new()
            } else {
                format!("; not scanned: {}", broken.join(", "))
            }
        );
    }
    if !failures.is_empty() || (args.strict && !broken.is_empty()) {
        Ok(Outcome::Error)
    } else {
        Ok(Outcome::Success)
    }
}

/// What a repository's report says when scanning it panicked.
const PANICKED: &str = "longtail panicked while scanning this repository (a bug: please report it)";

/// Removes the reports in `out` of repositories no longer in the list (removed or renamed),
/// which `fleet report` would otherwise merge as current; returns what could not be removed.
fn remove_stale(out: &Path, names: &BTreeSet<String>) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut failures = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let stale = path.extension().is_some_and(|e| e == "json")
            && path
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|stem| !names.contains(stem))
            && entry.file_type().is_ok_and(|t| t.is_file());
        if stale && let Err(err) = std::fs::remove_file(&path) {
            failures.push(format!(
                "could not remove the stale report {}: {err}",
                path.display()
            ));
        }
    }
    failures
}

/// Runs `fleet report`.
pub(super) fn report(session: &Session, args: &FleetReportArgs) -> miette::Result<Outcome> {
    let dirs: Vec<PathBuf> = args.dirs.iter().map(|d| session.cwd.join(d)).collect();
    let entries = map::read(&dirs)?;
    let merged = map::merge(&entries, session.today);
    let mut bytes = Vec::new();
    match args.format {
        FleetFormat::Markdown => {
            crate::fleet::markdown::write(&merged, &mut bytes).into_diagnostic()?
        }
        FleetFormat::Json => {
            serde_json::to_writer_pretty(&mut bytes, &merged).into_diagnostic()?;
            bytes.push(b'\n');
        }
        FleetFormat::Html => bytes = crate::fleet::html::render(&merged).into_bytes(),
    }
    match &args.out {
        Some(path) => {
            let full = session.cwd.join(path);
            crate::atomic::write(&full, &bytes)
                .into_diagnostic()
                .wrap_err_with(|| format!("could not write {}", full.display()))?;
        }
        None => emit(&bytes)?,
    }
    Ok(Outcome::Success)
}

fn default_cache() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("longtail").join("fleet")
}

fn scan_one(
    session: &Session,
    repo: &Repo,
    shared: Option<&Shared>,
    cache: &Path,
    outputs: &[PathBuf],
    since: Option<Date>,
) -> Result<Report, String> {
    match &repo.source {
        Source::Path(dir) => scan_path(session, repo, dir, shared, outputs, since),
        Source::Url(url) => scan_url(session, repo, url, shared, cache, since),
    }
}

/// A repository on this machine: its work tree as it is, through the same session code as
/// `longtail check` run in it.
fn scan_path(
    session: &Session,
    repo: &Repo,
    dir: &Path,
    shared: Option<&Shared>,
    outputs: &[PathBuf],
    since: Option<Date>,
) -> Result<Report, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    let here = session.at(dir.to_path_buf());
    let own = dir.join(config::FILE_NAME);
    let (project, kind) = if own.is_file() {
        (here.load().map_err(render)?, "own")
    } else if let Some(shared) = shared {
        let mut project = session::load_text(&own, &shared.shown, &shared.text).map_err(render)?;
        session::complete_units(&mut project).map_err(render)?;
        (project, "shared")
    } else {
        return Err(no_config());
    };
    // A shared config's lock would be the repository's own file of that name: none is read.
    let lock = if kind == "own" {
        here.read_lock(&project).map_err(render)?
    } else {
        None
    };
    let findings = here.scan_skipping(&project, None, outputs);
    let git = GitRepo::open(dir).ok();
    let commit = git
        .as_ref()
        .and_then(|g| g.head_tree().ok())
        .map(|(c, _)| c.to_string());
    let history = match (since, &git) {
        (Some(since), Some(git)) => Some(points(session, git, &project, since)?),
        _ => None,
    };
    Ok(build(
        session,
        &project,
        &findings,
        lock.as_ref(),
        repository(repo, commit, kind),
        history,
    ))
}

/// A remote repository: fetched into the cache, its default branch's tip scanned from git
/// objects (nothing is checked out), with the config and lock of that commit.
fn scan_url(
    session: &Session,
    repo: &Repo,
    url: &str,
    shared: Option<&Shared>,
    cache: &Path,
    since: Option<Date>,
) -> Result<Report, String> {
    let git_dir = fleet::cache_path(cache, repo, url);
    let depth = since.map_or(Depth::Tip, Depth::Since);
    let commit = fetch::update(url, &git_dir, depth)?;
    let git = GitRepo::open_git_dir(&git_dir).map_err(|e| render(e.into()))?;
    let (_, tree) = git.head_tree().map_err(|e| render(e.into()))?;
    let blob_text = |path: &str| -> Result<Option<String>, String> {
        match git.blob_at(tree, path).map_err(|e| render(e.into()))? {
            Some(id) => {
                let bytes = GitRepo::read_blob(&git.handle(), id).map_err(|e| render(e.into()))?;
                Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
            }
            None => Ok(None),
        }
    };
    // Never read from or written to: the root only anchors the config's paths.
    let path = git_dir.join(config::FILE_NAME);
    let (mut project, kind) = match blob_text(config::FILE_NAME)? {
        Some(text) => {
            let shown = format!("{}:{}", repo.name, config::FILE_NAME);
            (
                session::load_text(&path, &shown, &text).map_err(render)?,
                "own",
            )
        }
        None => match shared {
            Some(shared) => (
                session::load_text(&path, &shared.shown, &shared.text).map_err(render)?,
                "shared",
            ),
            None => return Err(no_config()),
        },
    };
    if project.config.settings.units_from == Some(UnitSource::Codeowners) {
        let mut found = None;
        for candidate in crate::units::CODEOWNERS_PATHS {
            if let Some(text) = blob_text(candidate)? {
                found = Some(text);
                break;
            }
        }
        let text = found.ok_or("`units = \"codeowners\"` but the repository has no CODEOWNERS")?;
        project
            .units
            .set_codeowners(crate::units::Codeowners::parse(&project.config.root, &text));
    }
    let (findings, files) = history::base::scan_tree(&git, &project.config, &project.rules, tree)
        .map_err(|e| render(e.into()))?;
    let depth = project.units.discovery_depth();
    if depth > 0 {
        // Generated units are named after directories: those that hold searched files.
        let mut dirs = std::collections::BTreeSet::new();
        for (file, _) in &files {
            let path = file.as_str();
            for (level, (end, _)) in path.match_indices('/').enumerate() {
                if level >= depth {
                    break;
                }
                if let Some(dir) = path.get(..end) {
                    dirs.insert(dir.to_owned());
                }
            }
        }
        project.units.discover(dirs.iter().map(String::as_str));
    }
    let lock = match (kind, blob_text(&project.config.settings.lock)?) {
        ("own", Some(text)) => {
            let shown = format!("{}:{}", repo.name, project.config.settings.lock);
            Some(lock::parse(&shown, &text).map_err(|e| render(e.into()))?)
        }
        _ => None,
    };
    let history = match since {
        Some(since) => Some(points(session, &git, &project, since)?),
        None => None,
    };
    Ok(build(
        session,
        &project,
        &findings,
        lock.as_ref(),
        repository(repo, Some(commit.to_string()), kind),
        history,
    ))
}

/// Each migration's sites left at the last commit of every week since `since`.
fn points(
    session: &Session,
    git: &GitRepo,
    project: &Project,
    since: Date,
) -> Result<Vec<HistoryPoint>, String> {
    let options = history::Options {
        since: Some(since),
        every: Every::Week,
        threads: session.threads(),
        ..history::Options::default()
    };
    let scanned = history::scan_repo(git, &project.config, &project.rules, &options, &|_, _| {})
        .map_err(|e| render(e.into()))?;
    let Some((points, _)) = scanned else {
        return Ok(Vec::new());
    };
    Ok(points
        .iter()
        .map(|point| HistoryPoint {
            date: point.date.to_string(),
            remaining: project
                .config
                .migrations
                .iter()
                .map(|m| {
                    let left = crate::model::total(
                        m.rules
                            .iter()
                            .filter_map(|r| point.counts.get(&r.id))
                            .flat_map(|files| files.values()),
                    );
                    (m.id.clone(), left)
                })
                .collect(),
        })
        .collect())
}

/// The repository's JSON report, as `check --report json` would write it, naming the
/// repository (and its history).
fn build(
    session: &Session,
    project: &Project,
    findings: &Findings,
    lock: Option<&Lock>,
    repository: Repository,
    history: Option<Vec<HistoryPoint>>,
) -> Report {
    let counts = findings.counts();
    let empty = Lock::default();
    let mut verdict = check::compare(
        &project.config,
        &project.units,
        &counts,
        lock.unwrap_or(&empty),
        session.today,
    );
    if lock.is_none() {
        // Without a lock every rule is new: nothing can have risen yet.
        verdict.increases.clear();
    }
    let options = Options::default();
    let input = ReportInput {
        config: &project.config,
        units: &project.units,
        findings,
        counts: &counts,
        lock,
        verdict: &verdict,
        strict: false,
        only: None,
        today: session.today,
        version: env!("CARGO_PKG_VERSION"),
        options: &options,
    };
    let mut report = json::build(&input);
    report.repository = Some(repository);
    report.history = history;
    report
}

fn repository(repo: &Repo, commit: Option<String>, config: &str) -> Repository {
    Repository {
        name: repo.name.clone(),
        source: repo.written.clone(),
        commit,
        config: config.to_owned(),
    }
}

fn no_config() -> String {
    format!(
        "no {} in the repository, and no shared config (pass --config for repositories that \
         have not adopted longtail)",
        config::FILE_NAME
    )
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
}

/// A diagnostic as plain, compact text for the JSON file and the map: one line per problem,
/// `file:line:column: message (label); help: …`.
fn render(report: miette::Report) -> String {
    let mut lines = Vec::new();
    describe(report.as_ref(), &mut lines);
    lines.join("\n")
}

fn describe(diagnostic: &dyn miette::Diagnostic, out: &mut Vec<String>) {
    let mut line = diagnostic.to_string();
    if let (Some(source), Some(mut labels)) = (diagnostic.source_code(), diagnostic.labels())
        && let Some(label) = labels.next()
        && let Ok(at) = source.read_span(label.inner(), 0, 0)
    {
        let name = at.name().unwrap_or_default();
        line = format!("{name}:{}:{}: {line}", at.line() + 1, at.column() + 1);
        if let Some(text) = label.label() {
            line.push_str(&format!(" ({text})"));
        }
    }
    if let Some(help) = diagnostic.help() {
        line.push_str(&format!("; help: {help}"));
    }
    let related: Vec<&dyn miette::Diagnostic> =
        diagnostic.related().into_iter().flatten().collect();
    // A file with several problems lists them as related diagnostics of its own.
    if related.is_empty() || diagnostic.labels().is_some() {
        out.push(line);
    }
    for r in related {
        describe(r, out);
    }
}
