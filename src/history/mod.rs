//! `history`: counts at past commits of the first-parent history, read from git objects.
//! `git` lists each commit's searched files (with the ignore files of that commit), `cache`
//! remembers each blob's counts, and this module puts them together into per-commit `Counts`,
//! scanning only blobs no run has seen. `from_lock` reads the committed lock instead (no scan).
//! Knows nothing of the working tree or of output formats (`series` and `cli` do those).

pub mod base;
pub mod cache;
pub mod git;
pub mod render;
pub mod series;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::ObjectId;

use crate::config::{Config, Date};
use crate::model::{Counts, RepoPath};
use crate::rules::CompiledRules;
use crate::scan::FileSearcher;
use cache::{BlobCounts, Cache};
use git::{CommitInfo, Lister, Repo, Selection};

/// What can go wrong reading the history.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum HistoryError {
    /// No repository (or a bare one) around the config.
    #[error("`{}` is not in a git repository with a work tree", .0.display())]
    #[diagnostic(
        code("longtail::history::not-a-repository"),
        help("history reads the commits of the repository that holds longtail.toml")
    )]
    NotARepository(PathBuf),
    /// `check --base REV` names something git cannot resolve, or with no common history.
    #[error("could not find the merge base with `{0}`: {1}")]
    #[diagnostic(
        code("longtail::pr::base"),
        help(
            "fetch the base branch first (GitHub: actions/checkout with fetch-depth: 0; GitLab: GIT_DEPTH: 0), or pass a commit"
        )
    )]
    UnknownRevision(String, String),
    /// A git object could not be read.
    #[error("could not read the git history: {0}")]
    #[diagnostic(code("longtail::history::git"))]
    Git(String),
}

/// Which commits become points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Every {
    /// Every commit.
    Commit,
    /// The last commit of each day.
    Day,
    /// The last commit of each week (Monday to Sunday).
    #[default]
    Week,
}

/// How to read the history.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only commits on or after this day.
    pub since: Option<Date>,
    /// With `since`: keep the last commit before it too, as the state the window starts from.
    pub baseline: bool,
    /// Which commits become points.
    pub every: Every,
    /// At most this many points (the most recent).
    pub max: Option<usize>,
    /// Where the blob cache lives; `None` for `.git/longtail/`.
    pub cache_dir: Option<PathBuf>,
    /// Scanning threads; 0 for one per core.
    pub threads: usize,
    /// Give up (returning `None`) when more blobs than this would need scanning.
    pub budget: Option<usize>,
}

/// The counts at one commit.
#[derive(Debug, Clone)]
pub struct Point {
    /// The commit's id (hex).
    pub commit: String,
    /// Its committer date.
    pub date: Date,
    /// Sites by rule and file, as a scan of its checkout would count them.
    pub counts: Counts,
}

/// What a run read and scanned: the debug statistic tests rely on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Commits that became points.
    pub commits: usize,
    /// Distinct (blob, rule set) pairs the points needed.
    pub blobs: usize,
    /// Of those, how many were scanned in this run.
    pub scanned: usize,
    /// And how many came from the cache.
    pub cached: usize,
    /// Why the cache could not be written, if it could not.
    pub cache_error: Option<String>,
}

/// The rule set one path admits: indices into `CompiledRules::rules` and the cache key.
#[derive(Debug, Clone)]
struct RuleSet {
    rules: Vec<u32>,
    key: u64,
    keys: Vec<u64>,
}

/// The distinct rule sets of a run, and which one each path admits.
#[derive(Default)]
struct RuleSets {
    sets: Vec<RuleSet>,
    by_rules: HashMap<Vec<u32>, usize>,
    by_path: HashMap<RepoPath, usize>,
}

impl RuleSets {
    fn index(&mut self, path: &RepoPath, rules: &CompiledRules, keys: &[u64]) -> usize {
        if let Some(index) = self.by_path.get(path) {
            return *index;
        }
        let admitted: Vec<u32> = (0..rules.rules.len())
            .filter(|i| rules.rules.get(*i).is_some_and(|r| r.admits(path)))
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        let sets = &mut self.sets;
        let index = *self.by_rules.entry(admitted.clone()).or_insert_with(|| {
            let set_keys: Vec<u64> = admitted
                .iter()
                .filter_map(|i| keys.get(*i as usize).copied())
                .collect();
            sets.push(RuleSet {
                rules: admitted,
                key: cache::set_key(&set_keys),
                keys: set_keys,
            });
            sets.len() - 1
        });
        self.by_path.insert(path.clone(), index);
        index
    }
}

