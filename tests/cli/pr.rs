//! Pull-request mode (`check --base`): the tree against the merge base, read from the real git
//! repository's objects; new sites by line text; renames; touched-file notices.

use crate::support::Tree;

const CONFIG: &str =
    "[migrations.m.rules.old-api]\npattern = 'old_api\\('\nmessage = 'use new_api()'\n";

/// main with two files of sites and its lock, and a branch `topic` from it, checked out.
fn repo() -> Tree {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write(
            "svc/a.py",
            "x = old_api(1)\ny = old_api(2)\nz = old_api(3)\n",
        )
        .write("svc/b.py", "w = old_api(4)\n")
        .write("README", "hello\n");
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    tree.run_git(&["checkout", "-q", "-b", "topic"]);
    tree
}

#[test]
fn a_stale_lock_is_no_reason_to_fail_a_pull_request_that_adds_nothing() {
    let tree = repo();
    // main moves on: one site fixed, the lock tightened.
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write(
        "svc/a.py",
        "x = new_api(1)\ny = old_api(2)\nz = old_api(3)\n",
    );
    tree.longtail(&["update"]).expect(0);
    tree.commit("main: fix a site");
    // The branch, from the old main, carries main's tighter lock but not its fix.
    tree.run_git(&["checkout", "-q", "topic"]);
    tree.run_git(&["checkout", "main", "--", "longtail.lock"]);
    tree.write("README", "hello again\n");
    tree.commit("topic: docs");
    tree.longtail(&["check"]).expect(1);
    let run = tree.longtail(&["check", "--base", "main"]).expect(0);
    assert!(
        run.stdout.contains("none above the merge base"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_site_added_in_a_touched_file_fails_and_is_named() {
    let tree = repo();
    tree.write("svc/b.py", "w = old_api(4)\nv = old_api(5)\n");
    tree.commit("topic: one more");
    let run = tree.longtail(&["check", "--base", "main"]).expect(1);
    assert!(
        run.stdout
            .contains("svc/b.py: 1 \u{2192} 2 sites (+1 above the merge base)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("svc/b.py:2:5  v = old_api(5)"),
        "{}",
        run.stdout
    );
    // Only the new site is listed, not the old one on line 1.
    assert!(!run.stdout.contains("svc/b.py:1:"), "{}", run.stdout);
    // Uncommitted work counts too: the working tree is what is checked.
    tree.write("svc/b.py", "w = old_api(4)\n");
    tree.longtail(&["check", "--base", "main"]).expect(0);
}

#[test]
fn a_renamed_file_with_its_sites_passes() {
    let tree = repo();
    std::fs::create_dir(tree.path().join("lib")).unwrap();
    tree.run_git(&["mv", "svc/a.py", "lib/a.py"]);
    tree.commit("topic: move a");
    tree.longtail(&["check", "--base", "main"]).expect(0);
    // Without the base, the lock's per-file counts see a new file.
    tree.longtail(&["check"]).expect(1);
}

#[test]
fn a_swap_in_one_file_is_a_new_site_that_warns_or_fails() {
    let tree = repo();
    tree.write(
        "svc/a.py",
        "x = old_api(1)\ny = new_api(2)\nz = old_api(3)\nq = old_api(9)\n",
    );
    tree.commit("topic: swap");
    // The count held, so the lock sees nothing.
    tree.longtail(&["check"]).expect(0);
    let run = tree.longtail(&["check", "--base", "main"]).expect(0);
    assert!(
        run.stdout
            .contains("warning[m/old-api]: svc/a.py: 1 new site although the count held"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("svc/a.py:4:5  q = old_api(9)"),
        "{}",
        run.stdout
    );
    let run = tree
        .longtail(&[
            "check",
            "--base",
            "main",
            "--new-sites",
            "fail",
            "--report",
            "sarif=out.sarif",
            "--report",
            "github=out.txt",
            "--report",
            "markdown=out.md",
            "--report",
            "junit=out.xml",
        ])
        .expect(1);
    assert!(run.stdout.contains("1 new site"), "{}", run.stdout);
    // Every report names the new site, not just the verdict.
    let markdown = tree.read("out.md");
    assert!(
        markdown.contains("- ❌ new site of `m/old-api` at `svc/a.py:4`: `q = old_api(9)`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("4 sites left in 1 rule (merge base: 4)"),
        "{markdown}"
    );
    assert!(!markdown.contains("(lock: "), "{markdown}");
    let junit = tree.read("out.xml");
    assert!(junit.contains("type=\"new-site\""), "{junit}");
    assert!(junit.contains("svc/a.py:4:5: q = old_api(9)"), "{junit}");
    assert!(
        !junit.contains("svc/a.py:1:5"),
        "old sites are not new: {junit}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&tree.read("out.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let new: Vec<u64> = results
        .iter()
        .filter(|r| r["baselineState"] == "new")
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(new, [4]);
    assert_eq!(results.len(), 4);
    // Annotations on the new site only.
    let annotations = tree.read("out.txt");
    assert_eq!(annotations.lines().count(), 1, "{annotations}");
    assert!(annotations.contains("line=4"), "{annotations}");
}

#[test]
fn touched_files_get_notices_for_their_old_sites() {
    let tree = repo();
    tree.write("svc/b.py", "w = old_api(4)\n# a comment\n");
    tree.commit("topic: touch b");
    let run = tree
        .longtail(&[
            "check",
            "--base",
            "main",
            "--annotate",
            "touched",
            "--report",
            "github",
        ])
        .expect(0);
    let notices: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(notices.len(), 1, "{}", run.stdout);
    assert!(
        notices[0].starts_with("::notice file=svc/b.py,line=1"),
        "{}",
        notices[0]
    );
}

#[test]
fn base_auto_reads_the_ci_environment_and_a_bad_ref_is_a_usage_error() {
    let tree = repo();
    // A swap: the count held, so only pull-request mode (with --new-sites fail) can fail.
    tree.write(
        "svc/a.py",
        "x = old_api(1)\ny = new_api(2)\nz = old_api(3)\nq = old_api(9)\n",
    );
    tree.commit("topic: swap");
    tree.run_git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let auto = ["check", "--base", "auto", "--new-sites", "fail"];
    let no_ci = [
        ("GITHUB_BASE_REF", ""),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", ""),
    ];
    // Outside a pull request `auto` falls back to the lock, which the swap satisfies.
    tree.longtail_with(".", &auto, &no_ci).expect(0);
    let run = tree
        .longtail_with(".", &auto, &[("GITHUB_BASE_REF", "main")])
        .expect(1);
    assert!(run.stdout.contains("svc/a.py:4:5"), "{}", run.stdout);
    let main = tree.run_git(&["rev-parse", "main"]);
    tree.longtail_with(
        ".",
        &auto,
        &[
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", main.trim()),
            ("GITHUB_BASE_REF", ""),
        ],
    )
    .expect(1);
    let run = tree
        .longtail(&["check", "--base", "no-such-branch"])
        .expect(2);
    assert!(
        run.stderr.contains("fetch the base branch"),
        "{}",
        run.stderr
    );
}
