//! The remaining work as tasks: one brief per unit with its sites grouped by rule, what
//! `longtail fix` can do, what a named codemod handles and what is left for a person. Built
//! from the scan's findings; rendered as a Markdown tracking issue (`markdown`) or as JSON briefs
//! for coding agents (this module's serde types, schema in `schemas/plan.schema.json`).
//! Knows nothing of the lock or the ratchet: a plan is about what is left, not what rose.

pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use crate::config::{Config, Date, OTHER_UNIT, Rule};
use crate::model::{FileSites, Findings, RepoPath, total};
use crate::report::json::Tool;
use crate::units::Units;

/// Version of the JSON plan format; bumped on incompatible changes.
pub const VERSION: u32 = 1;

/// What a coding agent (or a person) is told about every brief.
const INSTRUCTIONS: &str = "Take one unit at a time. For each rule, change every listed site as \
its message says (the docs link has the details); `handling` says whether `longtail fix` does it \
(run the unit's `fix` command first), a codemod does, or a person must. The unit is done when \
`longtail check` reports no site of it; then run `longtail update` and commit longtail.lock with \
the change. Change nothing else.";

/// A plan: per-unit briefs for the remaining sites.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "longtail plan")]
pub struct Plan {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The program that wrote the plan.
    pub tool: Tool,
    /// The day the plan was made (`YYYY-MM-DD`).
    pub date: String,
    /// How to work through a brief.
    pub instructions: String,
    /// Totals over the units in this plan.
    pub totals: Totals,
    /// The migrations the rules belong to.
    pub migrations: Vec<MigrationInfo>,
    /// One brief per unit: configured units in config order, then `(other)`.
    pub units: Vec<UnitBrief>,
}

/// Totals over the plan's units.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Totals {
    /// Units in the plan.
    pub units: u64,
    /// Units with no site left.
    pub units_done: u64,
    /// Sites left.
    pub sites: u64,
    /// Sites `longtail fix` rewrites.
    pub fixable: u64,
    /// Sites of rules a named codemod handles.
    pub codemod: u64,
    /// Sites left for a person.
    pub manual: u64,
}

/// A migration's facts that matter for planning.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MigrationInfo {
    /// The migration's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The migration guide.
    pub docs: Option<String>,
    /// The deadline (`YYYY-MM-DD`).
    pub deadline: Option<String>,
    /// Days until the deadline (negative once past).
    pub days_left: Option<i64>,
    /// Sites left in the plan's units.
    pub sites: u64,
}

/// One unit's task.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UnitBrief {
    /// The unit (`(other)` for files in no unit).
    pub unit: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// No site left.
    pub done: bool,
    /// Sites left.
    pub sites: u64,
    /// Of those, sites `longtail fix` rewrites.
    pub fixable: u64,
    /// Sites of rules a named codemod handles.
    pub codemod: u64,
    /// Sites left for a person.
    pub manual: u64,
    /// Files with sites, sorted.
    pub files: Vec<String>,
    /// Commands that work this unit.
    pub commands: Commands,
    /// The unit's rules with sites, in config order.
    pub rules: Vec<RuleBrief>,
}

/// Commands for one unit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Commands {
    /// Applies every mechanical replacement in the unit (absent when there is none).
    pub fix: Option<String>,
    /// Shows what is left.
    pub check: String,
    /// Tightens the lock once sites are gone.
    pub update: String,
}

/// How a rule's sites get fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Handling {
    /// `longtail fix` rewrites them (the rule has `replace`).
    Fix,
    /// A codemod the rule names handles them; longtail never runs it.
    Codemod,
    /// A person (or a coding agent) must change them.
    Manual,
}

/// One rule's sites in one unit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RuleBrief {
    /// `migration/rule`.
    pub rule: String,
    /// The rule's migration.
    pub migration: String,
    /// What to do instead.
    pub message: String,
    /// Where the change is documented.
    pub docs: Option<String>,
    /// `error`, `warning` or `note`.
    pub severity: String,
    /// Who or what fixes the sites.
    pub handling: Handling,
    /// The rule's replacement (`$1` as in `rg --replace`), when `fix` applies it.
    pub replace: Option<String>,
    /// The codemod that handles it, informational.
    pub codemod: Option<String>,
    /// Sites in the unit.
    pub sites: u64,
    /// The sites, by file and line (at most `--limit`).
    pub locations: Vec<Location>,
    /// Sites not listed because of `--limit` (or the scan's cap per file).
    pub omitted: u64,
}

/// A site.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Location {
    /// Repository path (relative to longtail.toml's directory).
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based character column.
    pub column: u64,
    /// The line's text, trimmed of its terminator (at most 240 bytes).
    pub text: String,
    /// What `longtail fix` puts in place of the match.
    pub replacement: Option<String>,
}

impl Handling {
    fn of(rule: &Rule) -> Self {
        if rule.replace.is_some() {
            Self::Fix
        } else if rule.codemod.is_some() {
            Self::Codemod
        } else {
            Self::Manual
        }
    }
}

/// What to plan.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these units (all when empty).
    pub units: BTreeSet<String>,
    /// Sites listed per unit and rule.
    pub limit: usize,
}

