//! longtail's own JSON report: everything the scan and the ratchet know, sorted and stable, in
//! a versioned format described by `schemas/report.schema.json` (generated from these types).
//! Meant for dashboards, scripts and the fleet view; bump `VERSION` on incompatible changes.

use std::collections::HashMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::{ReportInput, SiteRow, rows, summarize};
use crate::check::{Change, Scope};
use crate::model::{RepoPath, RuleId};

/// The report format's version.
pub const VERSION: u32 = 1;

/// A longtail JSON report.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "longtail report", deny_unknown_fields)]
pub struct Report {
    /// Version of this format; readers refuse versions they do not know.
    pub version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// Whether `longtail check` passed.
    pub passed: bool,
    /// Whether a stale lock counted as a failure (`--strict`).
    pub strict: bool,
    /// The ratchet's granularity: `file`, `unit` or `rule`.
    pub ratchet: String,
    /// Whether a lock existed to compare with.
    pub locked: bool,
    /// Totals over every rule.
    pub totals: Totals,
    /// Migrations in config order.
    pub migrations: Vec<Migration>,
    /// What differs from the lock.
    pub changes: Changes,
    /// Files that could not be read or were skipped with a warning.
    pub warnings: Vec<Warning>,
    /// The repository the report is about; written by `fleet scan`, absent from `check`'s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
    /// Sites left per migration at past commits, oldest first; written by
    /// `fleet scan --history`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryPoint>>,
}

/// Where a fleet report's repository came from.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema)]
pub struct Repository {
    /// Its name in the fleet (unique there).
    pub name: String,
    /// The path or git URL it was read from.
    pub source: String,
    /// The commit scanned, when it is a git repository.
    pub commit: Option<String>,
    /// `own` (its longtail.toml) or `shared` (`fleet scan --config`).
    pub config: String,
}

/// Sites left per migration at one past commit.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema)]
pub struct HistoryPoint {
    /// The commit's date, `YYYY-MM-DD`.
    pub date: String,
    /// Sites left, by migration id.
    pub remaining: std::collections::BTreeMap<String, u64>,
}

/// The program that wrote the report.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Tool {
    /// Always `longtail`.
    pub name: String,
    /// longtail's version.
    pub version: String,
}

/// Totals over every rule.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Totals {
    /// Sites left.
    pub remaining: u64,
    /// Sites in the lock.
    pub locked: u64,
    /// Files searched.
    pub files_searched: u64,
    /// Files skipped as binary.
    pub binary_files: u64,
}

/// One migration.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Migration {
    /// The migration's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its docs link.
    pub docs: Option<String>,
    /// Its owner.
    pub owner: Option<String>,
    /// Its deadline, `YYYY-MM-DD`.
    pub deadline: Option<String>,
    /// Days until the deadline; negative once past.
    pub days_left: Option<i64>,
    /// Past the deadline with sites left.
    pub overdue: bool,
    /// Within `warn_days` of the deadline with sites left (a warning; the check passes).
    pub due_soon: bool,
    /// Sites left.
    pub remaining: u64,
    /// Sites in the lock.
    pub locked: u64,
    /// Per unit of work, in config order; `(other)` holds files in no unit.
    pub units: Vec<Unit>,
    /// Rules in config order.
    pub rules: Vec<Rule>,
}

/// One unit's share of a migration.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Unit {
    /// The unit's name.
    pub name: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Sites left.
    pub remaining: u64,
    /// Sites in the lock.
    pub locked: u64,
    /// No site left.
    pub done: bool,
}

/// One rule.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Rule {
    /// `migration/rule`.
    pub id: String,
    /// What to do instead.
    pub message: String,
    /// `error`, `warning` or `note`.
    pub severity: String,
    /// Docs link (the rule's, else the migration's).
    pub docs: Option<String>,
    /// The mechanical replacement, if any.
    pub replace: Option<String>,
    /// Sites left.
    pub remaining: u64,
    /// Sites in the lock; `null` when the lock does not know the rule yet.
    pub locked: Option<u64>,
    /// Files with sites, sorted by path.
    pub files: Vec<File>,
}

/// One rule's sites in one file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct File {
    /// Repository-relative path with `/`.
    pub path: String,
    /// The file's unit.
    pub unit: String,
    /// Sites now.
    pub count: u64,
    /// Sites in the lock.
    pub locked: u64,
    /// The sites (the first 10,000 when there are more).
    pub sites: Vec<Site>,
}

/// One site.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Site {
    /// 1-based line.
    pub line: u64,
    /// 1-based character column.
    pub column: u64,
    /// Line of the character after the match.
    pub end_line: u64,
    /// Column of the character after the match (exclusive).
    pub end_column: u64,
    /// The matched line, trimmed of its line terminator, at most 240 bytes.
    pub text: String,
    /// The rule's replacement with capture groups expanded.
    pub replacement: Option<String>,
    /// In a file whose count rose above the lock.
    pub new: bool,
    /// Stable identity: hash of rule, path and trimmed line text, then `:occurrence`.
    pub fingerprint: String,
}

/// What differs from the lock.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Changes {
    /// Counts above the lock (each fails the check).
    pub increases: Vec<CountChange>,
    /// Counts below the lock (`update` tightens them).
    pub decreases: Vec<CountChange>,
    /// Rules the lock does not know yet.
    pub new_rules: Vec<String>,
    /// Rules in the lock that the config no longer has.
    pub removed_rules: Vec<String>,
    /// Whether `update` would write a different lock.
    pub stale: bool,
}

