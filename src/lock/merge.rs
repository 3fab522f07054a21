//! Merging two locks that both descend from one: per rule and file the lower count (each side
//! only lowered counts, so after the merge the true count is at most either side's). An entry
//! one side lacks is zero on that side when the merge base had it (the lock leaves out files
//! that reached zero), and new on the other side when the base lacked it. Also splits a lock
//! holding git's conflict markers back into its two sides. Knows nothing of git, scanning or
//! files.

use super::Lock;

/// `ours` and `theirs` merged without their merge base: the minimum where both have an entry,
/// the entry itself where only one has it (it may be new there). Commutative, and no count
/// exceeds either side's. `update --resolve` uses it, then tightens with a fresh scan.
pub fn merge(ours: &Lock, theirs: &Lock) -> Lock {
    merge3(&Lock::default(), ours, theirs)
}

/// `ours` and `theirs` merged against their merge base: as [`merge`], except that an entry the
/// base had and one side no longer has was lowered to zero (or its file moved away) on that
/// side, so it is gone from the result, and likewise a whole rule one side removed. Without
/// the base, a file one branch cleaned up completely would come back with the other branch's
/// count. Commutative; no count exceeds either side's, reading an entry one side dropped since
/// the base as zero there.
pub fn merge3(base: &Lock, ours: &Lock, theirs: &Lock) -> Lock {
    let mut merged = Lock::default();
    let rules = ours.rules.keys().chain(theirs.rules.keys());
    for rule in rules.collect::<std::collections::BTreeSet<_>>() {
        let (mine, other) = (ours.rules.get(rule), theirs.rules.get(rule));
        let was = base.rules.get(rule);
        if was.is_some() && (mine.is_none() || other.is_none()) {
            continue; // one side removed the rule
        }
        let empty = Default::default();
        let (mine, other, was) = (
            mine.unwrap_or(&empty),
            other.unwrap_or(&empty),
            was.unwrap_or(&empty),
        );
        let mut files = std::collections::BTreeMap::new();
        for path in mine.keys().chain(other.keys()) {
            let count = match (mine.get(path), other.get(path)) {
                (Some(a), Some(b)) => *a.min(b),
                // Dropped since the base on the side that lacks it: zero there.
                (Some(_), None) | (None, Some(_)) if was.contains_key(path) => continue,
                (Some(c), None) | (None, Some(c)) => *c,
                (None, None) => continue,
            };
            files.insert(path.clone(), count);
        }
        merged.rules.insert(rule.clone(), files);
    }
    merged
}

