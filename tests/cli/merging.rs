//! Locks that merge themselves: `merge-lock` as the real git's merge driver, and
//! `update --resolve` on a lock that git left with conflict markers.

use std::process::Command;

use crate::support::{Tree, lock_counts};

const CONFIG: &str = "[migrations.m.rules.foo]\npattern = 'foo'\nmessage = 'no foo'\n";

/// `lines` numbered lines; those listed in `sites` hold a site.
fn file(lines: usize, sites: &[usize]) -> String {
    (1..=lines)
        .map(|i| {
            if sites.contains(&i) {
                format!("line {i} foo\n")
            } else {
                format!("line {i}\n")
            }
        })
        .collect()
}

/// main and a branch `topic` that both lowered counts: in the same file (different lines, so
/// the source merges cleanly) and in the files next to it in the lock.
fn diverged() -> Tree {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a.py", file(40, &[2, 4, 6, 30, 32, 34]))
        .write("b.py", file(5, &[1, 2, 3]))
        .write("c.py", file(5, &[1, 2]));
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    tree.run_git(&["checkout", "-q", "-b", "topic"]);
    tree.write("a.py", file(40, &[2, 4, 6, 30]))
        .write("c.py", file(5, &[1]));
    tree.longtail(&["update"]).expect(0);
    tree.commit("topic: fewer foo in a and c");
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write("a.py", file(40, &[6, 30, 32, 34]))
        .write("b.py", file(5, &[1]));
    tree.longtail(&["update"]).expect(0);
    tree.commit("main: fewer foo in a and b");
    tree
}

/// Registers this build of longtail as the repository's merge driver for the lock.
fn use_driver(tree: &Tree) {
    let bin = env!("CARGO_BIN_EXE_longtail");
    tree.run_git(&[
        "config",
        "merge.longtail.driver",
        &format!("'{bin}' merge-lock %O %A %B"),
    ]);
}

/// Merges `topic`, which must succeed, and returns the merged lock's counts of `m/foo`.
fn merged_cleanly(tree: &Tree) -> std::collections::BTreeMap<String, u64> {
    let output = merge(tree);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    lock_counts(&tree.read("longtail.lock"))["m/foo"].clone()
}

