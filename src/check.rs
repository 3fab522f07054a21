//! The ratchet: compares current counts with the lock at the configured granularity, and
//! remaining sites with migration deadlines. Pure: no I/O, no clock (today is passed in), no
//! formats; it returns a `Verdict` that the reports render and the CLI turns into an exit code.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Config, Date, Granularity};
use crate::lock::Lock;
use crate::model::{Counts, RepoPath, RuleId, total};
use crate::units::Units;

/// What a compared count is counted over.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// One file (`ratchet = "file"`).
    File(RepoPath),
    /// One unit of work (`ratchet = "unit"`).
    Unit(String),
    /// The whole repository (`ratchet = "rule"`).
    Repo,
}

/// A count that differs from the lock.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The rule.
    pub rule: RuleId,
    /// Where the count is taken.
    pub scope: Scope,
    /// The locked count.
    pub locked: u64,
    /// The current count.
    pub now: u64,
}

/// A migration past its deadline that still has sites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overdue {
    /// The migration's id.
    pub migration: String,
    /// Its deadline.
    pub deadline: Date,
    /// Sites left.
    pub remaining: u64,
}

/// A migration whose deadline is within its `warn_days` while sites remain: a warning only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueSoon {
    /// The migration's id.
    pub migration: String,
    /// Its deadline.
    pub deadline: Date,
    /// Days until the deadline (0 on the day itself).
    pub days_left: i64,
    /// Sites left.
    pub remaining: u64,
}

/// The ratchet's verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Counts that rose above the lock: each fails the check.
    pub increases: Vec<Change>,
    /// Counts that fell below the lock: `update` can tighten it.
    pub decreases: Vec<Change>,
    /// Configured rules the lock does not know yet, with their current totals.
    pub new_rules: Vec<(RuleId, u64)>,
    /// Rules in the lock that the config no longer has.
    pub removed_rules: Vec<RuleId>,
    /// Migrations past their deadline with sites left: each fails the check.
    pub overdue: Vec<Overdue>,
    /// Migrations close to their deadline (`warn_days`) with sites left: warned, not failed.
    pub due_soon: Vec<DueSoon>,
    /// Whether `update` would write a different lock.
    pub stale: bool,
    /// Pull-request mode (`check --base`): the sites the merge base did not have, by rule and
    /// file; `None` outside it. The counts above are then compared with the base, not the lock.
    pub new_sites: Option<crate::pr::NewSites>,
    /// Whether new sites fail the check (`--new-sites fail`).
    pub new_sites_fail: bool,
}

impl Verdict {
    /// Sites fewer than the lock allows, over every count that went down.
    pub fn sites_fewer(&self) -> u64 {
        self.decreases
            .iter()
            .fold(0, |sum, c| sum.saturating_add(c.locked - c.now))
    }

    /// Sites more than the lock allows, over every count that rose.
    pub fn sites_more(&self) -> u64 {
        self.increases
            .iter()
            .fold(0, |sum, c| sum.saturating_add(c.now - c.locked))
    }

    /// Whether the check fails: a count rose, a deadline passed, (strict) the lock is stale,
    /// or (`--new-sites fail`) the pull request added a site.
    pub fn failed(&self, strict: bool) -> bool {
        !self.increases.is_empty()
            || !self.overdue.is_empty()
            || (strict && self.stale)
            || (self.new_sites_fail && self.new_site_count() > 0)
    }

    /// How many sites are new against the merge base (pull-request mode).
    pub fn new_site_count(&self) -> usize {
        self.new_sites
            .iter()
            .flat_map(|rules| rules.values())
            .flat_map(|files| files.values())
            .map(|s| s.len())
            .sum()
    }

    /// Whether site `index` of `rule` in `path` is new against the merge base.
    pub fn is_new_site(&self, rule: &RuleId, path: &RepoPath, index: usize) -> bool {
        self.new_sites
            .as_ref()
            .and_then(|rules| rules.get(rule))
            .and_then(|files| files.get(path))
            .is_some_and(|sites| sites.contains(&index))
    }
}

