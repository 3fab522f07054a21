//! The ratchet in a real git repository: adding a site fails and names it, removing one passes
//! and `update` lowers the lock, `update` never raises a count unless allowed, a conflicted lock
//! is an error, and the unit/rule granularities, deadlines and new or removed rules.

use crate::support::{Tree, lock_counts};

const CONFIG: &str = r#"
[units.auth]
paths = ["services/auth/**"]

[units.billing]
paths = ["services/billing/**"]

[migrations.pydantic-v2]
title = "Pydantic v1 to v2"
docs = "https://docs.pydantic.dev/latest/migration/"

[migrations.pydantic-v2.rules.parse-obj]
pattern = '\.parse_obj\('
message = "parse_obj() is gone in v2: use model_validate()"
paths = ["**/*.py"]
"#;

/// A committed repository with a lock: auth/models.py has 2 sites, billing/api.py 1.
fn repo(config: &str) -> Tree {
    let tree = Tree::git();
    tree.write("longtail.toml", config)
        .write(
            "services/auth/models.py",
            "a = A.parse_obj(x)\nb = B.parse_obj(y)\n",
        )
        .write("services/billing/api.py", "c = C.parse_obj(z)\n")
        .write(
            "README.md",
            "call .parse_obj( in docs is not counted: not a .py file\n",
        );
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    tree
}

