//! Plain data shared by every stage: repo-relative paths, rule ids, the sites a scan found and
//! the counts derived from them. No I/O and no logic beyond small helpers; everything here sorts
//! deterministically so the lock and every report come out the same on every run.

use std::collections::BTreeMap;
use std::fmt;

/// A rule's id as users write it everywhere: `migration/rule`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(String);

impl RuleId {
    /// Joins a migration id and a rule name.
    pub fn new(migration: &str, rule: &str) -> Self {
        Self(format!("{migration}/{rule}"))
    }

    /// Wraps an id read back from a lock, where it is stored whole.
    pub fn from_lock(id: String) -> Self {
        Self(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The migration part of the id (before the first `/`).
    pub fn migration(&self) -> &str {
        self.0.split_once('/').map_or(self.0.as_str(), |(m, _)| m)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path relative to the repository root, `/`-separated, without a leading `./`.
/// Built once at the scan boundary (or when a lock is read); everything downstream uses it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RepoPath(String);

impl RepoPath {
    /// Wraps text that already is a normalised repo-relative path.
    pub fn new(path: impl Into<String>) -> Self {
        Self(path.into())
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One place where a rule matched. Lines and columns are 1-based; columns count characters
/// (Unicode scalar values), the end column is exclusive, as SARIF's default `columnKind`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    /// Line of the first matched character.
    pub line: u64,
    /// Column of the first matched character.
    pub column: u64,
    /// Line of the character after the match.
    pub end_line: u64,
    /// Column of the character after the match.
    pub end_column: u64,
    /// The text of the first matched line, without its line terminator (lossy UTF-8, capped at
    /// 240 bytes).
    pub line_text: String,
    /// For a rule with `replace`: the matched text rewritten, with capture groups expanded as
    /// `rg --replace` expands them (lossy UTF-8).
    pub replacement: Option<String>,
}

/// How many sites of one rule are kept per file. Past it a site is only counted, so a pattern
/// that matches everywhere in a huge file cannot exhaust memory; reports say how many more.
pub const MAX_SITES_KEPT: usize = 10_000;

/// One rule's sites in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSites {
    /// Every match, as `rg --count-matches` counts them.
    pub count: u64,
    /// The first [`MAX_SITES_KEPT`] of them, in file order.
    pub sites: Vec<Site>,
}

/// Every site of every rule, by rule and file. Files with no site are absent.
pub type Sites = BTreeMap<RuleId, BTreeMap<RepoPath, FileSites>>;

/// Site counts by rule and file; zero counts are omitted, but a rule may map to an empty table.
pub type Counts = BTreeMap<RuleId, BTreeMap<RepoPath, u64>>;

/// A problem with one file or directory that did not stop the walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScanWarning {
    /// The path as the walk saw it (possibly not valid UTF-8, hence lossy text).
    pub path: String,
    /// What went wrong.
    pub message: String,
    /// Whether the file could not be counted, which makes the scan incomplete.
    pub missed: bool,
}

/// What one scan found, ready for the ratchet and the reports.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// Sites of every compiled rule; each rule has an entry, maybe empty.
    pub sites: Sites,
    /// Files that were searched (and so have a known count, possibly zero).
    pub searched: Vec<RepoPath>,
    /// Files skipped because they hold binary data, counted as zero like `rg` does.
    pub binary: Vec<RepoPath>,
    /// Bytes read.
    pub bytes: u64,
    /// Per-file problems, sorted.
    pub warnings: Vec<ScanWarning>,
}

impl Findings {
    /// Counts derived from the sites.
    pub fn counts(&self) -> Counts {
        self.sites
            .iter()
            .map(|(rule, files)| {
                let per_file = files
                    .iter()
                    .filter(|(_, found)| found.count > 0)
                    .map(|(path, found)| (path.clone(), found.count))
                    .collect();
                (rule.clone(), per_file)
            })
            .collect()
    }

    /// Sites of `rule` in `path`, if any.
    pub fn sites_of(&self, rule: &RuleId, path: &RepoPath) -> Option<&FileSites> {
        self.sites.get(rule).and_then(|files| files.get(path))
    }

    /// True when some file could not be counted, so the counts are a lower bound only.
    pub fn incomplete(&self) -> bool {
        self.warnings.iter().any(|w| w.missed)
    }
}

/// Adds counts without overflowing: a hand-edited lock may hold huge numbers.
pub fn total<'a>(counts: impl IntoIterator<Item = &'a u64>) -> u64 {
    counts.into_iter().fold(0, |sum, n| sum.saturating_add(*n))
}
