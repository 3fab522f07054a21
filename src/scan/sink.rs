//! The searcher's sink: turns the matched lines `grep-searcher` pushes into sites, counting
//! matches inside each matched line exactly as `rg --count-matches` does (grep-printer's
//! summary printer), and remembers whether binary data was seen so the file counts as zero.

use std::io;

use grep_matcher::{Captures, Matcher};
use grep_regex::RegexMatcher;
use grep_searcher::{Searcher, Sink, SinkFinish, SinkMatch};

use crate::model::{FileSites, MAX_SITES_KEPT, Site};

use super::Edit;

/// How far past a multi-line match the regex may look to re-find it (grep-printer's
/// `MAX_LOOK_AHEAD`), so look-around behaves as in `rg`.
const MAX_LOOK_AHEAD: usize = 128;

/// Longest line text kept per site, in bytes; reports show a snippet, not a whole minified file.
const MAX_LINE_TEXT: usize = 240;

/// Collects the sites of one rule in one file.
pub(super) struct SiteSink<'a> {
    matcher: &'a RegexMatcher,
    replace: Option<&'a str>,
    found: &'a mut FileSites,
    cursor: Cursor,
    binary: bool,
    /// When fixing: every site's replacement, at absolute offsets (never capped).
    edits: Option<&'a mut Vec<Edit>>,
}

impl<'a> SiteSink<'a> {
    pub(super) fn new(
        matcher: &'a RegexMatcher,
        replace: Option<&'a str>,
        found: &'a mut FileSites,
    ) -> Self {
        Self {
            matcher,
            replace,
            found,
            cursor: Cursor::default(),
            binary: false,
            edits: None,
        }
    }

    /// Also records every site's replacement as an edit of the searched text.
    pub(super) fn recording(mut self, edits: &'a mut Vec<Edit>) -> Self {
        self.edits = Some(edits);
        self
    }

    /// Whether the searcher saw binary data; `rg` then reports the file as having no match.
    pub(super) fn saw_binary(&self) -> bool {
        self.binary
    }
}

impl Sink for SiteSink<'_> {
    type Error = io::Error;

    fn matched(&mut self, searcher: &Searcher, mat: &SinkMatch<'_>) -> Result<bool, io::Error> {
        let buf = mat.buffer();
        let range = mat.bytes_range_in_buffer();
        // As grep-printer's `find_iter_at_in_context`: a multi-line search may look a little
        // past the match; a line search must not see the line terminator.
        let end = if searcher.multi_line_with_matcher(self.matcher) {
            buf.len().min(range.end.saturating_add(MAX_LOOK_AHEAD))
        } else if range.end > 0 && buf.get(range.end - 1) == Some(&b'\n') {
            range.end - 1
        } else {
            range.end
        };
        let haystack = buf.get(..end).unwrap_or(buf);
        self.cursor
            .start_region(range.start, mat.line_number().unwrap_or(1));
        let before = self.found.count;
        let matcher = self.matcher;
        let cursor = &mut self.cursor;
        let found = &mut *self.found;
        let mut edits = self.edits.as_deref_mut();
        // Offsets in `buf` to offsets in the whole searched text.
        let base = usize::try_from(mat.absolute_byte_offset())
            .unwrap_or(usize::MAX)
            .wrapping_sub(range.start);
        let engine_error = |e: grep_matcher::NoError| io::Error::other(e.to_string());
        match self.replace {
            None => matcher
                .find_iter_at(haystack, range.start, |m| {
                    if m.start() >= range.end {
                        return false;
                    }
                    found.count += 1;
                    if found.sites.len() < MAX_SITES_KEPT {
                        found.sites.push(cursor.site(buf, m.start(), m.end()));
                    }
                    true
                })
                .map_err(engine_error)?,
            // The same iteration with capture groups, as `rg --replace` does it.
            Some(replace) => {
                let mut caps = matcher.new_captures().map_err(engine_error)?;
                let mut expanded = Vec::new();
                matcher
                    .captures_iter_at(haystack, range.start, &mut caps, |caps| {
                        let Some(m) = caps.get(0) else {
                            return false;
                        };
                        if m.start() >= range.end {
                            return false;
                        }
                        found.count += 1;
                        let keep = found.sites.len() < MAX_SITES_KEPT;
                        if !keep && edits.is_none() {
                            return true;
                        }
                        expanded.clear();
                        caps.interpolate(
                            |name| matcher.capture_index(name),
                            haystack,
                            replace.as_bytes(),
                            &mut expanded,
                        );
                        if let Some(edits) = edits.as_deref_mut() {
                            edits.push(Edit {
                                start: base.wrapping_add(m.start()),
                                end: base.wrapping_add(m.end()),
                                with: expanded.clone(),
                            });
                        }
                        if keep {
                            let mut site = cursor.site(buf, m.start(), m.end());
                            site.replacement =
                                Some(String::from_utf8_lossy(&expanded).into_owned());
                            found.sites.push(site);
                        }
                        true
                    })
                    .map_err(engine_error)?;
            }
        }
        // grep-printer records at least one match for a matched line even when re-finding it
        // fails; so do we, at the start of the line.
        if self.found.count == before {
            self.found.count += 1;
            if self.found.sites.len() < MAX_SITES_KEPT {
                let site = self.cursor.site(buf, range.start, range.start);
                self.found.sites.push(site);
            }
        }
        Ok(true)
    }

    fn finish(&mut self, _: &Searcher, finish: &SinkFinish) -> Result<(), io::Error> {
        self.binary = finish.binary_byte_offset().is_some();
        Ok(())
    }
}

/// Walks forward through a matched region, tracking line and character column, so that many
/// matches on one very long line cost one pass over it rather than one pass per match.
#[derive(Default)]
struct Cursor {
    pos: usize,
    line: u64,
    column: u64,
    line_start: usize,
}

impl Cursor {
    fn start_region(&mut self, start: usize, line: u64) {
        *self = Cursor {
            pos: start,
            line,
            column: 1,
            line_start: start,
        };
    }

    fn advance(&mut self, buf: &[u8], to: usize) {
        let from = self.pos.min(to);
        for (offset, &byte) in buf.get(from..to).unwrap_or_default().iter().enumerate() {
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
                self.line_start = from + offset + 1;
            } else if byte & 0xC0 != 0x80 {
                // Count characters, not bytes: every byte but a UTF-8 continuation byte.
                self.column += 1;
            }
        }
        self.pos = self.pos.max(to);
    }

    fn site(&mut self, buf: &[u8], start: usize, end: usize) -> Site {
        self.advance(buf, start);
        let (line, column, line_start) = (self.line, self.column, self.line_start);
        self.advance(buf, end);
        Site {
            line,
            column,
            end_line: self.line,
            end_column: self.column,
            line_text: line_text(buf, line_start),
            replacement: None,
        }
    }
}

fn line_text(buf: &[u8], start: usize) -> String {
    // Look no further than the cap: a 100 MB single-line file must not be scanned per site.
    let end = buf.len().min(start.saturating_add(MAX_LINE_TEXT));
    let window = buf.get(start..end).unwrap_or_default();
    let line = window.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut text = String::from_utf8_lossy(line).into_owned();
    if line.len() == MAX_LINE_TEXT {
        // A cut inside a character leaves a replacement character; drop it.
        while text.ends_with('\u{FFFD}') {
            text.pop();
        }
    }
    text
}
