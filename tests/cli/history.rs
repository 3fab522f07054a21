//! `history`, `status` and the chart on a synthetic repository built here: dated commits that
//! add, move and remove sites across units and files, change .gitignore, add hidden and binary
//! files. History at each commit must equal a fresh scan of a real checkout of that commit;
//! the cache must give the same answer and scan nothing the second time; the ETA must be the
//! hand-computed one; the SVG must be well-formed XML.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{Tree, longtail_command};

const CONFIG: &str = r#"
[units."services/*"]

[migrations.m]
title = "Old to new"
deadline = 2026-03-31

[migrations.m.rules.old]
pattern = 'old\('
message = "use new()"
paths = ["**/*.py"]

[migrations.m.rules.legacy]
pattern = 'legacy_call'
message = "use modern_call"
"#;

/// Commits `files` (path, content; `None` removes it) with the given date, forcing ignored
/// files in, so the tree holds files a checkout's scan must skip.
fn commit(tree: &Tree, date: &str, files: &[(&str, Option<&str>)]) {
    for (path, content) in files {
        match content {
            Some(text) => {
                tree.write(path, text);
            }
            None => tree.remove(path),
        }
    }
    tree.run_git(&["add", "-A"]);
    for (path, content) in files {
        if content.is_some() {
            tree.run_git(&["add", "-f", path]);
        }
    }
    let stamp = format!("{date}T12:00:00+00:00");
    let output = Command::new("git")
        .current_dir(tree.path())
        .args(["commit", "-q", "--allow-empty", "-m", date])
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

/// The script: sites per date for `m` (both rules, every unit) in the comments.
fn repo() -> Tree {
    let tree = Tree::git();
    // 7: auth 3, billing 3, (other) 1; build/ is ignored, README.md is not a .py file.
    commit(
        &tree,
        "2026-01-05",
        &[
            ("longtail.toml", Some(CONFIG)),
            ("services/auth/a.py", Some("old(1)\nold(2)\nold(3)\n")),
            ("services/billing/b.py", Some("old(1)\nx = legacy_call()\n")),
            ("services/billing/c.py", Some("old(1)\n")),
            ("tools/x.py", Some("old(1)\n")),
            (".gitignore", Some("build/\n")),
            ("build/gen.py", Some("old(1)\nold(2)\nold(3)\n")),
            ("README.md", Some("old( is counted only in .py files\n")),
        ],
    );
    tree.longtail(&["update", "--allow-increase"]).expect(0);
    commit(
        &tree,
        "2026-01-05",
        &[("longtail.lock", Some(&tree.read("longtail.lock")))],
    );
    // 5: auth 1 (the hidden file is skipped), billing 3, (other) 1.
    commit(
        &tree,
        "2026-01-12",
        &[
            ("services/auth/a.py", Some("old(1)\n")),
            ("services/auth/.hidden.py", Some("old(1)\n")),
        ],
    );
    // 4: billing's c.py goes, b.py moves to d.py (the same blob).
    commit(
        &tree,
        "2026-01-19",
        &[
            ("services/billing/c.py", None),
            ("services/billing/b.py", None),
            ("services/billing/d.py", Some("old(1)\nx = legacy_call()\n")),
        ],
    );
    tree.longtail(&["update", "--allow-increase"]).expect(0);
    commit(
        &tree,
        "2026-01-19",
        &[("longtail.lock", Some(&tree.read("longtail.lock")))],
    );
    // 3: tools/ becomes ignored; a binary file's sites count zero.
    commit(
        &tree,
        "2026-01-26",
        &[
            (".gitignore", Some("build/\ntools/\n")),
            ("services/catalog/blob.py", Some("old(1)\0binary\n")),
        ],
    );
    // 1: auth is done, billing has one site left.
    commit(
        &tree,
        "2026-02-02",
        &[
            ("services/auth/a.py", Some("new()\n")),
            ("services/billing/d.py", Some("x = legacy_call()\n")),
        ],
    );
    tree.longtail(&["update", "--allow-increase"]).expect(0);
    commit(
        &tree,
        "2026-02-02",
        &[("longtail.lock", Some(&tree.read("longtail.lock")))],
    );
    tree
}

fn json(run: &crate::support::Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// (rule totals, unit totals) of a fresh `check --report json` in `dir`.
fn scan_of_checkout(dir: &Path) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let output = longtail_command()
        .current_dir(dir)
        .args(["check", "--report", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let migration = &report["migrations"][0];
    let rules = migration["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["remaining"].as_u64().unwrap(),
            )
        })
        .collect();
    let units = migration["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["remaining"].as_u64().unwrap() > 0)
        .map(|u| {
            (
                u["name"].as_str().unwrap().to_owned(),
                u["remaining"].as_u64().unwrap(),
            )
        })
        .collect();
    (rules, units)
}

fn totals(point: &Value, key: &str) -> BTreeMap<String, u64> {
    point[key]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .filter(|(_, v)| *v > 0)
        .collect()
}

#[test]
fn history_equals_a_scan_of_each_checkout_and_the_cache_agrees() {
    let tree = repo();
    let args = ["-v", "history", "--every", "commit", "--format", "json"];
    let first = tree.longtail(&args).expect(0);
    let stats = |run: &crate::support::Run| {
        run.stderr
            .lines()
            .find(|l| l.starts_with("history: "))
            .unwrap_or_else(|| panic!("no statistic in {}", run.stderr))
            .to_owned()
    };
    assert!(stats(&first).contains("8 commits"), "{}", first.stderr);
    let history = json(&first);
    let points = history["migrations"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 8);
    let remaining: Vec<u64> = points
        .iter()
        .map(|p| p["remaining"].as_u64().unwrap())
        .collect();
    assert_eq!(remaining, [7, 7, 5, 4, 4, 3, 1, 1]);
    // Each point equals longtail run on a real checkout of that commit.
    let checkouts = tempfile::tempdir().unwrap();
    for (index, point) in points.iter().enumerate() {
        let commit = point["commit"].as_str().unwrap();
        let dir = checkouts.path().join(format!("c{index}"));
        tree.run_git(&[
            "worktree",
            "add",
            "-q",
            "--detach",
            dir.to_str().unwrap(),
            commit,
        ]);
        let (rules, units) = scan_of_checkout(&dir);
        let expected_rules: BTreeMap<String, u64> =
            rules.into_iter().filter(|(_, n)| *n > 0).collect();
        assert_eq!(totals(point, "rules"), expected_rules, "rules at {commit}");
        assert_eq!(totals(point, "units"), units, "units at {commit}");
    }
    // The second run scans nothing and says the same.
    let second = tree.longtail(&args).expect(0);
    assert!(stats(&second).contains(" 0 scanned"), "{}", second.stderr);
    assert_eq!(second.stdout, first.stdout);
    // A fresh cache elsewhere scans again, and still says the same.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut fresh: Vec<&str> = args.to_vec();
    fresh.extend(["--cache", elsewhere.path().to_str().unwrap()]);
    let third = tree.longtail(&fresh).expect(0);
    assert!(!stats(&third).contains(" 0 scanned"), "{}", third.stderr);
    assert_eq!(third.stdout, first.stdout);
    // Only the new commit's new blobs are scanned after another commit.
    commit(
        &tree,
        "2026-02-09",
        &[("services/billing/d.py", Some("x = modern_call()\n"))],
    );
    let fourth = tree.longtail(&args).expect(0);
    assert!(stats(&fourth).contains(": 1 scanned"), "{}", fourth.stderr);
}

#[test]
fn eta_is_the_hand_computed_one() {
    let tree = repo();
    let run = tree
        .longtail(&[
            "history", "--every", "commit", "--format", "json", "--window", "28",
        ])
        .expect(0);
    let migration = &json(&run)["migrations"][0];
    // Over the 28 days from 2026-01-05 (7 sites) to 2026-02-02 (1 site), 6 sites went:
    // 1.5 a week; the last one takes ceil(1 / (6/28)) = 5 more days: 2026-02-07.
    assert_eq!(migration["per_week"], 1.5);
    assert_eq!(migration["eta"], "2026-02-07");
    let completions = migration["completions"].as_array().unwrap();
    assert_eq!(completions.len(), 1);
    assert_eq!(completions[0]["unit"], "services/auth");
    assert_eq!(completions[0]["date"], "2026-02-02");
    let human = tree.longtail(&["history", "--every", "commit"]).expect(0);
    assert!(
        human.stdout.contains(
            "m: 1 sites left; 1.5 fewer per week over the last 28 days; ETA 2026-02-07, on track for the deadline 2026-03-31"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn from_lock_reads_each_committed_lock_without_scanning() {
    let tree = repo();
    let run = tree
        .longtail(&["history", "--from-lock", "--format", "csv"])
        .expect(0);
    let totals: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.split(',').nth(3) == Some(""))
        .collect();
    assert_eq!(totals.len(), 3, "{}", run.stdout);
    let sites: Vec<&str> = totals
        .iter()
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(sites, ["7", "4", "1"]);
}

#[test]
fn the_chart_is_well_formed_svg_and_markdown_has_mermaid() {
    let tree = repo();
    tree.longtail(&["history", "--every", "commit", "--chart", "burndown.svg"])
        .expect(0);
    let svg = tree.read("burndown.svg");
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut elements = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                elements.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
            }
            _ => {}
        }
    }
    assert_eq!(elements.first().map(String::as_str), Some("svg"));
    for expected in ["polyline", "circle", "line", "text"] {
        assert!(elements.iter().any(|e| e == expected), "no <{expected}>");
    }
    assert!(svg.contains("deadline 2026-03-31"));
    assert!(svg.contains("stroke-dasharray=\"6 5\""), "the projection");
    let markdown = tree
        .longtail(&["history", "--every", "commit", "--format", "markdown"])
        .expect(0);
    assert!(
        markdown.stdout.contains("```mermaid\nxychart-beta\n"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown
            .stdout
            .contains("    line [7, 7, 5, 4, 4, 3, 1, 1]"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn status_shows_units_deadline_and_eta() {
    let tree = repo();
    let env = [("LONGTAIL_TODAY", "2026-02-03")];
    let run = tree.longtail_with(".", &["status"], &env).expect(0);
    insta::assert_snapshot!("status-human", run.stdout);
    let run = tree
        .longtail_with(".", &["status", "--format", "markdown"], &env)
        .expect(0);
    insta::assert_snapshot!("status-markdown", run.stdout);
    let run = tree
        .longtail_with(".", &["status", "--format", "json"], &env)
        .expect(0);
    let status = json(&run);
    assert_eq!(status["migrations"][0]["units_done"], 2);
    // When every site is gone, the migration says it is complete.
    tree.write("services/billing/d.py", "x = modern_call()\n");
    let run = tree.longtail_with(".", &["status"], &env).expect(0);
    assert!(
        run.stdout
            .starts_with("m: complete, 3 of 3 units done, 0 sites left"),
        "{}",
        run.stdout
    );
}

#[test]
fn status_outside_git_has_no_eta_and_a_flat_rate_is_never() {
    let tree = Tree::new();
    tree.write("longtail.toml", CONFIG)
        .write("services/auth/a.py", "old(1)\n");
    let run = tree.longtail(&["status"]).expect(0);
    assert!(run.stdout.contains("no ETA yet"), "{}", run.stdout);
    let repo = repo();
    // Nothing changes after 2026-02-02: with a 7-day window ending 2026-02-20, the rate is 0.
    let env = [("LONGTAIL_TODAY", "2026-02-20")];
    let run = repo
        .longtail_with(".", &["status", "--window", "7"], &env)
        .expect(0);
    assert!(run.stdout.contains("at this rate: never"), "{}", run.stdout);
}

#[test]
fn the_job_summary_has_the_chart_once_the_cache_is_warm() {
    let tree = repo();
    let summary = tree.path().join("summary.md");
    let env = [
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ("LONGTAIL_TODAY", "2026-02-03"),
    ];
    let args = ["check", "--report", "github=gh.txt"];
    tree.longtail_with(".", &args, &env).expect(0);
    assert!(
        !std::fs::read_to_string(&summary)
            .unwrap()
            .contains("```mermaid")
    );
    tree.longtail(&["history"]).expect(0);
    std::fs::remove_file(&summary).unwrap();
    tree.longtail_with(".", &args, &env).expect(0);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.contains("### Burndown"), "{written}");
    assert!(written.contains("```mermaid\nxychart-beta"), "{written}");
}