/// Counts to compare when only some paths were scanned (pre-commit mode): the lock's counts for
/// every file outside `scope` (files, or directories taken whole) that still `exists`, the
/// scan's for those inside. A file renamed away (pre-commit names only the new name) counts 0,
/// so moving sites within a unit passes as it does in a full scan.
pub fn overlay(
    lock: &Lock,
    scanned: &Counts,
    scope: &BTreeSet<RepoPath>,
    exists: impl Fn(&RuleId, &RepoPath) -> bool,
) -> Counts {
    let scope = ScopeRanges::new(scope);
    scanned
        .iter()
        .map(|(rule, found)| {
            let mut files: BTreeMap<RepoPath, u64> = lock
                .rules
                .get(rule)
                .map(|locked| {
                    scope
                        .outside(locked)
                        .filter(|(path, _)| exists(rule, path))
                        .map(|(path, count)| (path.clone(), *count))
                        .collect()
                })
                .unwrap_or_default();
            files.extend(found.iter().map(|(p, c)| (p.clone(), *c)));
            (rule.clone(), files)
        })
        .collect()
}

/// The paths a scope names, as sorted ranges of the lock's sorted paths: a named path `p`
/// covers `p` itself and everything from `p/` up to (not including) `p0` (`0` follows `/`).
/// Walking a lock's entries against them costs a comparison or two per entry: no hashing and
/// no look-up per directory (the kernel's lock has 32,000 entries; pre-commit reads all).
struct ScopeRanges(Vec<(String, String)>);

impl ScopeRanges {
    fn new(scope: &BTreeSet<RepoPath>) -> Self {
        let mut ranges: Vec<(String, String)> = scope
            .iter()
            .flat_map(|named| {
                let p = named.as_str();
                [
                    (p.to_owned(), format!("{p}\0")),
                    (format!("{p}/"), format!("{p}0")),
                ]
            })
            .collect();
        ranges.sort();
        Self(ranges)
    }

    /// The entries of `locked` (sorted by path) no named path covers.
    fn outside<'a, V>(
        &'a self,
        locked: &'a BTreeMap<RepoPath, V>,
    ) -> impl Iterator<Item = (&'a RepoPath, &'a V)> + 'a {
        let mut next = 0;
        locked.iter().filter(move |(path, _)| {
            let path = path.as_str();
            // Ranges may overlap (a named directory and a file in it): skip every range that
            // ends at or before this path; the rest start in sorted order.
            while self
                .0
                .get(next)
                .is_some_and(|(_, end)| end.as_str() <= path)
            {
                next += 1;
            }
            !self
                .0
                .get(next..)
                .unwrap_or_default()
                .iter()
                .take_while(|(start, _)| start.as_str() <= path)
                .any(|(_, end)| path < end.as_str())
        })
    }
}

/// `overlay`, asking `exists` only where the answer can change the verdict. A file renamed
/// away counts 0 so that a site moved into a named file passes under the unit or rule ratchet;
/// under the file ratchet an unnamed file can never fail the check, so its lock entry stands.
/// Asking about every locked file would cost one `stat` per lock entry on every commit
/// (32,000 of them on the kernel tree: 300 ms of a hook that should take milliseconds).
pub fn overlay_for_verdict(
    config: &Config,
    units: &Units,
    lock: &Lock,
    scanned: &Counts,
    scope: &BTreeSet<RepoPath>,
    today: Date,
    exists: impl Fn(&RepoPath) -> bool,
) -> Counts {
    let assumed = overlay(lock, scanned, scope, |_, _| true);
    if config.settings.ratchet == Granularity::File {
        return assumed;
    }
    let verdict = compare(config, units, &assumed, lock, today);
    let rose: BTreeSet<&RuleId> = verdict.increases.iter().map(|c| &c.rule).collect();
    if rose.is_empty() {
        return assumed;
    }
    overlay(lock, scanned, scope, |rule, path| {
        !rose.contains(rule) || exists(path)
    })
}

