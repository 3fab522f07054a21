//! Every report format through the real binary on an awkward tree (CRLF, tabs, a path with a
//! space and Unicode, messages with `<>&"'%,:` and a newline), plus the properties consumers
//! rely on: SARIF results per rule and file equal the lock's counts, fingerprints survive
//! inserted lines, and GitHub's job summary.

use std::collections::BTreeMap;

use crate::support::{Tree, lock_counts};

const CONFIG: &str = include_str!("../fixtures/awkward.toml");

fn tree() -> Tree {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write(
            "svc api/mödels.py",
            "import x\r\n\tuser = User.parse_obj(data)\r\nclass Config:\r\n    orm_mode = True\r\n",
        )
        .write("lib/a.py", "a = A.parse_obj(1); b = B.parse_obj(2)\n")
        .write(
            "lib/b.py",
            "class Model:\n    class Config:\n        orm_mode = True\n",
        );
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    // One new site in the API file.
    tree.write(
        "svc api/mödels.py",
        "import x\r\n\tuser = User.parse_obj(data)\r\nclass Config:\r\n    orm_mode = True\r\n\t\tq = Q.parse_obj(é)\r\n",
    );
    tree
}

const FORMATS: [&str; 6] = ["sarif", "junit", "gitlab", "github", "json", "markdown"];

