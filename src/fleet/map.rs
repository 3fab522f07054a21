//! The company-wide map: per-repository JSON reports (from `fleet scan`'s shards or from each
//! repository's own CI) read, checked for a format this longtail understands, and merged per
//! migration: repositories and units done, sites left, owners, deadlines, the slowest movers
//! and, where the reports carry history, the summed burndown. Knows nothing of scanning.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::{DEFAULT_WINDOW_DAYS, Date};
use crate::report::json::{HistoryPoint, Repository, VERSION};
use crate::trend;

/// The map's format version; readers refuse versions they do not know.
pub const MAP_VERSION: u32 = 1;

/// How many repositories the slowest-movers list names per migration.
const SLOWEST: usize = 3;

/// A per-repository file as `fleet report` reads it: a report, or a repository that could not
/// be scanned.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A JSON report.
    Report(Box<RepoReport>),
    /// A repository `fleet scan` could not scan, and why.
    Broken(Broken),
}

/// The parts of a JSON report the map needs (the rest is ignored, so newer optional fields
/// do not break older readers of the same version).
#[derive(Debug, Clone, Deserialize)]
pub struct RepoReport {
    /// The repository; `None` in a report `check` wrote (named after its file then).
    pub repository: Option<Repository>,
    /// Migrations in config order.
    pub migrations: Vec<MigrationIn>,
    /// Past counts, when the report has them.
    pub history: Option<Vec<HistoryPoint>>,
    /// Whether the repository's own check passed.
    pub passed: bool,
    /// Whether the repository has a lock (a shared config's scan has none).
    #[serde(default)]
    pub locked: bool,
}

/// One migration of a report.
#[derive(Debug, Clone, Deserialize)]
pub struct MigrationIn {
    /// Its id: the key migrations are merged by.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Its deadline.
    pub deadline: Option<String>,
    /// Sites left.
    pub remaining: u64,
    /// Sites in the repository's lock.
    pub locked: u64,
    /// Its units.
    pub units: Vec<UnitIn>,
}

/// One unit of a report's migration.
#[derive(Debug, Clone, Deserialize)]
pub struct UnitIn {
    /// The unit.
    pub name: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Sites left.
    pub remaining: u64,
}

/// A repository that could not be scanned, as `fleet scan` records it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Broken {
    /// The file format's version (that of the JSON report).
    pub version: u32,
    /// The repository.
    pub repository: Repository,
    /// What went wrong.
    pub error: String,
}

/// Why the reports could not be merged.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum MapError {
    /// A file could not be read.
    #[error("could not read {}: {error}", .path.display())]
    #[diagnostic(code(longtail::fleet::read))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A file is not a longtail JSON report.
    #[error("{} is not a longtail JSON report: {error}", .path.display())]
    #[diagnostic(
        code("longtail::fleet::not-a-report"),
        help("fleet report reads the files `fleet scan` and `check --report json` write")
    )]
    NotAReport {
        /// The file.
        path: PathBuf,
        /// Why.
        error: String,
    },
    /// Reports in a format version this longtail does not read.
    #[error(
        "{} has JSON report version {found}, but this longtail reads version {VERSION} \
         (versions among the reports: {all})",
        .path.display()
    )]
    #[diagnostic(
        code(longtail::fleet::version),
        help(
            "write every report with the same longtail version as `fleet report` (re-run the \
             scans, or run the newer longtail's `fleet report`)"
        )
    )]
    Version {
        /// The first file of an unknown version.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// Every version seen, for the mix.
        all: String,
    },
    /// The same repository twice.
    #[error("{} and {} are both reports of `{name}`", .first.display(), .second.display())]
    #[diagnostic(
        code(longtail::fleet::duplicate),
        help("merge each repository once: pass each shard's directory once")
    )]
    Duplicate {
        /// The repository.
        name: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// No report at all.
    #[error("no report in {0}")]
    #[diagnostic(
        code(longtail::fleet::empty),
        help("pass the directories `fleet scan --out` wrote")
    )]
    Empty(String),
}

