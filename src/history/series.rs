//! Points of history turned into one series per migration: sites left at each point, per unit
//! and per rule, the units that reached zero along the way, and the recent trend (ETA). What
//! `history`'s formats, the chart and `status` show; pure, no I/O.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Point;
use crate::config::{Config, Date, Migration, OTHER_UNIT};
use crate::model::total;
use crate::trend::{self, Trend};
use crate::units::Units;

/// One migration at one point.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesPoint {
    /// The commit (hex), or `"working tree"` for today's scan.
    pub commit: String,
    /// The commit's date.
    pub date: String,
    /// Sites left in the migration.
    pub remaining: u64,
    /// Sites left per unit (units with sites only; empty when there are no units).
    pub units: BTreeMap<String, u64>,
    /// Sites left per rule.
    pub rules: BTreeMap<String, u64>,
    /// Units of work (not `(other)`) with no site left.
    pub units_done: usize,
    #[serde(skip)]
    pub(crate) day: Date,
}

/// A unit that reached zero.
#[derive(Debug, Clone, Serialize)]
pub struct Completion {
    /// The first point at which it had no site left.
    pub date: String,
    /// The unit.
    pub unit: String,
    #[serde(skip)]
    pub(crate) day: Date,
}

/// One migration over time.
#[derive(Debug, Clone)]
pub struct MigrationSeries<'a> {
    /// The migration.
    pub migration: &'a Migration,
    /// Oldest first.
    pub points: Vec<SeriesPoint>,
    /// Every unit seen or configured, in order.
    pub units: Vec<String>,
    /// Units that reached zero, in order.
    pub completions: Vec<Completion>,
    /// The recent trend, when the points span at least a day.
    pub trend: Option<Trend>,
}

/// Builds the series of every migration from `points` (oldest first).
pub fn build<'a>(
    config: &'a Config,
    units: &Units,
    points: &[Point],
    window: u32,
) -> Vec<MigrationSeries<'a>> {
    config
        .migrations
        .iter()
        .map(|migration| build_one(migration, units, points, window))
        .collect()
}

fn build_one<'a>(
    migration: &'a Migration,
    units: &Units,
    points: &[Point],
    window: u32,
) -> MigrationSeries<'a> {
    let has_units = !units.is_empty();
    let mut names: Vec<String> = units.listed().into_iter().map(|(n, _)| n).collect();
    let mut series = Vec::with_capacity(points.len());
    for point in points {
        let mut per_unit: BTreeMap<String, u64> = BTreeMap::new();
        let mut per_rule: BTreeMap<String, u64> = BTreeMap::new();
        for (rule, files) in &point.counts {
            if rule.migration() != migration.id {
                continue;
            }
            per_rule.insert(rule.as_str().to_owned(), total(files.values()));
            if has_units {
                for (path, count) in files {
                    let sum = per_unit.entry(units.unit_of(path).to_owned()).or_insert(0);
                    *sum = sum.saturating_add(*count);
                }
            }
        }
        for unit in per_unit.keys() {
            if !names.contains(unit) {
                names.push(unit.clone());
            }
        }
        series.push(SeriesPoint {
            commit: point.commit.clone(),
            date: point.date.to_string(),
            remaining: total(per_rule.values()),
            units: per_unit,
            rules: per_rule,
            units_done: 0,
            day: point.date,
        });
    }
    for point in &mut series {
        point.units_done = names
            .iter()
            .filter(|n| *n != OTHER_UNIT && point.units.get(*n).copied().unwrap_or(0) == 0)
            .count();
    }
    let mut completions = Vec::new();
    for pair in series.windows(2) {
        let [before, after] = pair else {
            continue;
        };
        for (unit, count) in &before.units {
            // `(other)` is no unit of work: its files emptying out completes nothing.
            if unit != OTHER_UNIT && *count > 0 && after.units.get(unit).copied().unwrap_or(0) == 0
            {
                completions.push(Completion {
                    date: after.date.clone(),
                    unit: unit.clone(),
                    day: after.day,
                });
            }
        }
    }
    let totals: Vec<(Date, u64)> = series.iter().map(|p| (p.day, p.remaining)).collect();
    MigrationSeries {
        migration,
        units: names,
        completions,
        trend: trend::trend(&totals, window),
        points: series,
    }
}