#[test]
fn adding_a_site_fails_and_names_it() {
    let tree = repo(CONFIG);
    let lock = tree.read("longtail.lock");
    tree.write(
        "services/auth/models.py",
        "a = A.parse_obj(x)\nb = B.parse_obj(y)\n\nnew = N.parse_obj(q)\n",
    );
    let run = tree.longtail(&["check"]).expect(1);
    assert!(
        run.stdout.contains(
            "error[pydantic-v2/parse-obj]: services/auth/models.py: 2 → 3 sites (+1 above the lock)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("services/auth/models.py:4:8  new = N.parse_obj(q)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("parse_obj() is gone in v2: use model_validate()")
    );
    assert!(
        run.stdout
            .contains("docs: https://docs.pydantic.dev/latest/migration/")
    );
    assert!(run.stdout.contains("longtail update --allow-increase"));
    assert_eq!(
        tree.read("longtail.lock"),
        lock,
        "check never writes the lock"
    );
}

#[test]
fn a_new_file_counts_from_zero() {
    let tree = repo(CONFIG);
    tree.write("services/billing/new.py", "d = D.parse_obj(w)\n");
    let run = tree.longtail(&["check"]).expect(1);
    assert!(
        run.stdout
            .contains("services/billing/new.py: 0 → 1 site (+1 above the lock)"),
        "{}",
        run.stdout
    );
}

#[test]
fn removing_a_site_passes_and_update_lowers_the_lock() {
    let tree = repo(CONFIG);
    tree.write(
        "services/auth/models.py",
        "a = A.model_validate(x)\nb = B.parse_obj(y)\n",
    );
    tree.remove("services/billing/api.py");
    let run = tree.longtail(&["check"]).expect(0);
    assert!(
        run.stdout
            .contains("2 counts went down (2 sites fewer): run `longtail update`"),
        "{}",
        run.stdout
    );
    tree.longtail(&["check", "--strict"]).expect(1);
    let run = tree.longtail(&["update"]).expect(0);
    assert!(run.stdout.contains("2 counts lowered"), "{}", run.stdout);
    let counts = lock_counts(&tree.read("longtail.lock"));
    assert_eq!(counts["pydantic-v2/parse-obj"].len(), 1);
    assert_eq!(
        counts["pydantic-v2/parse-obj"]["services/auth/models.py"],
        1
    );
    tree.longtail(&["check", "--strict"]).expect(0);
    // Every site gone: the rule stays in the lock, locked at zero.
    tree.write("services/auth/models.py", "b = B.model_validate(y)\n");
    tree.longtail(&["update"]).expect(0);
    assert!(
        tree.read("longtail.lock")
            .ends_with("\n[\"pydantic-v2/parse-obj\"]\n"),
        "{}",
        tree.read("longtail.lock")
    );
    tree.write("services/auth/models.py", "b = B.parse_obj(y)\n");
    tree.longtail(&["check"]).expect(1);
}

#[test]
fn update_never_raises_a_count_unless_allowed() {
    let tree = repo(CONFIG);
    let before = tree.read("longtail.lock");
    // One file goes down, another up: the update is refused as a whole.
    tree.write("services/auth/models.py", "a = A.parse_obj(x)\n");
    tree.write(
        "services/billing/api.py",
        "c = C.parse_obj(z)\nc = C.parse_obj(z)\n",
    );
    let run = tree.longtail(&["update"]).expect(1);
    assert!(
        run.stdout.contains("update refused: 1 count would rise"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("services/billing/api.py: 1 → 2 sites"),
        "{}",
        run.stdout
    );
    assert_eq!(
        tree.read("longtail.lock"),
        before,
        "a refused update leaves the lock byte for byte"
    );
    let run = tree.longtail(&["update", "--allow-increase"]).expect(0);
    assert!(run.stdout.contains("1 count raised"), "{}", run.stdout);
    let counts = lock_counts(&tree.read("longtail.lock"));
    assert_eq!(
        counts["pydantic-v2/parse-obj"]["services/billing/api.py"],
        2
    );
    assert_eq!(
        counts["pydantic-v2/parse-obj"]["services/auth/models.py"],
        1
    );
    let run = tree.longtail(&["update"]).expect(0);
    assert!(run.stdout.contains("is up to date"));
}

#[test]
fn a_lock_with_merge_conflict_markers_is_an_error_and_is_kept() {
    let tree = repo(CONFIG);
    // Two branches lower different counts; git conflicts on the lock's neighbouring lines.
    tree.run_git(&["checkout", "-q", "-b", "left"]);
    tree.write("services/auth/models.py", "a = A.parse_obj(x)\n");
    tree.longtail(&["update"]).expect(0);
    tree.commit("left lowers auth");
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write("services/billing/api.py", "c = 1\n");
    tree.write(
        "services/auth/models.py",
        "a = A.parse_obj(x)\nb = B.model_validate(y)\nb = B.parse_obj(y)\n",
    );
    tree.longtail(&["update", "--allow-increase"]).expect(0);
    tree.commit("main changes both");
    let merge = std::process::Command::new("git")
        .current_dir(tree.path())
        .args(["merge", "-q", "left"])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge should conflict");
    let conflicted = tree.read("longtail.lock");
    assert!(conflicted.contains("<<<<<<<"), "{conflicted}");
    for command in [
        &["check"][..],
        &["update"],
        &["update", "--allow-increase"],
        &["rules"],
    ] {
        let run = tree.longtail(command).expect(2);
        assert!(
            run.stderr.contains("merge-conflict markers"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("longtail::lock::conflict"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("longtail update --resolve"),
            "{}",
            run.stderr
        );
        assert_eq!(
            tree.read("longtail.lock"),
            conflicted,
            "{command:?} must not touch the lock"
        );
    }
}

#[test]
fn unit_ratchet_allows_moves_within_a_unit_only() {
    let tree = repo(&format!("[settings]\nratchet = \"unit\"\n{CONFIG}"));
    tree.write("services/auth/models.py", "a = A.parse_obj(x)\n");
    tree.write("services/auth/views.py", "b = B.parse_obj(y)\n");
    tree.longtail(&["check"]).expect(0);
    tree.write("services/auth/views.py", "");
    tree.write(
        "services/billing/api.py",
        "c = C.parse_obj(z)\nb = B.parse_obj(y)\n",
    );
    let run = tree.longtail(&["check"]).expect(1);
    assert!(
        run.stdout.contains("unit billing: 1 → 2 sites"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("services/billing/api.py:2:6"),
        "{}",
        run.stdout
    );
}

#[test]
fn rule_ratchet_compares_totals() {
    let tree = repo(&format!("[settings]\nratchet = \"rule\"\n{CONFIG}"));
    tree.write("services/auth/models.py", "");
    tree.write(
        "services/billing/api.py",
        "c = C.parse_obj(z)\nc = C.parse_obj(z)\nc = C.parse_obj(z)\n",
    );
    tree.longtail(&["check"]).expect(0);
    tree.write("other.py", "d = D.parse_obj(z)\n");
    let run = tree.longtail(&["check"]).expect(1);
    assert!(
        run.stdout.contains("all files: 3 → 4 sites"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_passed_deadline_fails_while_sites_remain() {
    let config = CONFIG.replace(
        "docs = \"https://docs.pydantic.dev/latest/migration/\"",
        "docs = \"https://docs.pydantic.dev/latest/migration/\"\ndeadline = 2027-03-31",
    );
    let tree = repo(&config);
    tree.longtail_with(".", &["check"], &[("LONGTAIL_TODAY", "2027-03-31")])
        .expect(0);
    let run = tree
        .longtail_with(".", &["check"], &[("LONGTAIL_TODAY", "2027-04-01")])
        .expect(1);
    assert!(
        run.stdout.contains(
            "error[pydantic-v2]: the deadline 2027-03-31 has passed and 3 sites are left"
        ),
        "{}",
        run.stdout
    );
    tree.write("services/auth/models.py", "");
    tree.write("services/billing/api.py", "");
    tree.longtail_with(".", &["check"], &[("LONGTAIL_TODAY", "2027-04-01")])
        .expect(0);
}

#[test]
fn new_rules_are_shown_without_failing_and_removed_rules_are_dropped() {
    let tree = repo(CONFIG);
    let with_new = format!(
        "{CONFIG}\n[migrations.pydantic-v2.rules.dict]\npattern = '\\.dict\\('\nmessage = \"use model_dump()\"\n"
    );
    tree.write("longtail.toml", &with_new);
    tree.write(
        "services/billing/api.py",
        "c = C.parse_obj(z)\nd = c.dict()\n",
    );
    let run = tree.longtail(&["check"]).expect(0);
    assert!(
        run.stdout
            .contains("note[pydantic-v2/dict]: new rule, not in the lock yet: 1 site"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("services/billing/api.py:2:6  d = c.dict()"),
        "{}",
        run.stdout
    );
    tree.longtail(&["check", "--strict"]).expect(1);
    let run = tree.longtail(&["update"]).expect(0);
    assert!(run.stdout.contains("1 rule added"), "{}", run.stdout);
    assert_eq!(
        lock_counts(&tree.read("longtail.lock"))["pydantic-v2/dict"]["services/billing/api.py"],
        1
    );
    // Dropping the rule from the config: check notes it, update removes it.
    tree.write("longtail.toml", CONFIG);
    let run = tree.longtail(&["check"]).expect(0);
    assert!(
        run.stdout.contains("no longer has (pydantic-v2/dict)"),
        "{}",
        run.stdout
    );
    let run = tree.longtail(&["update"]).expect(0);
    assert!(run.stdout.contains("1 rule dropped"), "{}", run.stdout);
    assert!(!lock_counts(&tree.read("longtail.lock")).contains_key("pydantic-v2/dict"));
}

#[test]
fn check_without_a_lock_passes_and_says_to_create_it() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a.py", "A.parse_obj(1)\n");
    let run = tree.longtail(&["check"]).expect(0);
    assert!(
        run.stdout
            .contains("no lock yet at longtail.lock: run `longtail update`"),
        "{}",
        run.stdout
    );
    assert!(!tree.exists("longtail.lock"));
}
