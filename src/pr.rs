//! Pull-request mode: the tree compared with the merge base's findings instead of the lock.
//! Per rule and file, a site is *new* when the base has no site with the same whitespace-trimmed
//! line text left to match (texts are matched with multiplicity), so a PR that removes one site
//! and adds another of the same rule in the same file is caught although the count held. Files
//! the PR deleted lend their sites to the files it added, so a moved file is not new.
//! Knows nothing of git (the caller scans the base) or of reports.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::lock::Lock;
use crate::model::{Findings, RepoPath, RuleId};

/// Per rule and file, the indices (into the file's kept sites) of the sites the base lacked.
pub type NewSites = BTreeMap<RuleId, BTreeMap<RepoPath, BTreeSet<usize>>>;

/// The tree against its merge base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The base's counts as a lock, with the sites a deleted file carried into an added one
    /// counted at the added path: what the tree's counts may not exceed.
    pub base: Lock,
    /// Sites the base did not have.
    pub new_sites: NewSites,
}

impl Comparison {
    /// How many new sites there are.
    pub fn new_site_count(&self) -> usize {
        self.new_sites
            .values()
            .flat_map(|files| files.values())
            .map(BTreeSet::len)
            .sum()
    }
}

/// Compares the tree's findings (`head`) with the base's. A path is added when the base did not
/// search it, deleted when the tree does not.
pub fn compare(base: &Findings, head: &Findings) -> Comparison {
    let base_searched: BTreeSet<&RepoPath> = base.searched.iter().collect();
    let head_searched: BTreeSet<&RepoPath> = head.searched.iter().collect();
    let mut comparison = Comparison {
        base: Lock {
            rules: base.counts(),
        },
        new_sites: NewSites::new(),
    };
    for (rule, files) in &head.sites {
        let empty = BTreeMap::new();
        let base_files = base.sites.get(rule).unwrap_or(&empty);
        let texts = |path: &RepoPath| -> HashMap<&str, usize> {
            let mut texts = HashMap::new();
            for site in base_files.get(path).map_or(&[][..], |f| &f.sites[..]) {
                *texts.entry(site.line_text.trim()).or_default() += 1;
            }
            texts
        };
        // Sites of files the PR deleted, which files it added may have taken with them.
        let mut moved: HashMap<&str, usize> = HashMap::new();
        for path in base_files.keys().filter(|p| !head_searched.contains(p)) {
            for (text, n) in texts(path) {
                *moved.entry(text).or_default() += n;
            }
        }
        let locked = comparison.base.rules.entry(rule.clone()).or_default();
        for (path, found) in files.iter().filter(|(_, f)| f.count > 0) {
            let added = !base_searched.contains(path);
            let mut own = if added { HashMap::new() } else { texts(path) };
            let pool = if added { &mut moved } else { &mut own };
            let mut carried = 0;
            let mut new = BTreeSet::new();
            for (index, site) in found.sites.iter().enumerate() {
                match pool.get_mut(site.line_text.trim()) {
                    Some(left) if *left > 0 => {
                        *left -= 1;
                        carried += 1;
                    }
                    _ => {
                        new.insert(index);
                    }
                }
            }
            if added && carried > 0 {
                locked.insert(path.clone(), carried);
            }
            if !new.is_empty() {
                comparison
                    .new_sites
                    .entry(rule.clone())
                    .or_default()
                    .insert(path.clone(), new);
            }
        }
    }
    comparison
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{FileSites, Site};

    fn site(text: &str) -> Site {
        Site {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            line_text: text.to_owned(),
            replacement: None,
        }
    }

    /// Findings of rule `m/r` from `(path, [line texts])`.
    fn findings(files: &[(&str, &[&str])]) -> Findings {
        let mut findings = Findings::default();
        let rule = findings.sites.entry(RuleId::new("m", "r")).or_default();
        for (path, texts) in files {
            findings.searched.push(RepoPath::new(*path));
            if !texts.is_empty() {
                rule.insert(
                    RepoPath::new(*path),
                    FileSites {
                        count: texts.len() as u64,
                        sites: texts.iter().map(|t| site(t)).collect(),
                    },
                );
            }
        }
        findings
    }

    fn new_in(c: &Comparison, path: &str) -> Vec<usize> {
        c.new_sites
            .get(&RuleId::new("m", "r"))
            .and_then(|f| f.get(&RepoPath::new(path)))
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    fn locked(c: &Comparison, path: &str) -> u64 {
        c.base.rules[&RuleId::new("m", "r")]
            .get(&RepoPath::new(path))
            .copied()
            .unwrap_or(0)
    }

    #[test]
    fn a_swap_in_one_file_is_new_although_the_count_held() {
        let base = findings(&[("a.py", &["x = foo(1)", "y = foo(2)"])]);
        let head = findings(&[("a.py", &["  x = foo(1)", "z = foo(3)"])]);
        let c = compare(&base, &head);
        assert_eq!(new_in(&c, "a.py"), [1]);
        assert_eq!(locked(&c, "a.py"), 2);
    }

    #[test]
    fn texts_match_with_multiplicity() {
        let base = findings(&[("a.py", &["foo()"])]);
        let head = findings(&[("a.py", &["foo()", "foo()"])]);
        assert_eq!(new_in(&compare(&base, &head), "a.py"), [1]);
    }

    #[test]
    fn a_moved_file_takes_its_sites_along() {
        let base = findings(&[("old/a.py", &["foo(1)", "foo(2)"]), ("b.py", &[])]);
        let head = findings(&[("new/a.py", &["foo(1)", "foo(2)", "foo(9)"]), ("b.py", &[])]);
        let c = compare(&base, &head);
        assert_eq!(new_in(&c, "new/a.py"), [2]);
        assert_eq!(locked(&c, "new/a.py"), 2);
        // A file that stayed does not lend its sites.
        let base = findings(&[("a.py", &["foo(1)"]), ("b.py", &[])]);
        let head = findings(&[("a.py", &["foo(1)"]), ("b.py", &[]), ("c.py", &["foo(1)"])]);
        let c = compare(&base, &head);
        assert_eq!(new_in(&c, "c.py"), [0]);
        assert_eq!(locked(&c, "c.py"), 0);
    }

    proptest! {
        /// Whatever the PR did, the new sites are at least the rise in each file's count, and a
        /// tree equal to its base has none.
        #[test]
        fn new_sites_cover_every_rise(
            base in proptest::collection::vec(0u8..4, 0..8),
            head in proptest::collection::vec(0u8..4, 0..8),
        ) {
            let text = |v: &Vec<u8>| v.iter().map(|n| format!("foo({n})")).collect::<Vec<_>>();
            let (b, h) = (text(&base), text(&head));
            let b: Vec<&str> = b.iter().map(String::as_str).collect();
            let h: Vec<&str> = h.iter().map(String::as_str).collect();
            let c = compare(&findings(&[("a.py", &b)]), &findings(&[("a.py", &h)]));
            let rise = head.len().saturating_sub(base.len());
            prop_assert!(new_in(&c, "a.py").len() >= rise);
            prop_assert!(new_in(&c, "a.py").len() <= head.len());
            let same = compare(&findings(&[("a.py", &b)]), &findings(&[("a.py", &b)]));
            prop_assert_eq!(same.new_site_count(), 0);
        }
    }
}
