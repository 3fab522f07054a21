//! Every preset is a valid config alone and with the others, meets its size, documents every
//! rule (saying why a rule without `replace` is not fixed by a regex), and counts its cases as
//! written: for each rule, code it must count (and, for a rule with `replace`, exactly the text
//! `fix` makes of it) and a near miss it must not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::{ALL, Preset};
use crate::config::Config;
use crate::model::RepoPath;
use crate::rules::CompiledRules;
use crate::scan::FileSearcher;

/// A preset's cases file, `cases/<name>.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

/// One case: `text` holds `count` sites of `rule`; after its `replace`, it reads `fixed`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    rule: String,
    text: String,
    count: u64,
    fixed: Option<String>,
}

/// The cases of each preset, by name, and the fewest rules each must have.
const CASES: &[(&str, &str, usize)] = &[
    ("pydantic-v2", include_str!("cases/pydantic-v2.toml"), 15),
    ("sqlalchemy-2", include_str!("cases/sqlalchemy-2.toml"), 12),
    (
        "fastapi-lifespan",
        include_str!("cases/fastapi-lifespan.toml"),
        3,
    ),
    ("python-3.9", include_str!("cases/python-3.9.toml"), 10),
];

/// A path every preset rule's globs admit.
const PATH: &str = "svc/app.py";

fn cases_of(preset: &Preset) -> Vec<Case> {
    let (_, text, _) = CASES
        .iter()
        .find(|(name, _, _)| *name == preset.name)
        .unwrap_or_else(|| panic!("no cases file for preset {}", preset.name));
    let cases: Cases =
        toml::from_str(text).unwrap_or_else(|e| panic!("cases/{}.toml: {e}", preset.name));
    cases.case
}

fn parse(text: &str) -> Config {
    crate::config::parse(Path::new("/repo/longtail.toml"), "longtail.toml", text)
        .unwrap_or_else(|problems| panic!("{problems:?}"))
}

fn compile(config: &Config) -> CompiledRules {
    crate::rules::compile(config).unwrap_or_else(|problems| panic!("{problems:?}"))
}

/// All four presets after a `[settings]` table, as `init --preset` writes them.
fn all_presets() -> String {
    let chosen: Vec<&Preset> = ALL.iter().collect();
    super::config_text("[settings]\nratchet = \"file\"\n", &chosen)
}

/// Where `preset/rule` sits in the compiled rules.
fn index_of(rules: &CompiledRules, preset: &str, rule: &str) -> usize {
    let id = format!("{preset}/{rule}");
    rules
        .rules
        .iter()
        .position(|r| r.id.as_str() == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn count(searcher: &mut FileSearcher, rules: &CompiledRules, index: usize, text: &str) -> u64 {
    let found = searcher
        .search(rules, &RepoPath::new(PATH), text.as_bytes())
        .unwrap();
    found
        .sites
        .iter()
        .find(|(i, _)| *i == index)
        .map_or(0, |(_, sites)| sites.count)
}

#[test]
fn every_preset_has_cases_and_the_list_is_complete() {
    let names: Vec<&str> = ALL.iter().map(|p| p.name).collect();
    let with_cases: Vec<&str> = CASES.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, with_cases);
}

#[test]
fn each_preset_alone_is_a_documented_valid_config() {
    for preset in ALL {
        let config = parse(preset.text);
        compile(&config);
        assert!(
            preset.text.starts_with("# "),
            "{}: starts with a comment saying what it covers",
            preset.name
        );
        assert!(
            preset.text.ends_with('\n') && !preset.text.ends_with("\n\n"),
            "{}: ends with one newline",
            preset.name
        );
        let [migration] = config.migrations.as_slice() else {
            panic!("{}: one migration per preset", preset.name);
        };
        assert_eq!(migration.id, preset.name);
        assert_ne!(
            migration.title, migration.id,
            "{}: has a title",
            preset.name
        );
        assert!(
            migration
                .docs
                .as_deref()
                .is_some_and(|d| d.starts_with("https://")),
            "{}: links its migration guide",
            preset.name
        );
        let (_, _, at_least) = CASES
            .iter()
            .find(|(name, _, _)| *name == preset.name)
            .unwrap();
        assert!(
            migration.rules.len() >= *at_least,
            "{}: {} rules, at least {at_least} wanted",
            preset.name,
            migration.rules.len()
        );
        assert_eq!(super::rule_count(preset), migration.rules.len());
        for rule in &migration.rules {
            let id = &rule.id;
            assert!(
                rule.docs.as_deref().is_some_and(
                    |d| d.starts_with("https://") && (d.contains('#') || d.ends_with('/'))
                ),
                "{id}: docs link to the guide's section for this change: {:?}",
                rule.docs
            );
            assert!(rule.message.len() > 20, "{id}: says what to do instead");
            assert!(!rule.paths.is_empty(), "{id}: limited to Python files");
            assert!(
                rule.paths
                    .iter()
                    .all(|g| g.get_ref().starts_with("**/*.py")),
                "{id}: {:?}",
                rule.paths
            );
        }
    }
}

#[test]
fn all_presets_after_settings_are_one_valid_config() {
    let config = parse(&all_presets());
    let rules = compile(&config);
    let ids: Vec<&str> = config.migrations.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        ALL.iter().map(|p| p.name).collect::<Vec<_>>(),
        "one migration per preset, in order"
    );
    let total: usize = ALL.iter().map(super::rule_count).sum();
    assert_eq!(rules.rules.len(), total);
    let unique: BTreeSet<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(unique.len(), total, "rule ids are unique");
}