/// Reads every `*.json` file directly in `dirs` (a file may also be named), sorted by name.
/// Every file's version is checked before any is merged.
pub fn read(dirs: &[PathBuf]) -> Result<Vec<(String, Entry)>, MapError> {
    let mut files = Vec::new();
    for dir in dirs {
        if dir.is_file() {
            files.push(dir.clone());
            continue;
        }
        let listing = std::fs::read_dir(dir).map_err(|error| MapError::Read {
            path: dir.clone(),
            error,
        })?;
        let mut here: Vec<PathBuf> = listing
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
            .collect();
        here.sort();
        files.extend(here);
    }
    if files.is_empty() {
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(MapError::Empty(shown.join(", ")));
    }
    let mut values = Vec::new();
    for path in files {
        let text = std::fs::read(&path).map_err(|error| MapError::Read {
            path: path.clone(),
            error,
        })?;
        let value: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| MapError::NotAReport {
                path: path.clone(),
                error: e.to_string(),
            })?;
        values.push((path, value));
    }
    let version = |v: &serde_json::Value| v.get("version").and_then(serde_json::Value::as_u64);
    let versions: BTreeSet<u64> = values.iter().filter_map(|(_, v)| version(v)).collect();
    for (path, value) in &values {
        let tool = value.pointer("/tool/name").and_then(|n| n.as_str());
        let broken = value.get("error").is_some();
        match version(value) {
            None => {
                return Err(MapError::NotAReport {
                    path: path.clone(),
                    error: "it has no `version`".to_owned(),
                });
            }
            Some(found) if found != u64::from(VERSION) => {
                return Err(MapError::Version {
                    path: path.clone(),
                    found,
                    all: versions
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            Some(_) if !broken && tool != Some("longtail") => {
                return Err(MapError::NotAReport {
                    path: path.clone(),
                    error: "its `tool.name` is not longtail".to_owned(),
                });
            }
            Some(_) => {}
        }
    }
    let mut entries: Vec<(String, Entry, PathBuf)> = Vec::new();
    for (path, value) in values {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let not_a_report = |e: serde_json::Error| MapError::NotAReport {
            path: path.clone(),
            error: e.to_string(),
        };
        let (name, entry) = if value.get("error").is_some() {
            let broken: Broken = serde_json::from_value(value).map_err(not_a_report)?;
            (broken.repository.name.clone(), Entry::Broken(broken))
        } else {
            let report: RepoReport = serde_json::from_value(value).map_err(not_a_report)?;
            let name = report.repository.as_ref().map_or(stem, |r| r.name.clone());
            (name, Entry::Report(Box::new(report)))
        };
        if let Some((_, _, first)) = entries.iter().find(|(n, _, _)| *n == name) {
            return Err(MapError::Duplicate {
                name,
                first: first.clone(),
                second: path,
            });
        }
        entries.push((name, entry, path));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries.into_iter().map(|(n, e, _)| (n, e)).collect())
}

/// The merged map.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "longtail fleet map")]
pub struct FleetMap {
    /// The map's format version.
    pub version: u32,
    /// The day the map was made.
    pub date: String,
    /// Repositories in the fleet: scanned and broken.
    pub repositories: RepoTotals,
    /// Per migration, by id.
    pub migrations: Vec<FleetMigration>,
    /// Repositories that could not be scanned.
    pub broken: Vec<BrokenRepo>,
}

/// How many repositories there are.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RepoTotals {
    /// Every repository, scanned or not.
    pub total: usize,
    /// Scanned.
    pub scanned: usize,
    /// Not scanned (see `broken`).
    pub broken: usize,
}

/// A repository that could not be scanned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BrokenRepo {
    /// Its name.
    pub name: String,
    /// Where it was read from.
    pub source: String,
    /// Why it was not scanned.
    pub error: String,
}

/// One migration across the fleet.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetMigration {
    /// Its id.
    pub id: String,
    /// Its title (from the first repository that has it).
    pub title: String,
    /// The earliest deadline any repository gives it.
    pub deadline: Option<String>,
    /// Days until that deadline; negative once past.
    pub days_left: Option<i64>,
    /// Sites left over every repository.
    pub remaining: u64,
    /// Sites in the repositories' locks.
    pub locked: u64,
    /// Repositories that have the migration.
    pub repos_total: usize,
    /// Of those, with no site left.
    pub repos_done: usize,
    /// Units over every repository (each repository's own units; `(other)` not counted).
    pub units_total: usize,
    /// Of those, with no site left.
    pub units_done: usize,
    /// Per repository, most sites left first.
    pub repos: Vec<FleetRepo>,
    /// The repositories with sites left that moved least: history's burn rate when the reports
    /// carry history, else the fewest sites removed below their lock; most sites left breaks
    /// ties.
    pub slowest: Vec<String>,
    /// Sites left over the fleet at past dates (summing each repository's latest count as of
    /// each date), oldest first; empty without history.
    pub history: Vec<FleetPoint>,
}

