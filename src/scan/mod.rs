//! The scan: one parallel walk of the tree (`walk`), one read of each file, every admitted rule
//! run over the same bytes with `rg`'s searcher settings (`sink` counts). Produces `Findings`.
//! Owns ignore rules, binary and encoding policy; knows nothing of locks, reports or deadlines.

mod sink;
mod walk;

use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder};

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::model::{FileSites, RepoPath};
use crate::rules::{CompiledRule, CompiledRules};

pub use walk::{ScanOptions, scan_tree};

/// The sites one file holds, by rule index into `CompiledRules::rules`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileFindings {
    /// `(rule index, sites)` for every rule with at least one site.
    pub sites: Vec<(usize, FileSites)>,
    /// Whether the file was found to hold binary data (it then counts zero, as in `rg`).
    pub binary: bool,
    /// Whether any rule admitted the file, so it was searched at all.
    pub searched: bool,
}

/// Reusable per-thread search state: one searcher for line rules, one for `-U` rules.
pub struct FileSearcher {
    lines: Searcher,
    multi: Searcher,
    /// For already decoded text (fixing): no BOM sniffing, no binary detection.
    raw_lines: Searcher,
    raw_multi: Searcher,
    /// Per rule, whether the prefilter lets it search the current file.
    wanted: Vec<bool>,
    /// Scratch space of the prefilter over a streamed file (released after each).
    chunk: Vec<u8>,
}

/// One replacement in a searched text: the byte range `start..end` becomes `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Start of the matched bytes.
    pub start: usize,
    /// End (exclusive) of the matched bytes.
    pub end: usize,
    /// The rule's replacement with capture groups expanded.
    pub with: Vec<u8>,
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
        let raw = |multi_line: bool| {
            SearcherBuilder::new()
                .line_number(true)
                .multi_line(multi_line)
                .bom_sniffing(false)
                .build()
        };
        Self {
            lines: build(false),
            multi: build(true),
            raw_lines: raw(false),
            raw_multi: raw(true),
            wanted: Vec::new(),
            chunk: Vec::new(),
        }
    }

    /// Searches `bytes` (the whole content of `path`) with every rule that admits the path.
    /// The bytes go through the searcher's reader path, as `rg` does for walked files, so binary
    /// detection and transcoding see every byte exactly as there.
    /// An error means a rule's matcher could not be built (see `LazyMatcher`): the file's
    /// counts are unknown, never silently zero.
    pub fn search(
        &mut self,
        rules: &CompiledRules,
        path: &RepoPath,
        bytes: &[u8],
    ) -> io::Result<FileFindings> {
        // The prefilter sees raw bytes; a UTF-16 file is only text after transcoding.
        match &rules.prefilter {
            Some(prefilter) if !is_utf16_bom(bytes) => {
                prefilter.candidates(bytes, &mut self.wanted)
            }
            _ => self.wanted.clear(),
        }
        self.search_each(rules, path, |searcher, matcher, sink| {
            // Reading from a slice cannot fail and transcoding is lossy, so the only possible
            // error is the regex engine failing to re-find a match; the sites so far still count.
            let _ = searcher.search_reader(matcher, bytes, sink);
            Ok(())
        })
    }

    /// Searches a file too large to hold in memory with bounded memory: the prefilter reads it
    /// once in chunks, then each candidate rule streams it from disk (`rg`'s own path for
    /// walked files), at the cost of one read per candidate rule.
    pub fn search_file(
        &mut self,
        rules: &CompiledRules,
        path: &RepoPath,
        file: &Path,
    ) -> io::Result<FileFindings> {
        self.wanted.clear();
        if let Some(prefilter) = &rules.prefilter {
            let mut handle = File::open(file)?;
            let mut head = Vec::with_capacity(2);
            (&mut handle).take(2).read_to_end(&mut head)?;
            if !is_utf16_bom(&head) {
                let reader = io::Cursor::new(head).chain(handle);
                prefilter.candidates_streamed(reader, &mut self.wanted, &mut self.chunk)?;
                self.chunk = Vec::new();
            }
        }
        self.search_each(rules, path, |searcher, matcher, sink| {
            searcher.search_path(matcher, file, sink)
        })
    }

    fn search_each(
        &mut self,
        rules: &CompiledRules,
        path: &RepoPath,
        mut search: impl FnMut(
            &mut Searcher,
            &grep_regex::RegexMatcher,
            &mut sink::SiteSink<'_>,
        ) -> io::Result<()>,
    ) -> io::Result<FileFindings> {
        let mut found = FileFindings::default();
        for (index, rule) in rules.rules.iter().enumerate() {
            if !rule.admits(path) {
                continue;
            }
            found.searched = true;
            // Without a prefilter verdict (empty) every rule searches.
            if self.wanted.get(index) == Some(&false) {
                continue;
            }
            let searcher = if rule.multi_line {
                &mut self.multi
            } else {
                &mut self.lines
            };
            let matcher = rule.matcher.get()?;
            let mut sites = FileSites::default();
            let mut sink = sink::SiteSink::new(matcher, rule.replace.as_deref(), &mut sites);
            search(searcher, matcher, &mut sink)?;
            if sink.saw_binary() {
                found.binary = true;
                continue;
            }
            if sites.count > 0 {
                found.sites.push((index, sites));
            }
        }
        Ok(found)
    }

    /// The replacements `rule` makes in `text`: one edit per site the scan counts there, in
    /// order, with `(sites counted, edits)`. `text` is a file's decoded content without its
    /// byte-order mark, known not to be binary, so it is searched as it stands; a counted site
    /// without an edit (the regex failed to re-find it) shows as fewer edits than sites.
    pub fn edits(&mut self, rule: &CompiledRule, text: &[u8]) -> (u64, Vec<Edit>) {
        let searcher = if rule.multi_line {
            &mut self.raw_multi
        } else {
            &mut self.raw_lines
        };
        // The scan counted sites with this rule, so its matcher is built already.
        let Ok(matcher) = rule.matcher.get() else {
            return (0, Vec::new());
        };
        let mut sites = FileSites::default();
        let mut edits = Vec::new();
        let mut sink =
            sink::SiteSink::new(matcher, rule.replace.as_deref(), &mut sites).recording(&mut edits);
        // As in `search`: the only possible error is the regex failing to re-find a match.
        let _ = searcher.search_slice(matcher, text, &mut sink);
        (sites.count, edits)
    }

    /// Whether any rule would search `path` at all (so the file needs reading).
    pub fn wanted(rules: &CompiledRules, path: &RepoPath) -> bool {
        rules.rules.iter().any(|r| r.admits(path))
    }
}

