//! The scan: one parallel walk of the tree (`walk`), one read of each file, every admitted rule
//! run over the same bytes with `rg`'s searcher settings (`sink` counts). Produces `Findings`.
//! Owns ignore rules, binary and encoding policy; knows nothing of locks, reports or deadlines.

mod sink;
mod walk;

use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder};

use crate::model::{RepoPath, Site};
use crate::rules::CompiledRules;

pub use walk::{ScanOptions, scan_tree};

/// The sites one file holds, by rule index into `CompiledRules::rules`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileFindings {
    /// `(rule index, sites)` for every rule with at least one site.
    pub sites: Vec<(usize, Vec<Site>)>,
    /// Whether the file was found to hold binary data (it then counts zero, as in `rg`).
    pub binary: bool,
    /// Whether any rule admitted the file, so it was searched at all.
    pub searched: bool,
}

/// Reusable per-thread search state: one searcher for line rules, one for `-U` rules.
pub struct FileSearcher {
    lines: Searcher,
    multi: Searcher,
}

impl Default for FileSearcher {
    fn default() -> Self {
        Self::new()
    }
}

impl FileSearcher {
    /// Searchers configured as `rg` configures them for a directory search: `\n` line
    /// terminator, quit at the first NUL byte (a walked file with NUL data counts zero), BOM
    /// sniffing on (UTF-16 with a BOM is transcoded), no memory maps.
    pub fn new() -> Self {
        let build = |multi_line: bool| {
            SearcherBuilder::new()
                .line_number(true)
                .multi_line(multi_line)
                .binary_detection(BinaryDetection::quit(b'\x00'))
                .build()
        };
        Self {
            lines: build(false),
            multi: build(true),
        }
    }

    /// Searches `bytes` (the whole content of `path`) with every rule that admits the path.
    /// The bytes go through the searcher's reader path, as `rg` does for walked files, so binary
    /// detection and transcoding see every byte exactly as there.
    pub fn search(&mut self, rules: &CompiledRules, path: &RepoPath, bytes: &[u8]) -> FileFindings {
        let mut found = FileFindings::default();
        for (index, rule) in rules.rules.iter().enumerate() {
            if !rule.admits(path) {
                continue;
            }
            found.searched = true;
            let searcher = if rule.multi_line {
                &mut self.multi
            } else {
                &mut self.lines
            };
            let mut sites = Vec::new();
            let mut sink = sink::SiteSink::new(&rule.matcher, rule.replace.as_deref(), &mut sites);
            // Reading from a slice cannot fail and transcoding is lossy, so the only possible error
            // is the regex engine failing to re-find a match; the sites found so far still count.
            let _ = searcher.search_reader(&rule.matcher, bytes, &mut sink);
            if sink.saw_binary() {
                found.binary = true;
                continue;
            }
            if !sites.is_empty() {
                found.sites.push((index, sites));
            }
        }
        found
    }

    /// Whether any rule would search `path` at all (so the file needs reading).
    pub fn wanted(rules: &CompiledRules, path: &RepoPath) -> bool {
        rules.rules.iter().any(|r| r.admits(path))
    }
}
