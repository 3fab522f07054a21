//! The one parallel walk: `ignore`'s `WalkParallel` configured exactly as `rg` configures it,
//! one `FileSearcher` and one result list per worker thread, merged and sorted at the end.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use super::{FileFindings, FileSearcher};
use crate::model::{FileSites, Findings, RepoPath, ScanWarning};
use crate::rules::CompiledRules;

/// What to walk and how.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Worker threads; 0 picks one per core (as `rg -j0`).
    pub threads: usize,
    /// Search hidden files too (`rg --hidden`).
    pub hidden: bool,
    /// When set, only these files (and everything under these directories) are searched
    /// (pre-commit mode); they still pass through the same ignore rules as in a full walk, so
    /// the counts agree with a full scan.
    pub only: Option<Vec<RepoPath>>,
    /// Files never counted: longtail's own config and lock, which name the very patterns, and
    /// the reports being written.
    pub skip: Vec<RepoPath>,
}

/// What one worker found.
#[derive(Default)]
struct Partial {
    sites: Vec<(usize, RepoPath, FileSites)>,
    searched: Vec<RepoPath>,
    binary: Vec<RepoPath>,
    bytes: u64,
    warnings: Vec<ScanWarning>,
}

/// Walks `root` once and searches every file with every rule that admits it.
pub fn scan_tree(root: &Path, rules: &CompiledRules, options: &ScanOptions) -> Findings {
    let mut builder = WalkBuilder::new(root);
    // ripgrep's defaults (crates/core/flags/hiargs.rs `walk_builder`), nothing else.
    builder
        .threads(options.threads)
        .follow_links(false)
        .hidden(!options.hidden)
        .parents(true)
        .ignore(true)
        .git_global(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(true)
        .add_custom_ignore_filename(".rgignore");
    // The settings' globs narrow the walk but, unlike `rg -g`, never re-admit a file that an
    // ignore file or the hidden rule excludes: `include = ["src/**"]` must not start counting
    // gitignored build output under src/. Excluded directories are pruned, not walked.
    let globs = rules.walk_globs.clone();
    let keep = options
        .only
        .as_ref()
        .map(|only| Arc::new(Selection::new(root, only)));
    let walk_root = root.to_path_buf();
    builder.filter_entry(move |entry| {
        if keep.as_ref().is_some_and(|keep| !keep.admits(entry.path())) {
            return false;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        match entry.path().strip_prefix(&walk_root) {
            Ok(relative) if !globs.is_empty() => !globs.matched(relative, is_dir).is_ignore(),
            _ => true,
        }
    });
    let shared = Mutex::new(Vec::new());
    let skip: HashSet<&str> = options.skip.iter().map(RepoPath::as_str).collect();
    let mut workers = Workers {
        root,
        rules,
        skip: &skip,
        shared: &shared,
    };
    builder.build_parallel().visit(&mut workers);
    let partials = shared.into_inner().unwrap_or_else(PoisonError::into_inner);
    merge(rules, partials)
}

/// The paths named on the command line: the walk descends only towards them, and takes a named
/// directory whole (as `rg` does with a directory argument).
struct Selection {
    /// Every named path and each directory above it.
    on_the_way: HashSet<PathBuf>,
    /// Named paths that are directories.
    directories: Vec<PathBuf>,
}

impl Selection {
    fn new(root: &Path, only: &[RepoPath]) -> Self {
        let mut on_the_way = HashSet::new();
        let mut directories = Vec::new();
        for path in only {
            let mut full = root.to_path_buf();
            for part in path.as_str().split('/') {
                full.push(part);
                on_the_way.insert(full.clone());
            }
            if full.is_dir() {
                directories.push(full);
            }
        }
        Self {
            on_the_way,
            directories,
        }
    }

    fn admits(&self, path: &Path) -> bool {
        self.on_the_way.contains(path) || self.directories.iter().any(|d| path.starts_with(d))
    }
}

fn merge(rules: &CompiledRules, partials: Vec<Partial>) -> Findings {
    let mut findings = Findings::default();
    for rule in &rules.rules {
        findings.sites.insert(rule.id.clone(), BTreeMap::new());
    }
    for partial in partials {
        for (index, path, sites) in partial.sites {
            if let Some(rule) = rules.rules.get(index)
                && let Some(files) = findings.sites.get_mut(&rule.id)
            {
                files.insert(path, sites);
            }
        }
        findings.searched.extend(partial.searched);
        findings.binary.extend(partial.binary);
        findings.bytes += partial.bytes;
        findings.warnings.extend(partial.warnings);
    }
    findings.searched.sort();
    findings.binary.sort();
    findings.warnings.sort();
    findings
}

struct Workers<'a> {
    root: &'a Path,
    rules: &'a CompiledRules,
    skip: &'a HashSet<&'a str>,
    shared: &'a Mutex<Vec<Partial>>,
}

impl<'s> ParallelVisitorBuilder<'s> for Workers<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Worker {
            root: self.root,
            rules: self.rules,
            skip: self.skip,
            shared: self.shared,
            searcher: FileSearcher::new(),
            buffer: Vec::new(),
            partial: Partial::default(),
        })
    }
}