/// Picks the commits to report from the newest-first history: the newest of each day or week,
/// then the `max` most recent; returned oldest first.
pub fn sample(commits: Vec<CommitInfo>, every: Every, max: Option<usize>) -> Vec<CommitInfo> {
    let bucket = |date: Date| match every {
        Every::Commit => None,
        Every::Day => Some(date.unix_days()),
        // 1970-01-01 was a Thursday: shifting by 3 makes weeks start on Monday.
        Every::Week => Some((date.unix_days() + 3).div_euclid(7)),
    };
    let mut kept: Vec<CommitInfo> = Vec::new();
    for commit in commits {
        let this = bucket(commit.date);
        if this.is_some() && kept.last().map(|k| bucket(k.date)) == Some(this) {
            continue;
        }
        kept.push(commit);
    }
    if let Some(max) = max {
        kept.truncate(max);
    }
    kept.reverse();
    kept
}

/// Counts at every sampled commit. `progress(done, total)` is called as blobs are scanned.
/// `None` when more blobs than `options.budget` would need scanning.
pub fn scan(
    config: &Config,
    rules: &CompiledRules,
    options: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<(Vec<Point>, Stats)>, HistoryError> {
    scan_repo(&Repo::open(&config.root)?, config, rules, options, progress)
}

/// [`scan`] in an opened repository (the fleet's clones have no work tree).
pub fn scan_repo(
    repo: &Repo,
    config: &Config,
    rules: &CompiledRules,
    options: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<(Vec<Point>, Stats)>, HistoryError> {
    let commits = sample(commits_since(repo, options)?, options.every, options.max);
    let selection = Selection {
        rules,
        hidden: config.settings.hidden,
        skip: vec![config.file_name(), config.settings.lock.clone()],
    };
    let mut lister = Lister::new(repo, &selection);
    let mut listed = Vec::with_capacity(commits.len());
    for commit in &commits {
        listed.push(lister.files(commit.tree)?);
    }
    let keys: Vec<u64> = rules
        .rules
        .iter()
        .map(|compiled| {
            config
                .rules()
                .find(|(_, rule)| rule.id == compiled.id)
                .map_or(0, |(_, rule)| cache::rule_key(rule))
        })
        .collect();
    let mut rule_sets = RuleSets::default();
    let mut cache = match &options.cache_dir {
        Some(dir) => Cache::load(dir),
        None => Cache::load(&repo.cache_dir()),
    };
    let mut needed = HashSet::new();
    let mut todo: Vec<(ObjectId, usize, RepoPath)> = Vec::new();
    let mut per_commit_sets = Vec::with_capacity(listed.len());
    for files in &listed {
        let mut indices = Vec::with_capacity(files.len());
        for (path, blob) in files.iter() {
            let index = rule_sets.index(path, rules, &keys);
            indices.push(index);
            let key = rule_sets.sets.get(index).map_or(0, |s| s.key);
            if needed.insert((*blob, key)) && cache.get(*blob, key).is_none() {
                todo.push((*blob, index, path.clone()));
            }
        }
        per_commit_sets.push(indices);
    }
    let sets = rule_sets.sets;
    let mut stats = Stats {
        commits: commits.len(),
        blobs: needed.len(),
        scanned: todo.len(),
        cached: needed.len() - todo.len(),
        cache_error: None,
    };
    if options.budget.is_some_and(|budget| todo.len() > budget) {
        return Ok(None);
    }
    for (blob, index, counts) in scan_blobs(repo, rules, &sets, &todo, options, progress)? {
        if let Some(set) = sets.get(index) {
            cache.insert(blob, set.key, &set.keys, counts);
        }
    }
    if let Err(err) = cache.save() {
        stats.cache_error = Some(err.to_string());
    }
    let mut points = Vec::with_capacity(commits.len());
    for ((commit, files), indices) in commits.iter().zip(&listed).zip(&per_commit_sets) {
        let mut counts: Counts = rules
            .rules
            .iter()
            .map(|r| (r.id.clone(), BTreeMap::new()))
            .collect();
        for ((path, blob), index) in files.iter().zip(indices) {
            let Some(set) = sets.get(*index) else {
                continue;
            };
            for (position, count) in cache.get(*blob, set.key).into_iter().flatten() {
                let rule = set
                    .rules
                    .get(*position as usize)
                    .and_then(|i| rules.rules.get(*i as usize));
                if let Some(rule) = rule
                    && *count > 0
                    && let Some(files) = counts.get_mut(&rule.id)
                {
                    files.insert(path.clone(), *count);
                }
            }
        }
        points.push(Point {
            commit: commit.id.to_string(),
            date: commit.date,
            counts,
        });
    }
    Ok(Some((points, stats)))
}

type Scanned = Vec<(ObjectId, usize, BlobCounts)>;

/// Scans blobs in parallel, each thread with its own repository handle and searcher.
fn scan_blobs(
    repo: &Repo,
    rules: &CompiledRules,
    sets: &[RuleSet],
    todo: &[(ObjectId, usize, RepoPath)],
    options: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Scanned, HistoryError> {
    if todo.is_empty() {
        return Ok(Vec::new());
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(todo.len());
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<Scanned, HistoryError>>> = Mutex::new(Vec::new());
    let handles: Vec<gix::Repository> = (0..threads).map(|_| repo.handle()).collect();
    std::thread::scope(|scope| {
        for handle in handles {
            let (next, done, results) = (&next, &done, &results);
            scope.spawn(move || {
                let mut searcher = FileSearcher::new();
                let mut found = Vec::new();
                let outcome = loop {
                    let Some((blob, index, path)) = todo.get(next.fetch_add(1, Ordering::Relaxed))
                    else {
                        break Ok(found);
                    };
                    let bytes = match Repo::read_blob(&handle, *blob) {
                        Ok(bytes) => bytes,
                        Err(err) => break Err(err),
                    };
                    let result = match searcher.search(rules, path, &bytes) {
                        Ok(result) => result,
                        Err(err) => break Err(HistoryError::Git(format!("{path}: {err}"))),
                    };
                    let set = sets.get(*index).map_or(&[][..], |s| s.rules.as_slice());
                    let counts: BlobCounts = result
                        .sites
                        .iter()
                        .filter(|(_, sites)| sites.count > 0)
                        .filter_map(|(rule, sites)| {
                            let rule = u32::try_from(*rule).ok()?;
                            let position = set.iter().position(|r| *r == rule)?;
                            Some((u32::try_from(position).ok()?, sites.count))
                        })
                        .collect();
                    found.push((*blob, *index, counts));
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, todo.len());
                };
                if let Ok(mut all) = results.lock() {
                    all.push(outcome);
                }
            });
        }
    });
    let mut scanned = Vec::with_capacity(todo.len());
    for outcome in results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        scanned.extend(outcome?);
    }
    Ok(scanned)
}

/// The committed lock at each first-parent commit that changed it, oldest first (no scan).
/// Returns the points and a note per lock that could not be parsed (e.g. conflict markers).
pub fn from_lock(
    config: &Config,
    options: &Options,
) -> Result<(Vec<Point>, Vec<String>), HistoryError> {
    let repo = Repo::open(&config.root)?;
    let commits = repo.first_parent(options.since)?;
    let mut blobs = Vec::with_capacity(commits.len());
    for commit in &commits {
        blobs.push(repo.blob_at(commit.tree, &config.settings.lock)?);
    }
    let handle = repo.handle();
    let mut points = Vec::new();
    let mut notes = Vec::new();
    for (index, commit) in commits.iter().enumerate() {
        let Some(Some(blob)) = blobs.get(index) else {
            continue;
        };
        let older = blobs.get(index + 1).copied().flatten();
        if older == Some(*blob) {
            continue;
        }
        let bytes = Repo::read_blob(&handle, *blob)?;
        let text = String::from_utf8_lossy(&bytes);
        match crate::lock::parse(&config.settings.lock, &text) {
            Ok(lock) => points.push(Point {
                commit: commit.id.to_string(),
                date: commit.date,
                counts: lock.rules,
            }),
            Err(_) => notes.push(format!(
                "the lock at {} could not be read; that commit is left out",
                commit.id.to_hex_with_len(10)
            )),
        }
        if options.max.is_some_and(|max| points.len() >= max) {
            break;
        }
    }
    points.reverse();
    if !options.baseline
        && let Some(since) = options.since
    {
        points.retain(|p| p.date >= since);
    }
    Ok((points, notes))
}

/// The first-parent commits to consider, newest first.
fn commits_since(repo: &Repo, options: &Options) -> Result<Vec<CommitInfo>, HistoryError> {
    let mut commits = repo.first_parent(options.since)?;
    if !options.baseline
        && let Some(since) = options.since
    {
        commits.retain(|c| c.date >= since);
    }
    Ok(commits)
}

/// Whether the default cache exists: someone ran `history` here before, so a run over the
/// recent weeks is cheap (the job summary then shows the chart).
pub fn warm(root: &Path) -> bool {
    Repo::open(root).is_ok_and(|repo| repo.cache_dir().join(cache::FILE_NAME).is_file())
}