fn merge(tree: &Tree) -> std::process::Output {
    Command::new("git")
        .current_dir(tree.path())
        .args(["merge", "--no-edit", "-q", "topic"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

#[test]
fn with_the_driver_both_branches_merge_without_conflict_to_the_lower_counts() {
    let tree = diverged();
    let run = tree.longtail(&["init", "--merge-driver"]).expect(0);
    assert!(
        run.stdout.contains("git config merge.longtail.driver"),
        "{}",
        run.stdout
    );
    assert_eq!(
        tree.read(".gitattributes"),
        "longtail.lock merge=longtail\n"
    );
    // Idempotent.
    tree.longtail(&["init", "--merge-driver"]).expect(0);
    assert_eq!(
        tree.read(".gitattributes"),
        "longtail.lock merge=longtail\n"
    );
    tree.commit("merge driver");
    use_driver(&tree);
    let merged = merged_cleanly(&tree);
    // a: main 4, topic 4 -> 4; b: main 1, topic 3 -> 1; c: main 2, topic 1 -> 1.
    let expected = [("a.py", 4), ("b.py", 1), ("c.py", 1)]
        .map(|(p, n)| (p.to_owned(), n))
        .into_iter()
        .collect();
    assert_eq!(merged, expected);
    // True to the merged tree (a.py kept foo only on lines 6 and 30): passes, and tightens.
    tree.longtail(&["check"]).expect(0);
    tree.longtail(&["update"]).expect(0);
    assert_eq!(lock_counts(&tree.read("longtail.lock"))["m/foo"]["a.py"], 2);
}

/// A branch that takes a file to zero drops it from the lock; the other side still lists it.
/// The driver reads the merge base, so the file does not come back with the stale count.
#[test]
fn with_the_driver_a_file_one_branch_cleaned_up_stays_at_zero() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("b.py", file(5, &[1, 2, 3]))
        .write("c.py", file(5, &[1, 2]));
    tree.longtail(&["update"]).expect(0);
    tree.longtail(&["init", "--merge-driver"]).expect(0);
    tree.commit("start");
    use_driver(&tree);
    tree.run_git(&["checkout", "-q", "-b", "topic"]);
    tree.write("c.py", file(5, &[]));
    tree.longtail(&["update"]).expect(0);
    assert!(!lock_counts(&tree.read("longtail.lock"))["m/foo"].contains_key("c.py"));
    tree.commit("topic: no foo left in c");
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write("b.py", file(5, &[1]));
    tree.longtail(&["update"]).expect(0);
    tree.commit("main: fewer foo in b");
    let expected = [("b.py".to_owned(), 1)].into_iter().collect();
    assert_eq!(merged_cleanly(&tree), expected);
    // The lock equals the merged tree: even the strict check passes.
    tree.longtail(&["check", "--strict"]).expect(0);
}

#[test]
fn without_it_update_resolve_repairs_the_markers_to_the_fresh_scan() {
    let tree = diverged();
    let output = merge(&tree);
    assert!(!output.status.success(), "expected a conflict in the lock");
    assert!(tree.read("longtail.lock").contains("<<<<<<<"));
    let run = tree.longtail(&["check"]).expect(2);
    assert!(run.stderr.contains("update --resolve"), "{}", run.stderr);

    let run = tree.longtail(&["update", "--resolve"]).expect(0);
    assert!(
        run.stdout.contains("resolved the conflict"),
        "{}",
        run.stdout
    );
    let resolved = tree.read("longtail.lock");
    // Equal to a fresh scan of the merged tree, which is tighter than either side.
    tree.longtail(&["update"]).expect(0);
    assert_eq!(tree.read("longtail.lock"), resolved);
    let counts = lock_counts(&resolved);
    assert_eq!(counts["m/foo"]["a.py"], 2);
    assert_eq!(counts["m/foo"]["b.py"], 1);
    assert_eq!(counts["m/foo"]["c.py"], 1);
    tree.longtail(&["check", "--strict"]).expect(0);
}

#[test]
fn resolve_never_raises_a_count_the_merge_raised() {
    let tree = diverged();
    // The merged tree gets one more site in b.py than either side allows.
    let output = merge(&tree);
    assert!(!output.status.success());
    tree.write("b.py", file(5, &[1, 2, 3, 4]));
    let run = tree.longtail(&["update", "--resolve"]).expect(1);
    assert!(
        run.stdout.contains("resolved the conflict"),
        "{}",
        run.stdout
    );
    let counts = lock_counts(&tree.read("longtail.lock"));
    assert!(!tree.read("longtail.lock").contains("<<<<<<<"));
    // The lower of the two sides, not the scan's 4.
    assert_eq!(counts["m/foo"]["b.py"], 1);
    assert_eq!(counts["m/foo"]["a.py"], 4);
    tree.longtail(&["check"]).expect(1);
}

#[test]
fn merge_lock_reads_three_files_and_writes_ours() {
    let tree = Tree::new();
    tree.write("base", "version = 1\n[\"m/a\"]\n\"x.py\" = 9\n")
        .write(
            "ours",
            "version = 1\n[\"m/a\"]\n\"x.py\" = 5\n\"y.py\" = 1\n",
        )
        .write(
            "theirs",
            "version = 1\n[\"m/a\"]\n\"x.py\" = 3\n[\"m/b\"]\n\"z.py\" = 2\n",
        );
    tree.longtail(&["merge-lock", "base", "ours", "theirs"])
        .expect(0);
    assert_eq!(
        tree.read("ours"),
        "# written by `longtail update`; commit it. Counts may only go down.\nversion = 1\n\n\
         [\"m/a\"]\n\"x.py\" = 3\n\"y.py\" = 1\n\n[\"m/b\"]\n\"z.py\" = 2\n"
    );
    // A side that is not a lock is an error and leaves ours alone (git then reports a conflict).
    tree.write("theirs", "version = 1\n[\"m/a\"]\n\"x.py\" = \"three\"\n");
    let before = tree.read("ours");
    tree.longtail(&["merge-lock", "base", "ours", "theirs"])
        .expect(2);
    assert_eq!(tree.read("ours"), before);
}
