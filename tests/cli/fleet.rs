//! The fleet: 20 git repositories built here (own configs, a shared config, clones over
//! `file://`, a broken config, an unreachable URL) scanned in three shards and merged; the
//! merged totals must equal the sum of each repository's own `longtail check`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::support::{Tree, copy_dir, longtail_command};

const SHARED: &str = r#"
[migrations.py2]
title = "Pydantic v2"
deadline = 2027-03-31

[migrations.py2.rules.parse-obj]
pattern = '\.parse_obj\('
message = "use model_validate()"

[migrations.py2.rules.dict]
pattern = '\.dict\('
message = "use model_dump()"
"#;

const OWN_EXTRA: &str = r#"
[units."services/*"]

[migrations.sqla]
title = "SQLAlchemy 2"

[migrations.sqla.rules.query]
pattern = 'session\.query\('
message = "use select()"
"#;

fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", format!("{date}T12:00:00+00:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T12:00:00+00:00"))
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A repository under `root/sources/NAME` with `sites` sites spread over two services, three
/// weekly commits that remove one site each, and (when `own`) its own config and lock.
fn repository(root: &Path, name: &str, sites: usize, own: Option<&str>) {
    let dir = root.join("sources").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"], "2026-11-01");
    let dates = ["2026-11-02", "2026-11-09", "2026-11-16"];
    for (step, date) in dates.iter().enumerate() {
        let left = sites.saturating_sub(step);
        let line = |i: usize| match i % 3 {
            0 => format!("a = A.parse_obj(x{i})\n"),
            1 => format!("b = m{i}.dict()\n"),
            _ => format!("c = session.query(M{i})\n"),
        };
        let (auth, billing): (Vec<usize>, Vec<usize>) = (0..left).partition(|i| i % 2 == 0);
        write(
            &dir,
            "services/auth/app.py",
            &auth.into_iter().map(line).collect::<String>(),
        );
        write(
            &dir,
            "services/billing/app.py",
            &billing.into_iter().map(line).collect::<String>(),
        );
        if let Some(config) = own {
            write(&dir, "longtail.toml", config);
            let run = longtail_command()
                .current_dir(&dir)
                .args(["update", "--allow-increase"])
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        git(&dir, &["add", "-A"], date);
        git(&dir, &["commit", "-q", "-m", &format!("step {step}")], date);
    }
}

/// Each element of a JSON array, mapped.
fn rows<T, C: FromIterator<T>>(
    array: &serde_json::Value,
    f: impl Fn(&serde_json::Value) -> T,
) -> C {
    array.as_array().unwrap().iter().map(f).collect()
}

/// Sites left per migration, from the repository's own `longtail check --report json` (a
/// copy with the shared config for one that has none).
fn checked(root: &Path, name: &str, own: bool) -> BTreeMap<String, u64> {
    let source = root.join("sources").join(name);
    let scratch = Tree::new();
    let dir = if own {
        source
    } else {
        copy_dir(&source, scratch.path());
        std::fs::write(scratch.path().join("longtail.toml"), SHARED).unwrap();
        scratch.path().to_path_buf()
    };
    let run = longtail_command()
        .current_dir(&dir)
        .args(["check", "--report", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    rows(&json["migrations"], |m| {
        (
            m["id"].as_str().unwrap().to_owned(),
            m["remaining"].as_u64().unwrap(),
        )
    })
}

#[test]
fn three_shards_merge_to_the_sum_of_every_repository_check() {
    let tree = Tree::new();
    let root = tree.path();
    let own = format!("{SHARED}{OWN_EXTRA}");
    // (name, sites, own config, served as a file:// URL)
    let mut fleet: Vec<(String, usize, bool, bool)> = Vec::new();
    for i in 0..10 {
        fleet.push((format!("own-{i}"), 3 + i, true, i % 4 == 0));
    }
    for i in 0..7 {
        fleet.push((format!("shared-{i}"), 2 + i, false, i % 3 == 0));
    }
    fleet.push(("done".to_owned(), 2, true, false));
    for (name, sites, has_config, _) in &fleet {
        repository(root, name, *sites, has_config.then_some(own.as_str()));
    }
    repository(root, "broken", 3, None);
    let broken = root.join("sources/broken");
    write(&broken, "longtail.toml", "[migrations.m\npattern = 'x'\n");
    git(&broken, &["add", "-A"], "2026-11-20");
    git(
        &broken,
        &["commit", "-q", "-m", "adopt longtail, badly"],
        "2026-11-20",
    );
    let mut list = String::from("# the fleet\n");
    for (name, _, _, remote) in &fleet {
        if *remote {
            let bare = root.join("served").join(format!("{name}.git"));
            let status = Command::new("git")
                .args(["clone", "-q", "--bare"])
                .arg(root.join("sources").join(name))
                .arg(&bare)
                .status()
                .unwrap();
            assert!(status.success());
            list.push_str(&format!("file://{} {name}\n", bare.display()));
        } else {
            list.push_str(&format!("sources/{name}\n"));
        }
    }
    list.push_str("sources/broken\nhttp://127.0.0.1:1/nowhere.git unreachable\n");
    write(root, "repos.txt", &list);
    write(root, "shared.toml", SHARED);
    assert_eq!(fleet.len() + 2, 20, "20 repositories");

    let mut seen = BTreeSet::new();
    let mut listed = 0;
    // A report of a repository no longer in the list is removed by the next scan.
    write(root, "out-1/gone.json", "{}");
    for shard in 1..=3 {
        let out = format!("out-{shard}");
        let run = tree
            .longtail(&[
                "--config",
                "shared.toml",
                "fleet",
                "scan",
                "--repos",
                "repos.txt",
                "--out",
                &out,
                "--shard",
                &format!("{shard}/3"),
                "--cache",
                "cache",
                "--history-since",
                "2026-11-01",
            ])
            .expect(0);
        let mut files = 0;
        for entry in std::fs::read_dir(root.join(&out)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(seen.insert(name.clone()), "{name} in two shards");
            files += 1;
        }
        // "N of M repositories scanned into DIR": M is this shard's share, one file each.
        let summary = run
            .stderr
            .lines()
            .find(|l| l.contains("scanned into"))
            .unwrap_or_else(|| panic!("{}", run.stderr));
        let words: Vec<&str> = summary.split_whitespace().collect();
        let share: usize = words[2].parse().unwrap();
        assert!(share > 0, "an empty shard: {summary}");
        assert_eq!(share, files, "{summary}");
        listed += share;
    }
    assert_eq!(listed, 20, "the shards' shares add up to the list");
    assert!(!seen.contains("gone.json"), "the stale report was removed");
    assert_eq!(
        seen.len(),
        20,
        "every repository in exactly one shard: {seen:?}"
    );

    let run = tree
        .longtail(&[
            "fleet", "report", "out-1", "out-2", "out-3", "--format", "json",
        ])
        .expect(0);
    let map: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(map["repositories"]["total"], 20);
    assert_eq!(map["repositories"]["scanned"], 18);
    let broken: BTreeMap<String, String> = rows(&map["broken"], |b| {
        (
            b["name"].as_str().unwrap().to_owned(),
            b["error"].as_str().unwrap().to_owned(),
        )
    });
    assert_eq!(broken.keys().collect::<Vec<_>>(), ["broken", "unreachable"]);
    assert!(
        broken["broken"].starts_with("longtail.toml:1:"),
        "{broken:?}"
    );
    assert!(
        broken["unreachable"].contains("could not clone"),
        "{broken:?}"
    );

    // The oracle: each repository's own check, summed per migration.
    let mut expected: BTreeMap<String, (u64, usize, usize)> = BTreeMap::new();
    for (name, _, has_config, _) in &fleet {
        for (migration, left) in checked(root, name, *has_config) {
            let entry = expected.entry(migration).or_default();
            entry.0 += left;
            entry.1 += 1;
            entry.2 += usize::from(left == 0);
        }
    }
    let got: BTreeMap<String, (u64, usize, usize)> = rows(&map["migrations"], |m| {
        (
            m["id"].as_str().unwrap().to_owned(),
            (
                m["remaining"].as_u64().unwrap(),
                m["repos_total"].as_u64().unwrap() as usize,
                m["repos_done"].as_u64().unwrap() as usize,
            ),
        )
    });
    assert_eq!(got, expected);
    assert!(
        expected["py2"].2 >= 1,
        "the `done` repository has no site left"
    );

    // The summed burndown: every repository removed one site a week.
    let py2 = &map["migrations"][0];
    assert_eq!(py2["id"], "py2");
    let history: Vec<(String, u64)> = rows(&py2["history"], |p| {
        (
            p["date"].as_str().unwrap().to_owned(),
            p["remaining"].as_u64().unwrap(),
        )
    });
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(history.last().unwrap().1, expected["py2"].0);
    assert!(history[0].1 > history[2].1, "{history:?}");
    assert!(!py2["slowest"].as_array().unwrap().is_empty());

    // Markdown and a self-contained HTML page from the same reports.
    let markdown = tree
        .longtail(&["fleet", "report", "out-1", "out-2", "out-3"])
        .expect(0);
    assert!(
        markdown.stdout.contains("## Pydantic v2 (`py2`)"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown.stdout.contains("| `unreachable` |"),
        "{}",
        markdown.stdout
    );
    tree.longtail(&[
        "fleet", "report", "out-1", "out-2", "out-3", "--format", "html", "--out", "map.html",
    ])
    .expect(0);
    let html = tree.read("map.html");
    assert!(html.contains("Content-Security-Policy"));
    assert!(
        !html.contains(" src=") && !html.contains(" href="),
        "no resource is loaded"
    );
    assert_eq!(
        html.matches("<tr><td data-value=\"own-").count()
            + html
                .matches("<tr class=\"done\"><td data-value=\"own-")
                .count(),
        20
    );
    assert!(html.contains("<svg"), "the burndown");
}

#[test]
fn reports_of_another_format_version_are_refused() {
    let tree = Tree::new();
    let report = |version: u32, name: &str| {
        format!(
            r#"{{"version": {version}, "tool": {{"name": "longtail", "version": "9.9.9"}}, "passed": true, "migrations": [], "repository": {{"name": "{name}", "source": "{name}", "commit": null, "config": "own"}}}}"#
        )
    };
    tree.write("a/one.json", report(1, "one"))
        .write("b/two.json", report(2, "two"));
    let run = tree.longtail(&["fleet", "report", "a", "b"]).expect(2);
    // miette wraps long lines; compare the words.
    let said = run
        .stderr
        .split_whitespace()
        .filter(|w| *w != "|")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        said.contains("two.json has JSON report version 2, but this longtail reads version 1"),
        "{said}"
    );
    assert!(said.contains("versions among the reports: 1, 2"), "{said}");
    // The same repository twice (a shard passed twice) is refused too.
    tree.write("c/one.json", report(1, "one"));
    let run = tree.longtail(&["fleet", "report", "a", "c"]).expect(2);
    assert!(
        run.stderr.contains("are both reports of `one`"),
        "{}",
        run.stderr
    );
    // A bad list is a usage error at its line.
    tree.write("repos.txt", "a/x\nb/x\n");
    let run = tree
        .longtail(&["fleet", "scan", "--repos", "repos.txt", "--out", "o"])
        .expect(2);
    assert!(
        run.stderr.contains("two repositories are called `x`"),
        "{}",
        run.stderr
    );
}
