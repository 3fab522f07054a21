//! Units of work end to end: generated units (`[units."services/*"]`), units from CODEOWNERS
//! (last match wins, unowned files in `(other)`), the unit ratchet over generated units, and
//! `warn_days` before a deadline.

use crate::support::Tree;

const RULE: &str = r#"
[migrations.m]
deadline = 2026-12-05
warn_days = 14

[migrations.m.rules.old]
pattern = 'old\('
message = "use new()"
"#;

/// The units of the JSON report's first migration: `(name, remaining, owner)`.
fn units(tree: &Tree) -> Vec<(String, u64, String)> {
    let run = tree.longtail(&["check", "--report", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["migrations"][0]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap().to_owned(),
                u["remaining"].as_u64().unwrap(),
                u["owner"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn services(tree: &Tree) {
    tree.write("services/auth/a.py", "old(1)\nold(2)\n")
        .write("services/billing/deep/b.py", "old(3)\n")
        .write("services/notifications/n.py", "new()\n")
        .write(
            "services/README.md",
            "old( in a file directly under services/\n",
        )
        .write("tools/t.py", "old(4)\n");
}

#[test]
fn generated_units_one_per_directory() {
    let tree = Tree::new();
    tree.write(
        "longtail.toml",
        format!("[units.\"services/*\"]\nowner = \"@acme\"\n{RULE}"),
    );
    services(&tree);
    assert_eq!(
        units(&tree),
        [
            ("services/auth".to_owned(), 2, "@acme".to_owned()),
            ("services/billing".to_owned(), 1, "@acme".to_owned()),
            ("services/notifications".to_owned(), 0, "@acme".to_owned()),
            ("(other)".to_owned(), 2, String::new()),
        ]
    );
    // `(other)` is listed, but progress counts units of work only, as `history` does.
    tree.longtail(&["update"]).expect(0);
    let status = tree.longtail(&["status"]).expect(0);
    assert!(
        status.stdout.contains("m: 1 of 3 units done, 5 sites left"),
        "{}",
        status.stdout
    );
    let summary = tree.longtail(&["check", "--report", "markdown"]).expect(0);
    assert!(
        summary.stdout.contains("**1 of 3 units done**"),
        "{}",
        summary.stdout
    );
}

#[test]
fn the_unit_ratchet_works_over_generated_units() {
    let tree = Tree::new();
    tree.write(
        "longtail.toml",
        format!("[settings]\nratchet = \"unit\"\n[units.\"services/*\"]\n{RULE}"),
    );
    services(&tree);
    tree.longtail(&["update"]).expect(0);
    // A site moved within services/auth passes; one moved into billing fails, naming the unit.
    tree.write("services/auth/a.py", "old(1)\n")
        .write("services/auth/other.py", "old(2)\n");
    tree.longtail(&["check"]).expect(0);
    tree.write("services/auth/other.py", "")
        .write("services/billing/c.py", "old(2)\n");
    let run = tree.longtail(&["check"]).expect(1);
    assert!(
        run.stdout
            .contains("error[m/old]: unit services/billing: 1 → 2 sites"),
        "{}",
        run.stdout
    );
}

#[test]
fn codeowners_units_last_match_wins_and_unowned_files_are_other() {
    let tree = Tree::new();
    tree.write(
        "longtail.toml",
        format!("[settings]\nunits = \"codeowners\"\n{RULE}"),
    )
    .write(
        ".github/CODEOWNERS",
        "# owners\n*.py @acme/python\n/services/billing/ @acme/payments\n\
         services/auth/ @acme/auth @alice\n/tools/\n",
    );
    // A CODEOWNERS at the root is not read when .github/ has one (GitHub's order).
    tree.write("CODEOWNERS", "* @nobody\n");
    services(&tree);
    assert_eq!(
        units(&tree),
        [
            ("@acme/python".to_owned(), 0, "@acme/python".to_owned()),
            ("@acme/payments".to_owned(), 1, "@acme/payments".to_owned()),
            (
                "@acme/auth @alice".to_owned(),
                2,
                "@acme/auth @alice".to_owned()
            ),
            ("(other)".to_owned(), 2, String::new()),
        ]
    );
}

#[test]
fn codeowners_missing_is_a_config_error() {
    let tree = Tree::new();
    tree.write(
        "longtail.toml",
        format!("[settings]\nunits = \"codeowners\"\n{RULE}"),
    );
    let run = tree.longtail(&["check"]).expect(2);
    assert!(run.stderr.contains("no CODEOWNERS file"), "{}", run.stderr);
}

#[test]
fn warn_days_warns_before_the_deadline_and_passes() {
    let tree = Tree::new();
    tree.write("longtail.toml", RULE).write("a.py", "old()\n");
    tree.longtail(&["update"]).expect(0);
    // Today is pinned to 2026-11-25: ten days before the deadline, within warn_days.
    let run = tree
        .longtail(&["check", "--report", "github=gh.txt"])
        .expect(0);
    assert!(
        run.stdout
            .contains("warning[m]: the deadline 2026-12-05 is in 10 days and 1 site is left"),
        "{}",
        run.stdout
    );
    let github = tree.read("gh.txt");
    assert!(
        github.starts_with("::warning title=m%3A deadline in 10 days::"),
        "{github}"
    );
    let early = tree.longtail_with(".", &["check"], &[("LONGTAIL_TODAY", "2026-11-01")]);
    assert!(!early.stdout.contains("warning[m]"), "{}", early.stdout);
    let late = tree.longtail_with(".", &["check"], &[("LONGTAIL_TODAY", "2026-12-06")]);
    assert_eq!(late.code, 1, "{}", late.stdout);
}
