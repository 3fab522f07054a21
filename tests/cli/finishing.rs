//! Finishing a migration: `fix` (checked against the real `git apply` and the real `rg`),
//! `plan` snapshots, `presets` and `init --preset`.

use std::os::unix::fs::PermissionsExt;

use crate::support::{Tree, lock_counts, longtail_command};

const CONFIG: &str = r#"
[units.api]
paths = ["api/**"]
owner = "@acme/api"

[migrations.m]
title = "M"

[migrations.m.rules.parse-obj]
pattern = '\.parse_obj\('
message = "use model_validate()"
paths = ["**/*.py"]
replace = ".model_validate("

[migrations.m.rules.list]
pattern = '\bList\[(\w+)\]'
message = "use list[...]"
paths = ["**/*.py"]
replace = "list[$1]"

[migrations.m.rules.validator]
pattern = '@validator\('
message = "use @field_validator"
paths = ["**/*.py"]
"#;

/// A tree with LF, CRLF + BOM, Latin-1 and executable files, committed.
fn tree() -> Tree {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write(
            "api/models.py",
            "from typing import List\n\nclass A(Base):\n    @validator('x')\n    def v(cls, x): ...\n\n\
             def load(d) -> List[A]:\n    return [A.parse_obj(i) for i in d]\n",
        )
        .write(
            "api/crlf.py",
            b"\xEF\xBB\xBFx = A.parse_obj(d)\r\ny: List[int] = []\r\n",
        )
        .write("lib/latin.py", b"# caf\xE9\nz = B.parse_obj(e)  # \xE9\n")
        .write("lib/run.py", "#!/usr/bin/env python3\nprint(C.parse_obj({}))")
        .write("lib/clean.py", "print(A.model_validate({}))\n");
    let run = tree.path().join("lib/run.py");
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o755)).unwrap();
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    tree
}