#[test]
fn every_rule_has_a_positive_case_and_a_near_miss() {
    let mut missing = Vec::new();
    for preset in ALL {
        let config = parse(preset.text);
        let rules: BTreeMap<String, bool> = config
            .rules()
            .map(|(_, r)| {
                let name = r.id.as_str().split_once('/').map_or("", |(_, n)| n);
                (name.to_owned(), r.replace.is_some())
            })
            .collect();
        let mut positive = BTreeSet::new();
        let mut near_miss = BTreeSet::new();
        for case in cases_of(preset) {
            let Some(&has_replace) = rules.get(&case.rule) else {
                missing.push(format!(
                    "{}: a case names no rule: {}",
                    preset.name, case.rule
                ));
                continue;
            };
            if case.count > 0 {
                positive.insert(case.rule.clone());
            } else {
                near_miss.insert(case.rule.clone());
            }
            let wants_fixed = has_replace && case.count > 0;
            if wants_fixed != case.fixed.is_some() {
                missing.push(format!(
                    "{}/{}: `fixed` is for (and required by) cases of rules with replace that count sites:\n{}",
                    preset.name, case.rule, case.text
                ));
            }
        }
        for rule in rules.keys() {
            if !positive.contains(rule) {
                missing.push(format!("{}/{rule}: no case it counts", preset.name));
            }
            if !near_miss.contains(rule) {
                missing.push(format!("{}/{rule}: no near miss", preset.name));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// "Where a preset rule cannot be fixed safely by a regex, it has no `replace` and says so in
/// its message": every rule without `replace` tells the reader why it is left to them.
#[test]
fn every_rule_without_replace_says_why_in_its_message() {
    let mut silent = Vec::new();
    for preset in ALL {
        let config = parse(preset.text);
        for (_, rule) in config.rules() {
            if rule.replace.is_none() && !rule.message.contains("not fixed by a regex") {
                silent.push(format!("{}: {}", rule.id, rule.message));
            }
        }
    }
    assert!(
        silent.is_empty(),
        "rules without replace must say \"not fixed by a regex\" and why in their message:\n{}",
        silent.join("\n")
    );
}

#[test]
fn cases_count_as_written_alone_and_with_every_preset() {
    let together = compile(&parse(&all_presets()));
    let mut searcher = FileSearcher::new();
    let mut failures = Vec::new();
    for preset in ALL {
        let alone = compile(&parse(preset.text));
        for case in cases_of(preset) {
            for (rules, how) in [(&alone, "alone"), (&together, "with all presets")] {
                let index = index_of(rules, preset.name, &case.rule);
                let got = count(&mut searcher, rules, index, &case.text);
                if got != case.count {
                    failures.push(format!(
                        "preset {} rule {} ({how}): counted {got}, the case says {}, in:\n{}",
                        preset.name, case.rule, case.count, case.text
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixed_cases_are_what_fix_writes_and_leave_no_site() {
    let rules = compile(&parse(&all_presets()));
    let mut searcher = FileSearcher::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for preset in ALL {
        for case in cases_of(preset) {
            let Some(fixed) = &case.fixed else {
                continue;
            };
            let index = index_of(&rules, preset.name, &case.rule);
            let path = RepoPath::new(PATH);
            let result =
                crate::fix::fix(&mut searcher, &rules, &[index], &path, case.text.as_bytes());
            let failure = match result {
                Ok(Some(done)) if done.bytes == fixed.as_bytes() => {
                    checked += 1;
                    let left = count(&mut searcher, &rules, index, fixed);
                    (left > 0).then(|| format!("{left} sites left after the fix"))
                }
                Ok(Some(done)) => Some(format!(
                    "fix wrote:\n{}",
                    String::from_utf8_lossy(&done.bytes)
                )),
                Ok(None) => Some("fix changed nothing".to_owned()),
                Err(refusal) => Some(format!("fix refused: {refusal:?}")),
            };
            if let Some(failure) = failure {
                failures.push(format!(
                    "preset {} rule {}: {failure}\nin:\n{}expected:\n{fixed}",
                    preset.name, case.rule, case.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 10, "the fixed cases must exercise many rules");
}

/// `examples/python-monorepo/longtail.toml` is a header followed by the presets verbatim, as
/// `init --preset` writes them, so the example shows exactly what users get.
#[test]
fn the_python_monorepo_example_uses_the_presets_verbatim() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python-monorepo/longtail.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let first = ALL.first().unwrap().text.trim_end();
    let at = text
        .find(first)
        .unwrap_or_else(|| panic!("{} holds the pydantic-v2 preset verbatim", path.display()));
    let header = text.get(..at).unwrap();
    let chosen: Vec<&Preset> = ALL.iter().collect();
    assert_eq!(
        super::config_text(header, &chosen),
        text,
        "the example is its header plus every preset, in order"
    );
}