/// A count that differs from the lock, at the ratchet's granularity.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CountChange {
    /// The rule.
    pub rule: String,
    /// `file`, `unit` or `rule`.
    pub scope: String,
    /// The file or unit; `null` for the whole repository.
    pub name: Option<String>,
    /// Count in the lock.
    pub locked: u64,
    /// Count now.
    pub now: u64,
}

/// A file that could not be read or was skipped.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Warning {
    /// The path.
    pub path: String,
    /// What happened.
    pub message: String,
    /// Whether the file's sites are missing from the counts.
    pub missed: bool,
}

/// Builds the report.
pub fn build(input: &ReportInput<'_>) -> Report {
    let rows = rows(input);
    let mut index: RowIndex<'_, '_> = HashMap::new();
    for row in &rows {
        index.entry((&row.rule.id, row.path)).or_default().push(row);
    }
    let summaries = summarize(input);
    let migrations = summaries
        .iter()
        .map(|s| {
            let m = s.migration;
            Migration {
                id: m.id.clone(),
                title: m.title.clone(),
                docs: m.docs.clone(),
                owner: m.owner.clone(),
                deadline: m.deadline.map(|d| d.to_string()),
                days_left: s.days_left,
                overdue: s.overdue,
                due_soon: s.due_soon,
                remaining: s.remaining,
                locked: s.locked,
                units: s
                    .units
                    .iter()
                    .map(|u| Unit {
                        name: u.name.to_owned(),
                        owner: u.owner.clone(),
                        remaining: u.remaining,
                        locked: u.locked,
                        done: u.remaining == 0,
                    })
                    .collect(),
                rules: s
                    .rules
                    .iter()
                    .map(|r| Rule {
                        id: r.rule.id.to_string(),
                        message: r.rule.message.clone(),
                        severity: r.rule.severity.as_str().to_owned(),
                        docs: r.rule.docs.clone().or_else(|| m.docs.clone()),
                        replace: r.rule.replace.clone(),
                        remaining: r.remaining,
                        locked: r.locked,
                        files: files(input, &index, r.rule),
                    })
                    .collect(),
            }
        })
        .collect();
    let change = |c: &Change| {
        let (scope, name) = match &c.scope {
            Scope::File(path) => ("file", Some(path.to_string())),
            Scope::Unit(unit) => ("unit", Some(unit.clone())),
            Scope::Repo => ("rule", None),
        };
        CountChange {
            rule: c.rule.to_string(),
            scope: scope.to_owned(),
            name,
            locked: c.locked,
            now: c.now,
        }
    };
    let verdict = input.verdict;
    Report {
        version: VERSION,
        tool: Tool {
            name: "longtail".to_owned(),
            version: input.version.to_owned(),
        },
        passed: !input.failed(),
        strict: input.strict,
        ratchet: match input.config.settings.ratchet {
            crate::config::Granularity::File => "file",
            crate::config::Granularity::Unit => "unit",
            crate::config::Granularity::Rule => "rule",
        }
        .to_owned(),
        locked: input.lock.is_some(),
        totals: Totals {
            remaining: crate::model::total(input.counts.values().flat_map(|f| f.values())),
            locked: input.lock.map_or(0, |l| {
                crate::model::total(l.rules.values().flat_map(|f| f.values()))
            }),
            files_searched: input.findings.searched.len() as u64,
            binary_files: input.findings.binary.len() as u64,
        },
        migrations,
        changes: Changes {
            increases: verdict.increases.iter().map(change).collect(),
            decreases: verdict.decreases.iter().map(change).collect(),
            new_rules: verdict
                .new_rules
                .iter()
                .map(|(r, _)| r.to_string())
                .collect(),
            removed_rules: verdict
                .removed_rules
                .iter()
                .map(ToString::to_string)
                .collect(),
            stale: verdict.stale,
        },
        warnings: input
            .findings
            .warnings
            .iter()
            .map(|w| Warning {
                path: w.path.clone(),
                message: w.message.clone(),
                missed: w.missed,
            })
            .collect(),
        repository: None,
        history: None,
    }
}

/// Rows grouped by rule and file, in file order.
type RowIndex<'r, 'a> = HashMap<(&'a RuleId, &'a RepoPath), Vec<&'r SiteRow<'a>>>;

fn files(
    input: &ReportInput<'_>,
    index: &RowIndex<'_, '_>,
    rule: &crate::config::Rule,
) -> Vec<File> {
    let Some(found) = input.findings.sites.get(&rule.id) else {
        return Vec::new();
    };
    found
        .iter()
        .map(|(path, sites)| File {
            path: path.to_string(),
            unit: input.units.unit_of(path).to_owned(),
            count: sites.count,
            locked: input.locked(&rule.id, path),
            sites: index
                .get(&(&rule.id, path))
                .into_iter()
                .flatten()
                .map(|r| Site {
                    line: r.site.line,
                    column: r.site.column,
                    end_line: r.site.end_line,
                    end_column: r.site.end_column,
                    text: r.site.line_text.clone(),
                    replacement: r.site.replacement.clone(),
                    new: r.new,
                    fingerprint: r.fingerprint.partial(),
                })
                .collect(),
        })
        .collect()
}

/// Writes the report as pretty JSON with a final newline.
pub fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &build(input))?;
    out.write_all(b"\n")
}

/// The JSON Schema of the report, as committed in `schemas/report.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