/// One repository's share of a migration.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetRepo {
    /// The repository.
    pub name: String,
    /// Sites left.
    pub remaining: u64,
    /// Sites in its lock; `None` when it has no lock.
    pub locked: Option<u64>,
    /// Its units.
    pub units_total: usize,
    /// Its units with no site left.
    pub units_done: usize,
    /// The migration's owner there, and the owners of units with sites left.
    pub owners: Vec<String>,
    /// Sites removed per week over the history it carries; `None` without history.
    pub per_week: Option<f64>,
    /// Whether its own check passed.
    pub passed: bool,
}

/// The fleet's sites left on one day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetPoint {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Sites left.
    pub remaining: u64,
}

/// One repository's points for one migration: its name, `(date, sites left)` oldest first,
/// and its sites left today.
type RepoSeries = (String, Vec<(String, u64)>, u64);

/// Merges the entries into the map.
pub fn merge(entries: &[(String, Entry)], today: Date) -> FleetMap {
    let mut migrations: BTreeMap<String, FleetMigration> = BTreeMap::new();
    let mut broken = Vec::new();
    let mut histories: BTreeMap<String, Vec<RepoSeries>> = BTreeMap::new();
    for (name, entry) in entries {
        let report = match entry {
            Entry::Broken(b) => {
                broken.push(BrokenRepo {
                    name: name.clone(),
                    source: b.repository.source.clone(),
                    error: b.error.clone(),
                });
                continue;
            }
            Entry::Report(report) => report,
        };
        for migration in &report.migrations {
            let fleet = migrations
                .entry(migration.id.clone())
                .or_insert_with(|| FleetMigration {
                    id: migration.id.clone(),
                    title: migration.title.clone(),
                    deadline: None,
                    days_left: None,
                    remaining: 0,
                    locked: 0,
                    repos_total: 0,
                    repos_done: 0,
                    units_total: 0,
                    units_done: 0,
                    repos: Vec::new(),
                    slowest: Vec::new(),
                    history: Vec::new(),
                });
            if let Some(deadline) = &migration.deadline
                && fleet.deadline.as_ref().is_none_or(|d| deadline < d)
            {
                fleet.deadline = Some(deadline.clone());
            }
            let work: Vec<&UnitIn> = migration
                .units
                .iter()
                .filter(|u| u.name != crate::config::OTHER_UNIT)
                .collect();
            let units_done = work.iter().filter(|u| u.remaining == 0).count();
            let mut owners: BTreeSet<String> = migration.owner.iter().cloned().collect();
            owners.extend(
                migration
                    .units
                    .iter()
                    .filter(|u| u.remaining > 0)
                    .filter_map(|u| u.owner.clone()),
            );
            let series: Vec<(String, u64)> = report
                .history
                .iter()
                .flatten()
                .filter_map(|p| Some((p.date.clone(), *p.remaining.get(&migration.id)?)))
                .collect();
            fleet.remaining = fleet.remaining.saturating_add(migration.remaining);
            fleet.locked = fleet.locked.saturating_add(migration.locked);
            fleet.repos_total += 1;
            fleet.repos_done += usize::from(migration.remaining == 0);
            fleet.units_total += work.len();
            fleet.units_done += units_done;
            fleet.repos.push(FleetRepo {
                name: name.clone(),
                remaining: migration.remaining,
                locked: report.locked.then_some(migration.locked),
                units_total: work.len(),
                units_done,
                owners: owners.into_iter().collect(),
                per_week: per_week(&series),
                passed: report.passed,
            });
            histories.entry(migration.id.clone()).or_default().push((
                name.clone(),
                series,
                migration.remaining,
            ));
        }
    }
    for fleet in migrations.values_mut() {
        fleet.days_left = fleet
            .deadline
            .as_deref()
            .and_then(Date::parse)
            .map(|d| d.unix_days() - today.unix_days());
        fleet
            .repos
            .sort_by(|a, b| b.remaining.cmp(&a.remaining).then(a.name.cmp(&b.name)));
        let mut moving: Vec<&FleetRepo> = fleet.repos.iter().filter(|r| r.remaining > 0).collect();
        // One measure for all: the burn rate when every repository has history, else how
        // far each is below its lock (sites per week and sites are not comparable).
        let rates = moving.iter().all(|r| r.per_week.is_some());
        moving.sort_by(|a, b| {
            let pace = |r: &FleetRepo| match r.per_week {
                Some(rate) if rates => rate,
                _ => r.locked.unwrap_or(0).saturating_sub(r.remaining) as f64,
            };
            pace(a)
                .total_cmp(&pace(b))
                .then(b.remaining.cmp(&a.remaining))
                .then(a.name.cmp(&b.name))
        });
        fleet.slowest = moving
            .into_iter()
            .take(SLOWEST)
            .map(|r| r.name.clone())
            .collect();
        fleet.history = summed(
            histories
                .get(&fleet.id)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        );
    }
    let scanned = entries.len() - broken.len();
    FleetMap {
        version: MAP_VERSION,
        date: today.to_string(),
        repositories: RepoTotals {
            total: entries.len(),
            scanned,
            broken: broken.len(),
        },
        migrations: migrations.into_values().collect(),
        broken,
    }
}

