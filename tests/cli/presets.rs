//! The presets against an independent oracle: every case text of every preset is written to
//! a tree whose config is all four presets, the real `longtail` counts it, and each rule's
//! count in each file must equal what the real `rg --count-matches` reports for the rule's
//! pattern, flags and globs; each case file must hold the count its case says.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::support::{Tree, lock_counts};

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    rule: String,
    text: String,
    count: u64,
}

/// One case written to the tree: where, and what it is.
struct Written {
    path: String,
    preset: &'static str,
    case: Case,
}

fn cases(preset: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/presets/cases")
        .join(format!("{preset}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    cases.case
}

/// `rg` flags equivalent to a rule's, as `rules::matcher_builder` maps them.
fn rg_args(rule: &longtail::config::Rule) -> Vec<String> {
    let mut args = Vec::new();
    for (on, flag) in [
        (rule.ignore_case, "-i"),
        (rule.word, "-w"),
        (rule.literal, "-F"),
        (rule.multiline, "-U"),
    ] {
        if on {
            args.push(flag.to_owned());
        }
    }
    for glob in &rule.paths {
        args.extend(["-g".to_owned(), glob.get_ref().clone()]);
    }
    for glob in &rule.exclude {
        args.extend(["-g".to_owned(), format!("!{}", glob.get_ref())]);
    }
    args.extend(["-e".to_owned(), rule.pattern.get_ref().clone()]);
    args
}

#[test]
fn every_preset_rule_counts_its_cases_as_rg_does() {
    let tree = Tree::new();
    let all: Vec<&longtail::presets::Preset> = longtail::presets::ALL.iter().collect();
    let config_text = longtail::presets::config_text("[settings]\nratchet = \"file\"\n", &all);
    tree.write("longtail.toml", &config_text);
    let mut written = Vec::new();
    for preset in &all {
        for (n, case) in cases(preset.name).into_iter().enumerate() {
            let path = format!("cases/{}/{}_{n}.py", preset.name, case.rule);
            tree.write(&path, &case.text);
            written.push(Written {
                path,
                preset: preset.name,
                case,
            });
        }
    }
    tree.longtail(&["update"]).expect(0);
    let ours = lock_counts(&tree.read("longtail.lock"));

    let config = longtail::config::parse(
        &tree.path().join("longtail.toml"),
        "longtail.toml",
        &config_text,
    )
    .unwrap();
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (_, rule) in config.rules() {
        let id = rule.id.as_str();
        let expected: BTreeMap<String, u64> = tree
            .rg_counts(&rg_args(rule))
            .into_iter()
            .filter(|(path, _)| path != "longtail.toml" && path != "longtail.lock")
            .collect();
        let got = ours.get(id).cloned().unwrap_or_default();
        if got != expected {
            mismatches.push(format!(
                "rule {id} (pattern {:?}):\n  rg:       {expected:?}\n  longtail: {got:?}",
                rule.pattern.get_ref()
            ));
        }
        compared += expected.len();
    }
    for Written { path, preset, case } in &written {
        let id = format!("{preset}/{}", case.rule);
        let got = ours
            .get(&id)
            .and_then(|f| f.get(path))
            .copied()
            .unwrap_or(0);
        if got != case.count {
            mismatches.push(format!(
                "preset {preset} rule {}: {got} sites, the case says {}, in {path}:\n{}",
                case.rule, case.count, case.text
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "presets differ from rg or from their cases:\n{}",
        mismatches.join("\n")
    );
    assert!(
        compared > 100,
        "the oracle must compare many (rule, file) counts, not pass vacuously: {compared}"
    );
}
