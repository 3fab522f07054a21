//! The GitLab CI template (`templates/longtail.gitlab-ci.yml`) runs as written: the `script:`
//! of its hidden job `.longtail`, taken from the YAML, runs in bash on a copy of the example
//! tree with the freshly built `longtail` first on PATH, and leaves the two reports its
//! `artifacts: reports:` name, in the formats GitLab reads.
//!
//! The `before_script` is skipped: it only installs longtail with `cargo install` from
//! crates.io and puts it on PATH, which the test does with the binary under test.

use std::path::Path;
use std::process::Command;

use crate::support::{Run, Tree};

const TEMPLATE: &str = include_str!("../../templates/longtail.gitlab-ci.yml");

/// The hidden job's lines: from `.longtail:` to the next top-level key.
fn hidden_job(yaml: &str) -> Vec<&str> {
    let mut lines = yaml
        .lines()
        .skip_while(|line| line.trim_end() != ".longtail:");
    assert!(
        lines.next().is_some(),
        "no `.longtail:` job in the template"
    );
    lines
        .take_while(|line| line.is_empty() || line.starts_with(' ') || line.starts_with('#'))
        .collect()
}

/// The items of the job's `script:` list (at two spaces), each as the text GitLab runs. Only
/// the two forms the template uses are understood, a plain one-line item and a literal block
/// (`- |`); anything else fails the test rather than being misread.
fn script(job: &[&str]) -> Vec<String> {
    let start = job
        .iter()
        .position(|line| line.trim_end() == "  script:")
        .expect("no `script:` in the `.longtail` job");
    let mut items: Vec<String> = Vec::new();
    let mut block: Option<(usize, String)> = None; // (indent of the item's dash, text so far)
    for line in &job[start + 1..] {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if let Some((dash, body)) = block.as_mut() {
            if text.is_empty() || indent > *dash {
                body.push_str(line);
                body.push('\n');
                continue;
            }
            items.push(dedent(body));
            block = None;
        }
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if indent <= 2 {
            break; // the job's next key
        }
        let item = text
            .strip_prefix("- ")
            .unwrap_or_else(|| panic!("not a list item under `script:`: {line:?}"));
        match item {
            "|" | "|-" => block = Some((indent, String::new())),
            _ => {
                assert!(
                    !item.starts_with(['"', '\'', '|', '>', '{', '[', '&', '*', '!']),
                    "the test's parser reads only plain items and `- |` blocks: {line:?}"
                );
                items.push(item.to_owned());
            }
        }
    }
    if let Some((_, body)) = block {
        items.push(dedent(&body));
    }
    assert!(!items.is_empty(), "empty `script:` in the `.longtail` job");
    items
}

/// A literal block's text without the indentation of its first line.
fn dedent(body: &str) -> String {
    let indent = body
        .lines()
        .find(|line| !line.trim().is_empty())
        .map_or(0, |line| line.len() - line.trim_start().len());
    body.lines()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The path after `KEY:` in the job's `artifacts: reports:`.
fn report_path<'a>(job: &[&'a str], key: &str) -> &'a str {
    job.iter()
        .find_map(|line| line.trim().strip_prefix(&format!("{key}:")))
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| panic!("no `{key}:` report in the `.longtail` job"))
}

/// A copy of examples/services-demo, as the job's checkout.
fn example() -> Tree {
    Tree::example("services-demo")
}

/// Runs the script as GitLab's runner does (bash, `set -eo pipefail`, one shell for all items)
/// with the job's variables, the binary under test first on PATH.
fn run_script(tree: &Tree, script: &[String], config: &str, args: &str) -> Run {
    let bin = Path::new(env!("CARGO_BIN_EXE_longtail")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("set -eo pipefail\n{}", script.join("\n")))
        .current_dir(tree.path())
        .env("PATH", path)
        .env("CI_PROJECT_DIR", tree.path())
        .env("LONGTAIL_CONFIG", config)
        .env("LONGTAIL_ARGS", args)
        .env("NO_COLOR", "1")
        .env("LONGTAIL_TODAY", "2026-11-25")
        .env("COLUMNS", "80")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Reads the two reports the job's `artifacts: reports:` name and checks their formats; returns
/// the Code Quality issues and the JUnit XML.
fn reports(tree: &Tree, job: &[&str]) -> (Vec<serde_json::Value>, String) {
    let codequality = report_path(job, "codequality");
    let junit = report_path(job, "junit");
    assert!(tree.exists(codequality), "{codequality} was not written");
    assert!(tree.exists(junit), "{junit} was not written");
    let issues: serde_json::Value = serde_json::from_str(&tree.read(codequality)).unwrap();
    let serde_json::Value::Array(issues) = issues else {
        panic!("{codequality} is not a JSON array: {issues}");
    };
    let xml = tree.read(junit);
    assert!(xml.starts_with("<?xml"), "{junit}: {xml}");
    assert!(xml.contains("<testsuites"), "{junit}: {xml}");
    (issues, xml)
}

#[test]
fn gitlab_template_script_writes_its_reports() {
    let job = hidden_job(TEMPLATE);
    let script = script(&job);
    let tree = example();
    let run = run_script(&tree, &script, "", "").expect(0);
    assert!(run.stdout.contains("longtail: ok"), "{}", run.stdout);
    let (issues, xml) = reports(&tree, &job);
    // One issue per remaining site; none is new.
    assert!(!issues.is_empty());
    assert!(issues.iter().all(|issue| issue["severity"] != "critical"));
    assert!(!xml.contains("<failure"), "{xml}");
}

#[test]
fn gitlab_template_script_fails_on_a_new_site_with_its_reports() {
    let job = hidden_job(TEMPLATE);
    let script = script(&job);
    let tree = example();
    let models = "services/auth/app/models.py";
    let text = tree.read(models);
    tree.write(
        models,
        format!("{text}\n\ndef load(payload):\n    return User.parse_obj(payload)\n"),
    );
    // LONGTAIL_CONFIG and LONGTAIL_ARGS (split into two arguments) reach `longtail check`.
    let run = run_script(&tree, &script, "longtail.toml", "--strict  -q").expect(1);
    assert!(run.stdout.contains("FAILED"), "{}", run.stdout);
    // The reports are still written, for `artifacts: when: always`.
    let (issues, xml) = reports(&tree, &job);
    assert!(
        issues
            .iter()
            .any(|issue| issue["severity"] == "critical" && issue["location"]["path"] == models),
        "{issues:?}"
    );
    assert!(xml.contains("<failure"), "{xml}");
}

#[test]
fn gitlab_template_parser_reads_blocks_and_plain_items() {
    let yaml = "\
.longtail:
  image: rust:1
  script:
    - echo one
    # a comment
    - |
      if true; then
        echo two
      fi

    - echo three
  artifacts:
    reports:
      codequality: cq.json
other:
  script:
    - echo no
";
    let job = hidden_job(yaml);
    assert_eq!(
        script(&job),
        ["echo one", "if true; then\n  echo two\nfi\n", "echo three"]
    );
    assert_eq!(report_path(&job, "codequality"), "cq.json");
}