#[test]
fn dry_run_writes_nothing_and_its_diff_applies_to_what_fix_writes() {
    let tree = tree();
    let before = tree.snapshot();
    // Raw bytes: the Latin-1 file's hunk is not UTF-8.
    let dry = longtail_command()
        .current_dir(tree.path())
        .args(["fix", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0));
    assert_eq!(tree.snapshot(), before, "--dry-run changed the tree");
    let stderr = String::from_utf8_lossy(&dry.stderr);
    assert!(stderr.contains("would fix 6 sites in 4 files"), "{stderr}");

    // The real git applies the printed diff...
    let patch = tree.path().join("../fix.patch");
    std::fs::write(&patch, &dry.stdout).unwrap();
    tree.run_git(&["apply", "--whitespace=nowarn", patch.to_str().unwrap()]);
    let applied = tree.snapshot();
    tree.run_git(&["checkout", "--", "."]);
    assert_eq!(tree.snapshot(), before);
    // ...and gets exactly the tree `fix` writes.
    let run = tree.longtail(&["fix"]).expect(0);
    std::fs::remove_file(&patch).unwrap();
    assert_eq!(tree.snapshot(), applied);
    assert!(
        run.stderr.contains("fixed 6 sites in 4 files"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("longtail update"), "{}", run.stderr);
}

#[test]
fn fix_keeps_line_endings_encodings_and_permissions() {
    let tree = tree();
    let utf16 = |text: &str| -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    };
    tree.write("lib/wide.py", utf16("w = D.parse_obj(x)\r\n"));
    // A UTF-16 file's dry-run hunk is decoded text, and the note says it will not apply.
    let dry = tree.longtail(&["fix", "--dry-run"]).expect(0);
    assert!(
        dry.stdout.contains("+w = D.model_validate(x)"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stderr.contains("lib/wide.py is UTF-16"),
        "{}",
        dry.stderr
    );
    tree.longtail(&["fix"]).expect(0);
    let read = |p: &str| std::fs::read(tree.path().join(p)).unwrap();
    assert_eq!(read("lib/wide.py"), utf16("w = D.model_validate(x)\r\n"));
    assert_eq!(
        read("api/crlf.py"),
        b"\xEF\xBB\xBFx = A.model_validate(d)\r\ny: list[int] = []\r\n"
    );
    assert_eq!(
        read("lib/latin.py"),
        b"# caf\xE9\nz = B.model_validate(e)  # \xE9\n"
    );
    assert_eq!(
        read("lib/run.py"),
        b"#!/usr/bin/env python3\nprint(C.model_validate({}))"
    );
    let mode = std::fs::metadata(tree.path().join("lib/run.py"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    // The rule without `replace` is untouched.
    assert!(tree.read("api/models.py").contains("@validator('x')"));
    assert!(tree.read("api/models.py").contains("-> list[A]"));
}

#[test]
fn counts_drop_by_exactly_what_fix_reports_and_rg_finds_no_fixed_site() {
    let tree = tree();
    let locked = lock_counts(&tree.read("longtail.lock"));
    let run = tree.longtail(&["fix"]).expect(0);
    tree.longtail(&["update"]).expect(0);
    let now = lock_counts(&tree.read("longtail.lock"));
    let sum = |c: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>,
               rule: &str| c.get(rule).map_or(0, |f| f.values().sum::<u64>());
    for (rule, reported) in [("m/parse-obj", 4), ("m/list", 2)] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.trim_start().starts_with(rule))
            .unwrap_or_else(|| panic!("no line for {rule}: {}", run.stderr));
        let fixed: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(fixed, reported, "{line}");
        assert_eq!(sum(&locked, rule) - sum(&now, rule), fixed, "{rule}");
        assert_eq!(sum(&now, rule), 0, "{rule}");
    }
    assert_eq!(sum(&now, "m/validator"), 1);
    // The real ripgrep agrees that no fixed site is left.
    let rg = tree.rg_counts(&[
        "-e".into(),
        r"\.parse_obj\(".into(),
        "-e".into(),
        r"\bList\[(\w+)\]".into(),
        "-g".into(),
        "**/*.py".into(),
    ]);
    assert!(rg.is_empty(), "{rg:?}");
}

#[test]
fn unit_rule_and_file_selections_fix_only_what_they_name() {
    let tree = tree();
    let run = tree
        .longtail(&["fix", "--unit", "api", "--rule", "m/list"])
        .expect(0);
    // Nothing is left of what was asked for, whatever remains elsewhere.
    assert!(!run.stderr.contains("left for a person"), "{}", run.stderr);
    assert!(tree.read("api/models.py").contains("-> list[A]"));
    assert!(tree.read("api/models.py").contains("A.parse_obj(i)"));
    let latin = || {
        String::from_utf8_lossy(&std::fs::read(tree.path().join("lib/latin.py")).unwrap())
            .into_owned()
    };
    assert!(latin().contains("B.parse_obj"));
    tree.longtail(&["fix", "lib/run.py"]).expect(0);
    assert!(tree.read("lib/run.py").contains("C.model_validate"));
    assert!(tree.read("api/crlf.py").contains("A.parse_obj"));
    // A whole migration by its id, limited to files in no unit.
    tree.longtail(&["fix", "--rule", "m", "--unit", "(other)"])
        .expect(0);
    assert!(latin().contains("B.model_validate"));
    assert!(tree.read("api/crlf.py").contains("A.parse_obj"));
    // The rest of unit api: two parse_obj fixed, the @validator left for a person.
    let run = tree.longtail(&["fix", "--unit", "api"]).expect(0);
    assert!(
        run.stderr.contains("1 site left for a person or a codemod"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_selections_are_usage_errors_that_change_nothing() {
    let tree = tree();
    let before = tree.snapshot();
    for (args, says) in [
        (
            &["fix", "--rule", "m/nope"][..],
            "no rule or migration is called `m/nope`",
        ),
        (&["fix", "--unit", "web"], "no unit is called `web`"),
        (
            &["fix", "--rule", "m/validator"],
            "no selected rule has a `replace`",
        ),
        (&["plan", "--unit", "web"], "units: api, (other)"),
    ] {
        let run = tree.longtail(args).expect(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert_eq!(tree.snapshot(), before);
}

#[test]
fn a_replacement_that_would_not_remove_its_site_is_refused_and_nothing_is_written() {
    let tree = tree();
    // Literal: caught before any file is read, pointing at `replace`.
    let config = CONFIG.replace(
        "replace = \".model_validate(\"",
        "replace = \".parse_obj(x, \"",
    );
    tree.write("longtail.toml", &config);
    let before = tree.snapshot();
    let run = tree.longtail(&["fix"]).expect(2);
    assert!(run.stderr.contains("replace-matches"), "{}", run.stderr);
    assert!(
        run.stderr.contains(r#"replace = ".parse_obj(x, ""#),
        "{}",
        run.stderr
    );
    assert_eq!(tree.snapshot(), before);
    // With capture groups: found per file, and still nothing is written, not even the files
    // the other rule could fix.
    let config = CONFIG.replace("replace = \"list[$1]\"", "replace = \"List[$1]]\"");
    tree.write("longtail.toml", &config);
    let before = tree.snapshot();
    let run = tree.longtail(&["fix"]).expect(2);
    assert!(run.stderr.contains("not-removed"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(tree.snapshot(), before);
}

#[test]
fn plan_of_the_example_as_markdown_and_json() {
    let tree = Tree::example("services-demo");
    let markdown = tree.longtail(&["plan", "--limit", "2"]).expect(0);
    insta::assert_snapshot!("plan-markdown", markdown.stdout);
    let json = tree
        .longtail(&["plan", "--format", "json", "--unit", "billing"])
        .expect(0);
    insta::assert_snapshot!("plan-json-billing", json.stdout);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(plan["units"].as_array().unwrap().len(), 1);
    assert_eq!(plan["version"], 1);
}

#[test]
fn plan_counts_add_up_to_the_scan() {
    let tree = tree();
    let run = tree
        .longtail(&["plan", "--format", "json", "--limit", "1"])
        .expect(0);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let totals = &plan["totals"];
    assert_eq!(totals["sites"], 7);
    assert_eq!(totals["fixable"], 6);
    assert_eq!(totals["manual"], 1);
    for unit in plan["units"].as_array().unwrap() {
        for rule in unit["rules"].as_array().unwrap() {
            let listed = rule["locations"].as_array().unwrap().len() as u64;
            assert!(listed <= 1);
            assert_eq!(
                listed + rule["omitted"].as_u64().unwrap(),
                rule["sites"].as_u64().unwrap()
            );
        }
    }
    let api = &plan["units"][0];
    assert_eq!(api["unit"], "api");
    assert_eq!(api["commands"]["fix"], "longtail fix --unit api");
    assert_eq!(
        plan["units"][1]["commands"]["fix"],
        "longtail fix --unit '(other)'"
    );
}

#[test]
fn init_with_presets_writes_them_all_and_a_lock() {
    let tree = Tree::new();
    tree.write("svc/app.py", "x = A.parse_obj(d)\n");
    let list = tree.longtail(&["presets"]).expect(0);
    let names: Vec<&str> = list
        .stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "pydantic-v2",
            "sqlalchemy-2",
            "fastapi-lifespan",
            "python-3.9"
        ]
    );
    let mut args = vec!["init"];
    for name in &names {
        args.extend(["--preset", name]);
    }
    tree.longtail(&args).expect(0);
    let config = tree.read("longtail.toml");
    for name in &names {
        // A dot splits a bare TOML key, so `python-3.9` is quoted.
        let header = if name.contains('.') {
            format!("[migrations.\"{name}\"]")
        } else {
            format!("[migrations.{name}]")
        };
        assert!(config.contains(&header), "{name}");
    }
    assert!(tree.exists("longtail.lock"));
    tree.longtail(&["check", "--strict"]).expect(0);
    let run = Tree::new()
        .longtail(&["init", "--preset", "pydantic-v1"])
        .expect(2);
    assert!(
        run.stderr.contains("no preset is called `pydantic-v1`"),
        "{}",
        run.stderr
    );
}

/// Per rule, the sites `fix` reported replacing (from its summary on stderr).
fn reported(stderr: &str) -> std::collections::BTreeMap<String, u64> {
    stderr
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?.to_owned(), words.next()?.parse().ok()?))
        })
        .collect()
}

#[test]
fn each_preset_fixes_the_example_and_python_still_compiles() {
    let presets = [
        "pydantic-v2",
        "sqlalchemy-2",
        "fastapi-lifespan",
        "python-3.9",
    ];
    let mut fixed_somewhere = 0;
    for preset in presets {
        let tree = Tree::example("python-monorepo");
        let locked = lock_counts(&tree.read("longtail.lock"));
        let before = tree.snapshot();
        let run = tree.longtail(&["fix", "--rule", preset]);
        if run.code == 2 {
            // A preset none of whose rules is safe to rewrite by regex (fastapi-lifespan).
            assert!(
                run.stderr.contains("no selected rule has a `replace`"),
                "{}",
                run.stderr
            );
            assert_eq!(tree.snapshot(), before);
            continue;
        }
        let run = run.expect(0);
        let replaced = reported(&run.stderr);
        let changed: Vec<String> = tree
            .snapshot()
            .into_iter()
            .filter(|file| !before.contains(file))
            .map(|(path, _)| path)
            .collect();
        assert_eq!(
            changed.is_empty(),
            replaced.is_empty(),
            "{preset}: {}",
            run.stderr
        );
        // No syntax error introduced: the real Python byte-compiles every changed file.
        if !changed.is_empty() {
            let cache = tempfile::tempdir().unwrap();
            let output = std::process::Command::new("python3")
                .current_dir(tree.path())
                .env("PYTHONPYCACHEPREFIX", cache.path())
                .args(["-m", "py_compile"])
                .args(&changed)
                .output()
                .expect("python3 runs");
            assert!(
                output.status.success(),
                "{preset}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        // Every fixed site is gone and each count dropped by exactly what was reported.
        tree.longtail(&["update"]).expect(0);
        let now = lock_counts(&tree.read("longtail.lock"));
        let sum =
            |counts: &std::collections::BTreeMap<
                String,
                std::collections::BTreeMap<String, u64>,
            >,
             rule: &str| counts.get(rule).map_or(0, |f| f.values().sum::<u64>());
        for rule in locked.keys().chain(now.keys()) {
            let dropped = sum(&locked, rule) - sum(&now, rule);
            assert_eq!(
                dropped,
                replaced.get(rule).copied().unwrap_or(0),
                "{preset}: {rule}"
            );
            // A rule fix rewrote has no site left (one whose sites only went with another
            // rule's replacement may keep some).
            let indirect = run.stderr.lines().any(|l| {
                l.trim_start().starts_with(&format!("{rule} ")) && l.contains("another rule")
            });
            if replaced.contains_key(rule) && !indirect {
                assert_eq!(sum(&now, rule), 0, "{preset}: {rule} still has sites");
            }
        }
        fixed_somewhere += replaced.values().sum::<u64>();
    }
    assert!(
        fixed_somewhere > 0,
        "the example must give fix something to do"
    );
}