/// Compares `now` (one entry per configured rule) with `lock`.
pub fn compare(config: &Config, units: &Units, now: &Counts, lock: &Lock, today: Date) -> Verdict {
    let granularity = config.settings.ratchet;
    let mut verdict = Verdict::default();
    for (rule, files) in now {
        let Some(locked) = lock.rules.get(rule) else {
            verdict
                .new_rules
                .push((rule.clone(), total(files.values())));
            continue;
        };
        let mut record = |scope: &Scope, locked: u64, now: u64| {
            if now == locked {
                return;
            }
            let change = Change {
                rule: rule.clone(),
                scope: scope.clone(),
                locked,
                now,
            };
            if now > locked {
                verdict.increases.push(change);
            } else {
                verdict.decreases.push(change);
            }
        };
        if granularity == Granularity::File {
            // Both sides are sorted by path: one merge, no regrouping (a lock can hold tens of
            // thousands of files, and pre-commit runs this on every commit).
            let mut locked = locked.iter().peekable();
            let mut current = files.iter().peekable();
            loop {
                let (path, was, now) = match (locked.peek(), current.peek()) {
                    (None, None) => break,
                    (Some((l, was)), Some((c, now))) if l == c => {
                        let step = (*l, **was, **now);
                        locked.next();
                        current.next();
                        step
                    }
                    (Some((l, was)), Some((c, _))) if l < c => {
                        let step = (*l, **was, 0);
                        locked.next();
                        step
                    }
                    (Some((l, was)), None) => {
                        let step = (*l, **was, 0);
                        locked.next();
                        step
                    }
                    (_, Some((c, now))) => {
                        let step = (*c, 0, **now);
                        current.next();
                        step
                    }
                };
                if was != now {
                    record(&Scope::File(path.clone()), was, now);
                }
            }
            continue;
        }
        let locked = group(locked, granularity, units);
        let current = group(files, granularity, units);
        let scopes: BTreeSet<&Scope> = locked.keys().chain(current.keys()).collect();
        for scope in scopes {
            record(
                scope,
                locked.get(scope).copied().unwrap_or(0),
                current.get(scope).copied().unwrap_or(0),
            );
        }
    }
    verdict.removed_rules = lock
        .rules
        .keys()
        .filter(|rule| !now.contains_key(*rule))
        .cloned()
        .collect();
    for migration in &config.migrations {
        let Some(deadline) = migration.deadline else {
            continue;
        };
        let remaining = total(
            migration
                .rules
                .iter()
                .filter_map(|r| now.get(&r.id))
                .flat_map(BTreeMap::values),
        );
        let days_left = deadline.unix_days() - today.unix_days();
        if today > deadline && remaining > 0 {
            verdict.overdue.push(Overdue {
                migration: migration.id.clone(),
                deadline,
                remaining,
            });
        } else if remaining > 0
            && migration
                .warn_days
                .is_some_and(|warn| days_left <= i64::from(warn))
        {
            verdict.due_soon.push(DueSoon {
                migration: migration.id.clone(),
                deadline,
                days_left,
                remaining,
            });
        }
    }
    verdict.stale = now != &lock.rules;
    verdict
}

