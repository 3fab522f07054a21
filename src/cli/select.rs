//! `--unit` and `--rule` arguments: checked against the config, so a typo is an error that
//! lists what exists instead of a silent empty selection.

use std::collections::BTreeSet;

use miette::Diagnostic;

use super::session::Project;
use crate::config::OTHER_UNIT;

#[derive(Debug, thiserror::Error, Diagnostic)]
enum SelectError {
    #[error("no unit is called `{0}`")]
    #[diagnostic(code(longtail::usage::unit), help("units: {1}"))]
    Unit(String, String),
    #[error("no rule or migration is called `{0}`")]
    #[diagnostic(
        code(longtail::usage::rule),
        help(
            "give a rule as `migration/rule` or a whole migration by its id; `longtail rules` lists them"
        )
    )]
    Rule(String),
}

/// The named units, which must exist (`(other)` always does).
pub(super) fn units(project: &Project, names: &[String]) -> miette::Result<BTreeSet<String>> {
    let known: Vec<&str> = project
        .config
        .units
        .iter()
        .map(|u| u.name.as_str())
        .chain([OTHER_UNIT])
        .collect();
    names
        .iter()
        .map(|name| {
            if known.contains(&name.as_str()) {
                Ok(name.clone())
            } else {
                Err(SelectError::Unit(name.clone(), known.join(", ")).into())
            }
        })
        .collect()
}

/// Indices (config order) of the rules named by id, or of every rule of a named migration;
/// every rule when `ids` is empty.
pub(super) fn rules(project: &Project, ids: &[String]) -> miette::Result<Vec<usize>> {
    let all: Vec<_> = project.config.rules().map(|(_, r)| &r.id).collect();
    if ids.is_empty() {
        return Ok((0..all.len()).collect());
    }
    let mut chosen = BTreeSet::new();
    for id in ids {
        let before = chosen.len();
        let mut any = false;
        for (index, rule) in all.iter().enumerate() {
            if rule.as_str() == id || rule.migration() == id {
                chosen.insert(index);
                any = true;
            }
        }
        if !any && chosen.len() == before {
            return Err(SelectError::Rule(id.clone()).into());
        }
    }
    Ok(chosen.into_iter().collect())
}
