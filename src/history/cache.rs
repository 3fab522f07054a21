//! The count cache of `history`: per blob id and rule set, the count of each rule. A blob's
//! counts depend only on its bytes and the rules searched (their pattern and flags), never on
//! the commit, so each blob is scanned once across runs. Which files a rule searches (globs,
//! ignore files) is decided per path at every commit and is not cached.
//!
//! One text file, appended to: `s <set> <rule> <rule>…;` names a set's rules (by a hash of
//! what makes each count: pattern, flags, longtail's counting version), then
//! `b <blob> <set> <index>:<count>…;` gives non-zero counts. A line without its final `;` (a
//! run killed mid-write) or not understood is ignored, so the cache never makes a count wrong.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use sha2::{Digest, Sha256};

use crate::config::Rule;

/// The first line of the file; another one (a future format) makes the cache start afresh.
const HEADER: &str = "longtail history cache v1";

/// Bump when longtail counts differently, so old counts are not reused.
const COUNTING_VERSION: &str = "1";

/// The cache's file name in its directory.
pub const FILE_NAME: &str = "blob-counts-v1";

/// A rule's identity for counting: what its count depends on.
pub fn rule_key(rule: &Rule) -> u64 {
    let text = format!(
        "{COUNTING_VERSION}\0{}\0{}{}{}{}",
        rule.pattern.get_ref(),
        u8::from(rule.ignore_case),
        u8::from(rule.word),
        u8::from(rule.literal),
        u8::from(rule.multiline)
    );
    hash(text.as_bytes())
}

/// The key of a set of rules (in order).
pub fn set_key(rules: &[u64]) -> u64 {
    let mut bytes = Vec::with_capacity(rules.len() * 8);
    for rule in rules {
        bytes.extend_from_slice(&rule.to_le_bytes());
    }
    hash(&bytes)
}

fn hash(bytes: &[u8]) -> u64 {
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    u64::from_le_bytes(first)
}

/// Counts of one blob for one rule set: `(index in the set, count)`, non-zero only.
pub type BlobCounts = Vec<(u32, u64)>;

/// The cache, loaded in memory; new entries are appended by [`Cache::save`].
#[derive(Debug, Default)]
pub struct Cache {
    path: Option<PathBuf>,
    sets: HashSet<u64>,
    entries: HashMap<(ObjectId, u64), BlobCounts>,
    pending: String,
    /// Whether the file must be started afresh (missing, or another format).
    fresh: bool,
}

impl Cache {
    /// Loads the cache in `dir`; a missing or unreadable file gives an empty cache.
    pub fn load(dir: &Path) -> Self {
        let path = dir.join(FILE_NAME);
        let mut cache = Cache {
            path: Some(path.clone()),
            ..Cache::default()
        };
        let text = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            cache.fresh = true;
            return cache;
        }
        for line in lines {
            cache.parse_line(line);
        }
        cache
    }

    fn parse_line(&mut self, line: &str) -> Option<()> {
        let body = line.strip_suffix(';')?;
        let mut words = body.split(' ');
        match words.next()? {
            "s" => {
                let set = u64::from_str_radix(words.next()?, 16).ok()?;
                let rules: Option<Vec<u64>> =
                    words.map(|w| u64::from_str_radix(w, 16).ok()).collect();
                // A set line is trusted only when its rules hash to its key.
                if set_key(&rules?) == set {
                    self.sets.insert(set);
                }
            }
            "b" => {
                let blob = ObjectId::from_hex(words.next()?.as_bytes()).ok()?;
                let set = u64::from_str_radix(words.next()?, 16).ok()?;
                let mut counts = Vec::new();
                for word in words {
                    let (index, count) = word.split_once(':')?;
                    counts.push((index.parse().ok()?, count.parse().ok()?));
                }
                if self.sets.contains(&set) {
                    self.entries.insert((blob, set), counts);
                }
            }
            _ => {}
        }
        Some(())
    }

    /// The counts of `blob` for the rule set `set`, when known.
    pub fn get(&self, blob: ObjectId, set: u64) -> Option<&BlobCounts> {
        self.entries.get(&(blob, set))
    }

    /// Records the counts of `blob` for the rule set `set`, whose rules are `rules`.
    pub fn insert(&mut self, blob: ObjectId, set: u64, rules: &[u64], counts: BlobCounts) {
        if self.sets.insert(set) {
            let _ = write!(self.pending, "s {set:x}");
            for rule in rules {
                let _ = write!(self.pending, " {rule:x}");
            }
            self.pending.push_str(";\n");
        }
        let _ = write!(self.pending, "b {blob} {set:x}");
        for (index, count) in &counts {
            let _ = write!(self.pending, " {index}:{count}");
        }
        self.pending.push_str(";\n");
        self.entries.insert((blob, set), counts);
    }

    /// Appends what this run learnt to the file (creating its directory).
    pub fn save(&mut self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.pending.is_empty() {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = String::new();
        if self.fresh {
            // Start afresh: the sets already known are written again with the new lines.
            text.push_str(HEADER);
            text.push('\n');
            let mut file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(path)?;
            text.push_str(&self.pending);
            file.write_all(text.as_bytes())?;
            self.fresh = false;
        } else {
            let mut file = OpenOptions::new().create(true).append(true).open(path)?;
            // One write per run, so concurrent runs interleave whole runs, not half lines.
            file.write_all(self.pending.as_bytes())?;
        }
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_torn_lines_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let blob = ObjectId::from_hex(b"0123456789abcdef0123456789abcdef01234567").unwrap();
        let rules = [7u64, 9];
        let set = set_key(&rules);
        let mut cache = Cache::load(dir.path());
        cache.insert(blob, set, &rules, vec![(1, 3)]);
        cache.save().unwrap();
        // A torn line at the end (no `;`) must not be read as a count.
        let path = dir.path().join(FILE_NAME);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!("b {blob} {set:x} 0:1"));
        std::fs::write(&path, text).unwrap();
        let cache = Cache::load(dir.path());
        assert_eq!(cache.get(blob, set), Some(&vec![(1, 3)]));
        assert_eq!(cache.get(blob, set ^ 1), None);
    }
}