/// The two sides of a text holding git conflict markers (`<<<<<<<`, an optional `|||||||` base
/// section as `merge.conflictStyle = diff3` writes it, `=======`, `>>>>>>>`): `(ours, theirs)`,
/// each the shared lines plus its own. `None` when there is no marker or they do not nest.
pub fn sides(text: &str) -> Option<(String, String)> {
    #[derive(PartialEq)]
    enum At {
        Both,
        Ours,
        Base,
        Theirs,
    }
    let marker = |line: &str, prefix: &str| {
        line.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    };
    let (mut ours, mut theirs) = (String::new(), String::new());
    let mut at = At::Both;
    let mut seen = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        at = match at {
            At::Both if marker(bare, "<<<<<<<") => {
                seen = true;
                At::Ours
            }
            At::Ours if marker(bare, "|||||||") => At::Base,
            At::Ours | At::Base if bare.trim_end() == "=======" => At::Theirs,
            At::Theirs if marker(bare, ">>>>>>>") => At::Both,
            At::Both if marker(bare, ">>>>>>>") || bare.trim_end() == "=======" => return None,
            At::Ours | At::Base | At::Theirs
                if marker(bare, "<<<<<<<") || (at == At::Theirs && marker(bare, "|||||||")) =>
            {
                return None;
            }
            At::Both => {
                ours.push_str(line);
                theirs.push_str(line);
                At::Both
            }
            At::Ours => {
                ours.push_str(line);
                At::Ours
            }
            At::Base => At::Base,
            At::Theirs => {
                theirs.push_str(line);
                At::Theirs
            }
        };
    }
    (seen && at == At::Both).then_some((ours, theirs))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::lock::{parse, render};
    use crate::model::{RepoPath, RuleId};

    fn lock(entries: &[(&str, &str, u64)]) -> Lock {
        let mut lock = Lock::default();
        for &(rule, path, count) in entries {
            lock.rules
                .entry(RuleId::from_lock(rule.to_owned()))
                .or_default()
                .insert(RepoPath::new(path), count);
        }
        lock
    }

    #[test]
    fn keeps_the_lower_count_and_entries_only_one_side_has() {
        let ours = lock(&[("m/a", "x.py", 3), ("m/a", "y.py", 2), ("m/b", "z.py", 1)]);
        let theirs = lock(&[("m/a", "x.py", 1), ("m/a", "w.py", 4), ("m/c", "z.py", 5)]);
        let expected = lock(&[
            ("m/a", "w.py", 4),
            ("m/a", "x.py", 1),
            ("m/a", "y.py", 2),
            ("m/b", "z.py", 1),
            ("m/c", "z.py", 5),
        ]);
        assert_eq!(merge(&ours, &theirs), expected);
    }

    #[test]
    fn an_entry_one_side_dropped_since_the_base_stays_dropped() {
        let base = lock(&[
            ("m/a", "x.py", 3),
            ("m/a", "y.py", 2),
            ("m/gone", "z.py", 1),
        ]);
        // Ours cleaned up x.py completely (the lock leaves it out) and lowered y.py; theirs
        // lowered x.py and has a new file.
        let ours = lock(&[("m/a", "y.py", 1), ("m/gone", "z.py", 1)]);
        let theirs = lock(&[("m/a", "x.py", 2), ("m/a", "y.py", 2), ("m/a", "w.py", 4)]);
        let expected = lock(&[("m/a", "w.py", 4), ("m/a", "y.py", 1)]);
        assert_eq!(merge3(&base, &ours, &theirs), expected);
        assert_eq!(merge3(&base, &theirs, &ours), expected);
        // Without the base the cleaned-up file would come back.
        assert!(
            merge(&ours, &theirs).rules[&RuleId::from_lock("m/a".into())]
                .contains_key(&RepoPath::new("x.py"))
        );
    }

    #[test]
    fn splits_conflicts_in_both_styles() {
        let merge_style = "version = 1\n\n[\"m/a\"]\n<<<<<<< HEAD\n\"x.py\" = 2\n=======\n\"x.py\" = 3\n\"y.py\" = 1\n>>>>>>> topic\n\"z.py\" = 4\n";
        let (ours, theirs) = sides(merge_style).unwrap();
        assert_eq!(
            ours,
            "version = 1\n\n[\"m/a\"]\n\"x.py\" = 2\n\"z.py\" = 4\n"
        );
        assert_eq!(
            theirs,
            "version = 1\n\n[\"m/a\"]\n\"x.py\" = 3\n\"y.py\" = 1\n\"z.py\" = 4\n"
        );
        let diff3 = "[\"m/a\"]\n<<<<<<< ours\n\"x.py\" = 2\n||||||| base\n\"x.py\" = 5\n=======\n\"x.py\" = 3\n>>>>>>> theirs\n";
        assert_eq!(
            sides(diff3).unwrap(),
            (
                "[\"m/a\"]\n\"x.py\" = 2\n".to_owned(),
                "[\"m/a\"]\n\"x.py\" = 3\n".to_owned()
            )
        );
        // No marker, an unclosed conflict, markers out of order.
        assert_eq!(sides("version = 1\n"), None);
        assert_eq!(sides("<<<<<<< a\nx\n=======\ny\n"), None);
        assert_eq!(sides("=======\n<<<<<<< a\n>>>>>>> b\n"), None);
        assert_eq!(sides("<<<<<<< a\n<<<<<<< b\n=======\n>>>>>>> c\n"), None);
    }

    fn arb_lock() -> impl Strategy<Value = Lock> {
        let entry = ("[ab]", "[xyz]\\.py", 1u64..20);
        proptest::collection::vec(entry, 0..12).prop_map(|entries| {
            let mut lock = Lock::default();
            for (rule, path, count) in entries {
                lock.rules
                    .entry(RuleId::from_lock(format!("m/{rule}")))
                    .or_default()
                    .insert(RepoPath::new(path), count);
            }
            lock
        })
    }

    /// The count of `rule`/`path` on a side, as the merge must read it: an entry the side lacks
    /// is zero there when the base had it, unconstrained (`None`) when it is new elsewhere.
    fn on_side(base: &Lock, side: &Lock, rule: &RuleId, path: &RepoPath) -> Option<u64> {
        let at = |l: &Lock| l.rules.get(rule).and_then(|f| f.get(path)).copied();
        let had_rule = |l: &Lock| l.rules.contains_key(rule);
        match at(side) {
            Some(c) => Some(c),
            None if at(base).is_some() || (had_rule(base) && !had_rule(side)) => Some(0),
            None => None,
        }
    }

    proptest! {
        #[test]
        fn merge_is_commutative_and_never_above_either_side(
            base in arb_lock(),
            ours in arb_lock(),
            theirs in arb_lock(),
        ) {
            for base in [Lock::default(), base] {
                let merged = merge3(&base, &ours, &theirs);
                prop_assert_eq!(&merged, &merge3(&base, &theirs, &ours));
                for (rule, files) in &merged.rules {
                    for (path, count) in files {
                        for side in [&ours, &theirs] {
                            if let Some(c) = on_side(&base, side, rule, path) {
                                prop_assert!(*count <= c, "{rule}/{path}: {count} > {c}");
                            }
                        }
                        // Every merged entry comes from a side.
                        prop_assert!([&ours, &theirs].iter().any(|s| s.rules.get(rule).and_then(|f| f.get(path)) == Some(count)));
                    }
                }
                // An entry both sides keep is never lost.
                for (rule, files) in &ours.rules {
                    for path in files.keys() {
                        if theirs.rules.get(rule).is_some_and(|f| f.contains_key(path)) {
                            prop_assert!(merged.rules.get(rule).is_some_and(|f| f.contains_key(path)));
                        }
                    }
                }
                // The result is a valid lock that reads back as itself.
                prop_assert_eq!(parse("merged", &render(&merged)).unwrap(), merged);
            }
        }

        #[test]
        fn a_conflicted_render_splits_back_into_its_sides(ours in arb_lock(), theirs in arb_lock()) {
            // What git writes when both sides changed the same lines: one hunk per differing run.
            let (a, b) = (render(&ours), render(&theirs));
            let conflicted = format!("<<<<<<< ours\n{a}=======\n{b}>>>>>>> theirs\n");
            prop_assert_eq!(sides(&conflicted), Some((a, b)));
        }
    }
}