/// Sites removed per week over the last `DEFAULT_WINDOW_DAYS` of the series (negative when
/// rising): the same rate `status` and `history` give for a repository.
fn per_week(series: &[(String, u64)]) -> Option<f64> {
    let points: Vec<(Date, u64)> = series
        .iter()
        .filter_map(|(d, n)| Some((Date::parse(d)?, *n)))
        .collect();
    trend::trend(&points, DEFAULT_WINDOW_DAYS).map(|t| t.per_week())
}

/// The fleet's total at every date any repository has a point for. Each repository counts
/// with its latest point on or before the date; before its first point, with that first
/// point (it had no commit in those weeks, so its count was already that); a repository
/// without points, with its count today (nothing changed it in the weeks scanned). So a
/// repository never seems to join the fleet mid-way, and the last total is today's.
fn summed(histories: &[RepoSeries]) -> Vec<FleetPoint> {
    let dates: BTreeSet<&String> = histories
        .iter()
        .flat_map(|(_, s, _)| s.iter().map(|(d, _)| d))
        .collect();
    let at = |series: &[(String, u64)], now: u64, date: &String| {
        series
            .iter()
            .rev()
            .find(|(d, _)| d <= date)
            .or(series.first())
            .map_or(now, |(_, n)| *n)
    };
    dates
        .into_iter()
        .map(|date| FleetPoint {
            date: date.clone(),
            remaining: histories
                .iter()
                .map(|(_, series, now)| at(series, *now, date))
                .fold(0u64, u64::saturating_add),
        })
        .collect()
}

/// Where a repository's report goes in `fleet scan --out`.
pub fn report_path(out: &Path, name: &str) -> PathBuf {
    out.join(format!("{name}.json"))
}

/// The JSON Schema of the map, as committed in `schemas/fleet.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(FleetMap);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(date: &str, n: u64) -> (String, u64) {
        (date.to_owned(), n)
    }

    #[test]
    fn history_sums_each_repository_latest_point() {
        let histories = vec![
            (
                "a".to_owned(),
                vec![point("2026-01-05", 10), point("2026-01-19", 6)],
                6,
            ),
            // No commit in the first week: it had 4 then as well.
            ("b".to_owned(), vec![point("2026-01-12", 4)], 4),
            // No commit since the history began: 3 throughout.
            ("c".to_owned(), vec![], 3),
        ];
        let got: Vec<(String, u64)> = summed(&histories)
            .into_iter()
            .map(|p| (p.date, p.remaining))
            .collect();
        assert_eq!(
            got,
            [
                point("2026-01-05", 17),
                point("2026-01-12", 17),
                point("2026-01-19", 13)
            ]
        );
        // (10 - 6) sites over 14 days, hand-computed.
        assert_eq!(per_week(&histories[0].1), Some(2.0));
        assert_eq!(per_week(&histories[1].1), None);
        // Without history there is no chart at all.
        assert!(summed(&[("c".to_owned(), vec![], 3)]).is_empty());
    }
}