struct Worker<'a> {
    root: &'a Path,
    rules: &'a CompiledRules,
    skip: &'a HashSet<&'a str>,
    shared: &'a Mutex<Vec<Partial>>,
    searcher: FileSearcher,
    buffer: Vec<u8>,
    partial: Partial,
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let partial = std::mem::take(&mut self.partial);
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(partial);
    }
}

impl ParallelVisitor for Worker<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(err) => self.warn(err.to_string(), String::new(), true),
        }
        WalkState::Continue
    }
}

impl Worker<'_> {
    fn warn(&mut self, message: String, path: String, missed: bool) {
        self.partial.warnings.push(ScanWarning {
            path,
            message,
            missed,
        });
    }

    fn visit_entry(&mut self, entry: &DirEntry) {
        if let Some(err) = entry.error() {
            // A bad line in an ignore file: rg prints it and walks on, and so do we, but
            // without echoing the line: an ignore file can be a symlink to a file outside the
            // repository, and CI logs are often public.
            self.warn(ignore_file_problem(err), lossy(entry.path()), false);
        }
        // Only regular files are searched: directories are walked, and symlinks (not followed),
        // fifos, sockets and devices are skipped, as `rg` skips them.
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            return;
        }
        let Some(path) = repo_path(self.root, entry.path()) else {
            self.warn(
                "skipped: the path is not valid UTF-8, so it cannot be recorded in the lock"
                    .to_owned(),
                lossy(entry.path()),
                false,
            );
            return;
        };
        if self.skip.contains(path.as_str()) || !FileSearcher::wanted(self.rules, &path) {
            return;
        }
        let found = match self.search(entry.path(), &path) {
            Ok(found) => found,
            Err(err) => {
                self.warn(format!("could not read: {err}"), path.to_string(), true);
                return;
            }
        };
        if found.binary {
            self.partial.binary.push(path.clone());
        }
        for (index, sites) in found.sites {
            self.partial.sites.push((index, path.clone(), sites));
        }
        self.partial.searched.push(path);
    }

    /// Reads the file once and runs every rule over the bytes. The first 64 KiB decide binary
    /// files without reading the rest (a 3 GB disk image costs 64 KiB, as in rg); files over
    /// `STREAM_ABOVE` are streamed per candidate rule instead of held in memory.
    fn search(&mut self, file: &Path, path: &RepoPath) -> std::io::Result<FileFindings> {
        let mut handle = File::open(file)?;
        self.buffer.clear();
        (&mut handle)
            .take(BINARY_WINDOW as u64)
            .read_to_end(&mut self.buffer)?;
        self.partial.bytes += self.buffer.len() as u64;
        if is_binary_head(&self.buffer) {
            // Every rule would see the NUL: line searches anywhere, multi-line searches within
            // their first 64 KiB (grep-searcher's slice window).
            return Ok(FileFindings {
                binary: true,
                searched: true,
                ..FileFindings::default()
            });
        }
        let size = handle.metadata().map_or(0, |m| m.len());
        if size > STREAM_ABOVE {
            self.partial.bytes += size.saturating_sub(self.buffer.len() as u64);
            return self.searcher.search_file(self.rules, path, file);
        }
        let head = self.buffer.len() as u64;
        handle.read_to_end(&mut self.buffer)?;
        self.partial.bytes += self.buffer.len() as u64 - head;
        self.searcher.search(self.rules, path, &self.buffer)
    }
}

/// How much of a file decides whether it is binary before the rest is read: grep-searcher's
/// buffer size, which is also the window its multi-line (slice) search checks.
const BINARY_WINDOW: usize = 64 * 1024;

/// Files larger than this are streamed from disk per candidate rule rather than read into
/// memory: each thread's buffer then stays below it (a few generated kernel headers of
/// 10–24 MiB would otherwise hold that much per thread for the rest of the scan).
const STREAM_ABOVE: u64 = 4 * 1024 * 1024;

/// Whether the first bytes of a file make it binary for every rule: a NUL byte, unless a UTF-16
/// byte-order mark says the NULs are part of the text (the searcher transcodes such files).
fn is_binary_head(head: &[u8]) -> bool {
    !super::is_utf16_bom(head) && head.contains(&0)
}

/// Describes a problem reading ignore files by where it is, never by the offending text.
fn ignore_file_problem(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Partial(errors) => errors
            .iter()
            .map(ignore_file_problem)
            .collect::<Vec<_>>()
            .join("; "),
        ignore::Error::WithPath { path, err } => {
            format!("{}: {}", path.display(), ignore_file_problem(err))
        }
        ignore::Error::WithLineNumber { line, err } => {
            format!("line {line}: {}", ignore_file_problem(err))
        }
        ignore::Error::WithDepth { err, .. } => ignore_file_problem(err),
        ignore::Error::Glob { .. } => "not a valid glob; the line is ignored".to_owned(),
        ignore::Error::Io(err) => format!("could not read an ignore file: {err}"),
        other => other.to_string(),
    }
}

/// The walk's path relative to the root, `/`-separated; `None` when it is not valid UTF-8.
fn repo_path(root: &Path, path: &Path) -> Option<RepoPath> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for part in relative.components() {
        parts.push(part.as_os_str().to_str()?);
    }
    Some(RepoPath::new(parts.join("/")))
}

fn lossy(path: &Path) -> String {
    path.display().to_string()
}