#[test]
fn every_format_end_to_end() {
    let tree = tree();
    let mut args = vec!["check".to_owned()];
    for format in FORMATS {
        args.push(format!("--report={format}=out/{format}.out"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = tree.longtail(&args).expect(1);
    // The human report still goes to stdout when no report does.
    assert!(
        run.stdout.contains("svc api/mödels.py: 1 → 2 sites"),
        "{}",
        run.stdout
    );
    for format in FORMATS {
        let mut text = tree.read(&format!("out/{format}.out"));
        if format == "sarif" {
            // Written compact; pretty here so the snapshot reads line by line.
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            text = serde_json::to_string_pretty(&value).unwrap();
        }
        insta::assert_snapshot!(format!("e2e-{format}"), text);
    }
    // Byte-identical on a second run.
    let first: Vec<String> = FORMATS
        .iter()
        .map(|f| tree.read(&format!("out/{f}.out")))
        .collect();
    tree.longtail(&args).expect(1);
    let second: Vec<String> = FORMATS
        .iter()
        .map(|f| tree.read(&format!("out/{f}.out")))
        .collect();
    assert_eq!(first, second);
}

#[test]
fn a_report_can_take_stdout_instead_of_the_human_one() {
    let tree = tree();
    let run = tree.longtail(&["check", "--report", "json"]).expect(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["passed"], false);
    let run = tree
        .longtail(&["check", "--report", "json", "--report", "sarif=-"])
        .expect(2);
    assert!(
        run.stderr.contains("2 reports would go to stdout"),
        "{}",
        run.stderr
    );
    let run = tree.longtail(&["check", "--report", "yaml"]).expect(2);
    assert!(
        run.stderr.contains("unknown format `yaml`"),
        "{}",
        run.stderr
    );
    // Human to a file has no colour codes, even when colour is forced.
    tree.longtail(&[
        "--color",
        "always",
        "check",
        "--report",
        "human=out/h.txt",
        "--report",
        "json",
    ])
    .expect(1);
    assert!(!tree.read("out/h.txt").contains('\u{1b}'));
}

#[test]
fn sarif_results_per_rule_and_file_equal_the_lock() {
    let tree = tree();
    tree.longtail(&["update", "--allow-increase"]).expect(0);
    tree.longtail(&["check", "--report", "sarif=out.sarif"])
        .expect(0);
    let sarif: serde_json::Value = serde_json::from_str(&tree.read("out.sarif")).unwrap();
    let mut counted: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let rule = result["ruleId"].as_str().unwrap().to_owned();
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        let path = uri.replace("%20", " ").replace("%C3%B6", "ö");
        *counted.entry(rule).or_default().entry(path).or_default() += 1;
    }
    let mut locked = lock_counts(&tree.read("longtail.lock"));
    locked.retain(|_, files| !files.is_empty());
    assert_eq!(counted, locked);
    assert_eq!(counted["py2/parse-obj"]["svc api/mödels.py"], 2);
}

fn fingerprints(tree: &Tree) -> Vec<String> {
    tree.longtail(&["check", "--report", "sarif=out.sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&tree.read("out.sarif")).unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lib/a.py")
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_inserted_lines_and_follow_the_site_text() {
    let tree = tree();
    let before = fingerprints(&tree);
    assert_eq!(before.len(), 2);
    assert_ne!(before[0], before[1], "two sites on one line are told apart");
    tree.write(
        "lib/a.py",
        "# a header\n\nimport os\na = A.parse_obj(1); b = B.parse_obj(2)\n",
    );
    assert_eq!(
        fingerprints(&tree),
        before,
        "lines inserted above change nothing"
    );
    tree.write("lib/a.py", "a = A.parse_obj(1); b = C.parse_obj(2)\n");
    let changed = fingerprints(&tree);
    assert_eq!(changed.len(), 2);
    assert!(
        changed.iter().all(|f| !before.contains(f)),
        "the site's own text changed"
    );
}

#[test]
fn github_annotations_new_sites_by_default_and_the_job_summary() {
    let tree = tree();
    let summary = tree.path().join("summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    let run = tree
        .longtail_with(".", &["check", "--report", "github"], &env)
        .expect(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "only the API file rose: its two sites\n{}",
        run.stdout
    );
    assert!(lines[0].starts_with("::error file=svc api/mödels.py,line=2,endLine=2,col=9,endColumn=23,title=py2/parse-obj (Pydantic <v2> & \"friends\")::"), "{}", lines[0]);
    assert!(
        lines[0].contains("100%25 sure :: ok, really"),
        "{}",
        lines[0]
    );
    let run = tree
        .longtail_with(
            ".",
            &["check", "--report", "github", "--annotate", "all"],
            &env,
        )
        .expect(1);
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("::")).count(),
        5,
        "{}",
        run.stdout
    );
    // A multi-line site carries no columns (GitHub ignores them across lines).
    assert!(
        run.stdout
            .contains("::notice file=lib/b.py,line=2,endLine=3,title="),
        "{}",
        run.stdout
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(
        written.matches("## longtail: ❌ failed").count(),
        2,
        "appended once per run"
    );
    // `(other)` is listed but is no unit of work.
    assert!(written.contains("**0 of 1 units done**"), "{written}");
}

#[test]
fn a_passed_deadline_fails_every_report() {
    let tree = tree();
    tree.longtail(&["update", "--allow-increase"]).expect(0);
    let env = [("LONGTAIL_TODAY", "2027-04-01")];
    let args = [
        "check",
        "--report",
        "junit=j.xml",
        "--report",
        "gitlab=g.json",
        "--report",
        "sarif=s.sarif",
        "--report",
        "github=gh.txt",
        "--report",
        "markdown=m.md",
        "--report",
        "json",
    ];
    let run = tree.longtail_with(".", &args, &env).expect(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["migrations"][0]["overdue"], true);
    assert_eq!(json["migrations"][0]["days_left"], -1);
    assert!(tree.read("j.xml").contains("type=\"deadline\""));
    let gitlab: serde_json::Value = serde_json::from_str(&tree.read("g.json")).unwrap();
    assert!(
        gitlab
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["severity"] == "major"),
        "{gitlab}"
    );
    // Every site's severity becomes error, whatever the rule says.
    let sarif: serde_json::Value = serde_json::from_str(&tree.read("s.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["level"] == "error"), "{sarif}");
    let github = tree.read("gh.txt");
    assert!(github.contains("deadline passed"), "{github}");
    assert!(tree.read("m.md").contains("is past its deadline"));
}

#[test]
fn forge_paths_are_relative_to_the_repository_root() {
    let tree = Tree::git();
    tree.write(
        "services/api/longtail.toml",
        "[migrations.m.rules.r]\npattern = 'old\\('\nmessage = 'm'\n",
    )
    .write("services/api/app/x.py", "old(1)\n");
    let args = [
        "check",
        "--report",
        "sarif=s.json",
        "--report",
        "gitlab=g.json",
        "--report",
        "github",
        "--annotate",
        "all",
    ];
    let run = tree.longtail_in("services/api", &args).expect(0);
    assert!(
        run.stdout.contains("file=services/api/app/x.py,"),
        "{}",
        run.stdout
    );
    let sarif: serde_json::Value = serde_json::from_str(&tree.read("services/api/s.json")).unwrap();
    let run0 = &sarif["runs"][0];
    assert_eq!(
        run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "services/api/app/x.py"
    );
    assert_eq!(run0["automationDetails"]["id"], "longtail/services/api/");
    let gitlab: serde_json::Value =
        serde_json::from_str(&tree.read("services/api/g.json")).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "services/api/app/x.py");
}

#[test]
fn a_site_moved_within_its_unit_is_not_new() {
    let tree = Tree::git();
    tree.write(
        "longtail.toml",
        format!("[settings]\nratchet = 'unit'\n{CONFIG}"),
    )
    .write("svc api/one.py", "a = A.parse_obj(1)\nb = B.parse_obj(2)\n");
    tree.longtail(&["update"]).expect(0);
    tree.write("svc api/one.py", "a = A.parse_obj(1)\n")
        .write("svc api/two.py", "b = B.parse_obj(2)\n");
    let run = tree
        .longtail(&["check", "--report", "github", "--report", "sarif=s.json"])
        .expect(0);
    assert_eq!(run.stdout, "", "no annotation: nothing fails");
    let sarif: serde_json::Value = serde_json::from_str(&tree.read("s.json")).unwrap();
    let states: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].clone())
        .collect();
    assert!(states.iter().all(|s| s == "unchanged"), "{states:?}");
}

#[test]
fn a_file_named_like_a_workflow_command_stays_text() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("::warning title=x::gotcha.py", "a = A.parse_obj(1)\n");
    let run = tree.longtail(&["-v", "check"]).expect(0);
    assert!(
        !run.stdout.lines().any(|l| l.trim_start().starts_with("::")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\\::warning title=x::gotcha.py:1:5"),
        "{}",
        run.stdout
    );
}