/// Builds the plan from a scan's findings.
pub fn build(
    config: &Config,
    units: &Units,
    findings: &Findings,
    selection: &Selection,
    today: Date,
    version: &str,
) -> Plan {
    // unit → rule index → (count, files with sites), from every file the scan saw.
    let mut per_unit: BTreeMap<&str, BTreeMap<usize, Vec<Hit<'_>>>> = BTreeMap::new();
    for (index, (_, rule)) in config.rules().enumerate() {
        let Some(files) = findings.sites.get(&rule.id) else {
            continue;
        };
        for (path, sites) in files.iter().filter(|(_, s)| s.count > 0) {
            let unit = units.unit_of(path);
            per_unit
                .entry(unit)
                .or_default()
                .entry(index)
                .or_default()
                .push((path, sites));
        }
    }
    let mut names: Vec<(&str, Option<&str>)> = config
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.owner.as_deref()))
        .collect();
    if per_unit.contains_key(OTHER_UNIT) || names.is_empty() {
        names.push((OTHER_UNIT, None));
    }
    names.retain(|(name, _)| selection.units.is_empty() || selection.units.contains(*name));
    let rules: Vec<&Rule> = config.rules().map(|(_, r)| r).collect();
    let mut totals = Totals::default();
    let mut by_migration: BTreeMap<&str, u64> = BTreeMap::new();
    let mut briefs = Vec::new();
    for (name, owner) in names {
        let found = per_unit.remove(name).unwrap_or_default();
        let mut brief = UnitBrief {
            unit: name.to_owned(),
            owner: owner.map(str::to_owned),
            done: true,
            sites: 0,
            fixable: 0,
            codemod: 0,
            manual: 0,
            files: Vec::new(),
            commands: commands(name, false),
            rules: Vec::new(),
        };
        let mut files = BTreeSet::new();
        for (index, hits) in found {
            let Some(rule) = rules.get(index) else {
                continue;
            };
            let rule_brief = rule_brief(rule, &hits, selection.limit);
            files.extend(hits.iter().map(|(path, _)| path.as_str().to_owned()));
            let counter = match rule_brief.handling {
                Handling::Fix => &mut brief.fixable,
                Handling::Codemod => &mut brief.codemod,
                Handling::Manual => &mut brief.manual,
            };
            *counter = counter.saturating_add(rule_brief.sites);
            brief.sites = brief.sites.saturating_add(rule_brief.sites);
            let migration = by_migration.entry(rule.id.migration()).or_default();
            *migration = migration.saturating_add(rule_brief.sites);
            brief.rules.push(rule_brief);
        }
        brief.done = brief.sites == 0;
        brief.files = files.into_iter().collect();
        brief.commands = commands(name, brief.fixable > 0);
        totals.units += 1;
        totals.units_done += u64::from(brief.done);
        totals.sites = totals.sites.saturating_add(brief.sites);
        totals.fixable = totals.fixable.saturating_add(brief.fixable);
        totals.codemod = totals.codemod.saturating_add(brief.codemod);
        totals.manual = totals.manual.saturating_add(brief.manual);
        briefs.push(brief);
    }
    let migrations = config
        .migrations
        .iter()
        .map(|m| MigrationInfo {
            id: m.id.clone(),
            title: m.title.clone(),
            docs: m.docs.clone(),
            deadline: m.deadline.map(|d| d.to_string()),
            days_left: m.deadline.map(|d| d.unix_days() - today.unix_days()),
            sites: by_migration.get(m.id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    Plan {
        version: VERSION,
        tool: Tool {
            name: "longtail".to_owned(),
            version: version.to_owned(),
        },
        date: today.to_string(),
        instructions: INSTRUCTIONS.to_owned(),
        totals,
        migrations,
        units: briefs,
    }
}

/// A file with sites of one rule.
type Hit<'a> = (&'a RepoPath, &'a FileSites);

fn rule_brief(rule: &Rule, hits: &[Hit<'_>], limit: usize) -> RuleBrief {
    let sites = total(hits.iter().map(|(_, s)| &s.count));
    let locations: Vec<Location> = hits
        .iter()
        .flat_map(|(path, found)| {
            found.sites.iter().map(move |site| Location {
                path: path.as_str().to_owned(),
                line: site.line,
                column: site.column,
                text: site.line_text.clone(),
                replacement: site.replacement.clone(),
            })
        })
        .take(limit)
        .collect();
    RuleBrief {
        rule: rule.id.as_str().to_owned(),
        migration: rule.id.migration().to_owned(),
        message: rule.message.clone(),
        docs: rule.docs.clone(),
        severity: rule.severity.as_str().to_owned(),
        handling: Handling::of(rule),
        replace: rule.replace.clone(),
        codemod: rule.codemod.clone(),
        omitted: sites.saturating_sub(locations.len() as u64),
        sites,
        locations,
    }
}

fn commands(unit: &str, fixable: bool) -> Commands {
    let quoted = shell_word(unit);
    Commands {
        fix: fixable.then(|| format!("longtail fix --unit {quoted}")),
        check: "longtail check".to_owned(),
        update: "longtail update".to_owned(),
    }
}

/// `word` quoted for a POSIX shell when it needs it (`(other)` does).
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | ':'));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Writes the plan as pretty JSON.
pub fn write_json(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, plan)?;
    writeln!(out)
}

/// The JSON Schema of the plan, as committed in `schemas/plan.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Plan);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
