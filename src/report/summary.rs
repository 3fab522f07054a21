//! Totals per migration, rule and unit, with deadline countdowns: what the Markdown summary,
//! the JUnit test cases and the JSON report show about progress.

use super::ReportInput;
use crate::check::Scope;
use crate::config::{Migration, Rule};
use crate::model::{self, RepoPath};

/// One unit's share of one migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSummary {
    /// The unit (or `(other)`).
    pub name: String,
    /// Its owner, if configured.
    pub owner: Option<String>,
    /// Sites left now.
    pub remaining: u64,
    /// Sites in the lock.
    pub locked: u64,
    /// Whether a failing increase of this migration lies in the unit.
    pub rose: bool,
}

/// One rule's totals.
#[derive(Debug, Clone)]
pub struct RuleSummary<'a> {
    /// The rule.
    pub rule: &'a Rule,
    /// Sites left now.
    pub remaining: u64,
    /// Sites in the lock; `None` when the lock does not know the rule yet.
    pub locked: Option<u64>,
}

/// One migration's totals.
#[derive(Debug, Clone)]
pub struct MigrationSummary<'a> {
    /// The migration.
    pub migration: &'a Migration,
    /// Sites left now.
    pub remaining: u64,
    /// Sites in the lock.
    pub locked: u64,
    /// Per rule, in config order.
    pub rules: Vec<RuleSummary<'a>>,
    /// Per unit in config order (generated units by directory, CODEOWNERS owners in file
    /// order), then units first seen in the counts, such as `(other)`, when they hold sites;
    /// empty when the config has no units.
    pub units: Vec<UnitSummary>,
    /// Days until the deadline (negative once past).
    pub days_left: Option<i64>,
    /// Past the deadline with sites left.
    pub overdue: bool,
    /// Within `warn_days` of the deadline with sites left.
    pub due_soon: bool,
}

impl MigrationSummary<'_> {
    /// The units of work: every unit but `(other)`, which tables show (when it holds sites)
    /// but progress never counts, as in `history`.
    pub fn work_units(&self) -> impl Iterator<Item = &UnitSummary> {
        self.units
            .iter()
            .filter(|u| u.name != crate::config::OTHER_UNIT)
    }

    /// Units of work with no site left.
    pub fn units_done(&self) -> usize {
        self.work_units().filter(|u| u.remaining == 0).count()
    }
}

/// Totals for every migration, in config order.
pub fn summarize<'a>(input: &ReportInput<'a>) -> Vec<MigrationSummary<'a>> {
    input
        .config
        .migrations
        .iter()
        .map(|migration| summarize_one(input, migration))
        .collect()
}

fn summarize_one<'a>(input: &ReportInput<'a>, migration: &'a Migration) -> MigrationSummary<'a> {
    let mut units: Vec<UnitSummary> = input
        .units
        .listed()
        .into_iter()
        .map(|(name, owner)| UnitSummary {
            name,
            owner,
            remaining: 0,
            locked: 0,
            rose: false,
        })
        .collect();
    let has_units = !units.is_empty();
    let mut add = |path: &RepoPath, remaining: u64, locked: u64| {
        if !has_units {
            return;
        }
        let name = input.units.unit_of(path);
        let index = match units.iter().position(|u| u.name == name) {
            Some(index) => index,
            None => {
                units.push(UnitSummary {
                    name: name.to_owned(),
                    owner: input.units.owner_of_unit(name),
                    remaining: 0,
                    locked: 0,
                    rose: false,
                });
                units.len() - 1
            }
        };
        if let Some(unit) = units.get_mut(index) {
            unit.remaining = unit.remaining.saturating_add(remaining);
            unit.locked = unit.locked.saturating_add(locked);
        }
    };
    let mut rules = Vec::new();
    for rule in &migration.rules {
        let now = input.counts.get(&rule.id);
        let locked = input.lock.and_then(|l| l.rules.get(&rule.id));
        for (path, count) in now.into_iter().flatten() {
            add(path, *count, 0);
        }
        for (path, count) in locked.into_iter().flatten() {
            add(path, 0, *count);
        }
        rules.push(RuleSummary {
            rule,
            remaining: now.map_or(0, |f| model::total(f.values())),
            locked: locked.map(|f| model::total(f.values())),
        });
    }
    for change in &input.verdict.increases {
        if change.rule.migration() != migration.id {
            continue;
        }
        for unit in &mut units {
            let inside = match &change.scope {
                Scope::File(path) => input.units.unit_of(path) == unit.name,
                Scope::Unit(name) => *name == unit.name,
                Scope::Repo => unit.remaining > unit.locked,
            };
            unit.rose |= inside;
        }
    }
    let remaining = model::total(&rules.iter().map(|r| r.remaining).collect::<Vec<_>>());
    let locked = model::total(
        &rules
            .iter()
            .map(|r| r.locked.unwrap_or(0))
            .collect::<Vec<_>>(),
    );
    let days_left = migration
        .deadline
        .map(|d| d.unix_days() - input.today.unix_days());
    MigrationSummary {
        migration,
        remaining,
        locked,
        rules,
        units,
        days_left,
        due_soon: input
            .verdict
            .due_soon
            .iter()
            .any(|o| o.migration == migration.id),
        overdue: input
            .verdict
            .overdue
            .iter()
            .any(|o| o.migration == migration.id),
    }
}