fn group(
    files: &BTreeMap<RepoPath, u64>,
    granularity: Granularity,
    units: &Units,
) -> BTreeMap<Scope, u64> {
    let mut grouped = BTreeMap::new();
    for (path, count) in files {
        let scope = match granularity {
            Granularity::File => Scope::File(path.clone()), // (compare merges files directly)
            Granularity::Unit => Scope::Unit(units.unit_of(path).to_owned()),
            Granularity::Rule => Scope::Repo,
        };
        let sum = grouped.entry(scope).or_insert(0u64);
        *sum = sum.saturating_add(*count);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const DAY: Date = Date {
        year: 2026,
        month: 11,
        day: 25,
    };

    fn setup(ratchet: &str, deadline: &str) -> (Config, Units) {
        let text = format!(
            "[settings]\nratchet = '{ratchet}'\n[units.a]\npaths = ['a/**']\n[units.b]\npaths = ['b/**']\n\
             [migrations.m]\n{deadline}\n[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\n"
        );
        let config =
            crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", &text).unwrap();
        let units = Units::compile(&config).unwrap();
        (config, units)
    }

    fn counts(entries: &[(&str, u64)]) -> Counts {
        let files = entries
            .iter()
            .map(|(p, c)| (RepoPath::new(*p), *c))
            .collect();
        BTreeMap::from([(RuleId::from_lock("m/r".into()), files)])
    }

    #[test]
    fn file_ratchet_fails_on_any_file_that_rose() {
        let (config, units) = setup("file", "");
        let lock = Lock {
            rules: counts(&[("a/1.py", 2), ("a/2.py", 1)]),
        };
        let now = counts(&[("a/1.py", 1), ("a/2.py", 2)]);
        let v = compare(&config, &units, &now, &lock, DAY);
        assert!(v.failed(false));
        assert_eq!(v.increases.len(), 1);
        assert_eq!(v.increases[0].scope, Scope::File(RepoPath::new("a/2.py")));
        assert_eq!(v.decreases.len(), 1);
    }

    #[test]
    fn unit_ratchet_allows_moves_within_a_unit_but_not_across() {
        let (config, units) = setup("unit", "");
        let lock = Lock {
            rules: counts(&[("a/1.py", 2), ("b/1.py", 1)]),
        };
        let moved = counts(&[("a/1.py", 1), ("a/2.py", 1), ("b/1.py", 1)]);
        let v = compare(&config, &units, &moved, &lock, DAY);
        assert!(!v.failed(false));
        assert!(
            v.stale,
            "per-file counts differ, so update would rewrite the lock"
        );
        assert!(v.failed(true));
        let across = counts(&[("a/1.py", 1), ("b/1.py", 2)]);
        let v = compare(&config, &units, &across, &lock, DAY);
        assert_eq!(v.increases[0].scope, Scope::Unit("b".into()));
    }

    #[test]
    fn rule_ratchet_sums_everything() {
        let (config, units) = setup("rule", "");
        let lock = Lock {
            rules: counts(&[("a/1.py", 2)]),
        };
        let v = compare(&config, &units, &counts(&[("b/9.py", 2)]), &lock, DAY);
        assert!(!v.failed(false));
        let v = compare(&config, &units, &counts(&[("b/9.py", 3)]), &lock, DAY);
        assert_eq!(v.increases[0].scope, Scope::Repo);
    }

    #[test]
    fn deadline_fails_only_after_the_day_and_only_with_sites() {
        let (config, units) = setup("file", "deadline = 2026-11-24");
        let lock = Lock {
            rules: counts(&[("a/1.py", 2)]),
        };
        let now = counts(&[("a/1.py", 2)]);
        assert_eq!(compare(&config, &units, &now, &lock, DAY).overdue.len(), 1);
        let eve = Date {
            year: 2026,
            month: 11,
            day: 24,
        };
        assert!(
            compare(&config, &units, &now, &lock, eve)
                .overdue
                .is_empty()
        );
        assert!(
            compare(&config, &units, &counts(&[]), &lock, DAY)
                .overdue
                .is_empty()
        );
    }

    #[test]
    fn warn_days_warn_before_the_deadline_without_failing() {
        let (config, units) = setup("file", "deadline = 2026-12-05\nwarn_days = 10");
        let lock = Lock {
            rules: counts(&[("a/1.py", 2)]),
        };
        let now = counts(&[("a/1.py", 2)]);
        let day = |d| Date {
            year: 2026,
            month: 11,
            day: d,
        };
        let v = compare(&config, &units, &now, &lock, DAY);
        assert_eq!(v.due_soon.len(), 1);
        assert_eq!(v.due_soon[0].days_left, 10);
        assert!(!v.failed(false));
        assert!(
            compare(&config, &units, &now, &lock, day(24))
                .due_soon
                .is_empty()
        );
        assert!(
            compare(&config, &units, &counts(&[]), &lock, DAY)
                .due_soon
                .is_empty()
        );
    }

    #[test]
    fn new_rules_do_not_fail_and_removed_rules_are_listed() {
        let (config, units) = setup("file", "");
        let mut lock = Lock::default();
        lock.rules
            .insert(RuleId::from_lock("old/gone".into()), BTreeMap::new());
        let v = compare(&config, &units, &counts(&[("a/1.py", 4)]), &lock, DAY);
        assert!(!v.failed(false));
        assert_eq!(v.new_rules, [(RuleId::from_lock("m/r".into()), 4)]);
        assert_eq!(v.removed_rules, [RuleId::from_lock("old/gone".into())]);
    }

    /// Pre-commit mode asks whether a file exists only where a rise could be a move: never
    /// under the file ratchet, and under the unit ratchet only for rules that rose.
    #[test]
    fn overlay_for_verdict_stats_only_where_it_matters() {
        let lock = Lock {
            rules: counts(&[("a/old.py", 2), ("b/1.py", 1)]),
        };
        let only = BTreeSet::from([RepoPath::new("a/new.py")]);
        let asked = std::cell::RefCell::new(Vec::new());
        let exists = |p: &RepoPath| {
            asked.borrow_mut().push(p.to_string());
            p.as_str() != "a/old.py"
        };
        // The file ratchet: a named file that rose fails whatever else exists; nothing asked.
        let (config, units) = setup("file", "");
        let moved = counts(&[("a/new.py", 2)]);
        let now = overlay_for_verdict(&config, &units, &lock, &moved, &only, DAY, exists);
        assert!(compare(&config, &units, &now, &lock, DAY).failed(false));
        assert!(asked.borrow().is_empty());
        // The unit ratchet: nothing rose, nothing asked.
        let (config, units) = setup("unit", "");
        let fewer = counts(&[]);
        overlay_for_verdict(&config, &units, &lock, &fewer, &only, DAY, exists);
        assert!(asked.borrow().is_empty());
        // A move within unit a: the old file is asked about (and gone), so the check passes.
        let now = overlay_for_verdict(&config, &units, &lock, &moved, &only, DAY, exists);
        assert!(!compare(&config, &units, &now, &lock, DAY).failed(false));
        assert_eq!(*asked.borrow(), ["a/old.py", "b/1.py"]);
    }

    #[test]
    fn overlay_keeps_locked_counts_of_unscanned_files() {
        let lock = Lock {
            rules: counts(&[("a/1.py", 2), ("a/2.py", 5)]),
        };
        let scanned = counts(&[("a/1.py", 3)]);
        let only = BTreeSet::from([RepoPath::new("a/1.py"), RepoPath::new("a/3.py")]);
        let all = |_: &RuleId, _: &RepoPath| true;
        let expected = counts(&[("a/1.py", 3), ("a/2.py", 5)]);
        assert_eq!(overlay(&lock, &scanned, &only, all), expected);
        // A locked file that no longer exists (renamed away) counts zero.
        let gone = |_: &RuleId, p: &RepoPath| p.as_str() != "a/2.py";
        assert_eq!(
            overlay(&lock, &scanned, &only, gone),
            counts(&[("a/1.py", 3)])
        );
        // A directory stands for every file under it, not for a sibling sharing its prefix.
        let lock = Lock {
            rules: counts(&[("a/1.py", 2), ("ab/2.py", 5)]),
        };
        let only = BTreeSet::from([RepoPath::new("a")]);
        assert_eq!(
            overlay(&lock, &counts(&[]), &only, all),
            counts(&[("ab/2.py", 5)])
        );
    }
}

#[cfg(test)]
mod properties {
    use std::collections::BTreeMap;
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;

    fn counts() -> impl Strategy<Value = Counts> {
        let files = prop::collection::btree_map("(a|b|c)/[xyz]\\.py", 0u64..5, 0..6);
        files.prop_map(|files| {
            let files: BTreeMap<_, _> = files
                .into_iter()
                .filter(|(_, c)| *c > 0)
                .map(|(p, c)| (RepoPath::new(p), c))
                .collect();
            BTreeMap::from([(RuleId::from_lock("m/r".into()), files)])
        })
    }

    proptest! {
        /// The scope's ranges leave out exactly the paths a named path is, or is a directory
        /// of: the definition, checked entry by entry.
        #[test]
        fn scope_ranges_cover_the_named_paths_and_their_contents(
            locked in prop::collection::btree_set("[ab0./-]{1,3}(/[ab0.-]{1,2}){0,2}", 0..30),
            named in prop::collection::btree_set("[ab0./-]{1,3}(/[ab0.-]{1,2}){0,1}", 0..5),
        ) {
            let locked: BTreeMap<RepoPath, u64> =
                locked.into_iter().map(|p| (RepoPath::new(p), 1)).collect();
            let scope: BTreeSet<RepoPath> = named.iter().cloned().map(RepoPath::new).collect();
            let covered = |path: &str| {
                named.iter().any(|n| path == n || path.strip_prefix(n.as_str()).is_some_and(|r| r.starts_with('/')))
            };
            let want: Vec<&RepoPath> = locked.keys().filter(|p| !covered(p.as_str())).collect();
            let ranges = ScopeRanges::new(&scope);
            let got: Vec<&RepoPath> = ranges.outside(&locked).map(|(p, _)| p).collect();
            prop_assert_eq!(got, want);
        }
    }

    proptest! {
        /// What `update` writes without --allow-increase is the current count, and it does so
        /// only when the verdict has no increase: then no count at the ratchet's granularity is
        /// above the old lock's.
        #[test]
        fn update_never_raises_a_count(
            ratchet in prop_oneof![Just("file"), Just("unit"), Just("rule")],
            old in counts(),
            now in counts(),
        ) {
            let text = format!(
                "[settings]\nratchet = '{ratchet}'\n[units.a]\npaths = ['a/**']\n[units.b]\npaths = ['b/**']\n\
                 [migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\n"
            );
            let config = crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", &text).unwrap();
            let units = Units::compile(&config).unwrap();
            let lock = Lock { rules: old };
            let day = Date { year: 2026, month: 1, day: 1 };
            let verdict = compare(&config, &units, &now, &lock, day);
            if verdict.increases.is_empty() {
                let rule = RuleId::from_lock("m/r".into());
                let before = group(&lock.rules[&rule], config.settings.ratchet, &units);
                let after = group(&now[&rule], config.settings.ratchet, &units);
                for (scope, count) in after {
                    prop_assert!(count <= before.get(&scope).copied().unwrap_or(0));
                }
            }
        }

        /// Under the file ratchet, the changes are exactly the files whose count differs, each
        /// once, as increases or decreases (the merge of two sorted maps against a plain
        /// per-file lookup).
        #[test]
        fn file_changes_are_every_differing_file(old in counts(), now in counts()) {
            let text = "[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\n";
            let config = crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", text).unwrap();
            let units = Units::compile(&config).unwrap();
            let day = Date { year: 2026, month: 1, day: 1 };
            let rule = RuleId::from_lock("m/r".into());
            let verdict = compare(&config, &units, &now, &Lock { rules: old.clone() }, day);
            let mut expected = Vec::new();
            let paths: BTreeSet<&RepoPath> = old[&rule].keys().chain(now[&rule].keys()).collect();
            for path in paths {
                let was = old[&rule].get(path).copied().unwrap_or(0);
                let is = now[&rule].get(path).copied().unwrap_or(0);
                if was != is {
                    expected.push((path.clone(), was, is));
                }
            }
            let mut got: Vec<_> = verdict.increases.iter().chain(&verdict.decreases).map(|c| {
                let Scope::File(path) = &c.scope else { unreachable!() };
                (path.clone(), c.locked, c.now)
            }).collect();
            got.sort();
            prop_assert_eq!(got, expected);
        }
    }
}