/// Whether `bytes` start with a UTF-16 byte-order mark (the searcher then transcodes them).
pub(crate) fn is_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The in-memory path (every file up to 4 MiB) and the streaming path (larger files) must
    /// count the same, including the traps: late NULs, UTF-16, CRLF, multi-line matches.
    #[test]
    fn streaming_and_in_memory_searches_agree() {
        let config = crate::config::parse(
            Path::new("/r/longtail.toml"),
            "longtail.toml",
            "[migrations.m.rules.line]\npattern = 'foo$'\nmessage = 'm'\n\
             [migrations.m.rules.multi]\npattern = 'foo\\n\\s*bar'\nmultiline = true\nmessage = 'm'\n\
             [migrations.m.rules.fix]\npattern = 'f(o+)'\nreplace = 'b$1'\nmessage = 'm'\n",
        )
        .unwrap();
        let rules = crate::rules::compile(&config).unwrap();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "foo\n bar foo\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let late_nul = [&b"foo\n".repeat(30_000)[..], b"\0"].concat();
        let cases: [&[u8]; 5] = [
            b"foo\n  bar\nfoo",
            b"foo\r\nbar foo\n",
            &utf16,
            &late_nul,
            b"",
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut searcher = FileSearcher::new();
        let path = RepoPath::new("f.txt");
        let mut counted = Vec::new();
        for bytes in cases {
            let file = dir.path().join("f.txt");
            std::fs::write(&file, bytes).unwrap();
            let in_memory = searcher.search(&rules, &path, bytes).unwrap();
            let streamed = searcher.search_file(&rules, &path, &file).unwrap();
            assert_eq!(in_memory, streamed, "{:?}", String::from_utf8_lossy(bytes));
            counted.push((
                in_memory.binary,
                in_memory.sites.iter().map(|(_, f)| f.count).sum::<u64>(),
            ));
        }
        // Not vacuous: the plain cases match, the late NUL makes the file binary.
        assert_eq!(
            counted,
            [(false, 5), (false, 3), (false, 4), (true, 0), (false, 0)]
        );
    }
}
