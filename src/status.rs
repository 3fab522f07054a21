//! `longtail status`: per migration one header line (units done, sites left, days to the
//! deadline, on track or behind with the ETA) and a table of units (sites left, sites at the
//! lock, done, owner), as text, JSON or Markdown. Gets the totals and the trend ready-made;
//! knows nothing of scanning, git or the clock.

use std::io::{self, Write};

use serde::Serialize;

use crate::config::Date;
use crate::report::markdown::{code, text};
use crate::report::{MigrationSummary, plural};
use crate::trend::{Eta, Trend};

/// One unit's row.
#[derive(Debug, Clone, Serialize)]
pub struct UnitStatus {
    /// The unit, or `(other)`.
    pub name: String,
    /// Sites left now.
    pub remaining: u64,
    /// Sites at the lock.
    pub locked: u64,
    /// No site left.
    pub done: bool,
    /// Its owner, if known.
    pub owner: Option<String>,
}

/// One migration's status.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationStatus {
    /// The migration's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Sites left now.
    pub remaining: u64,
    /// Sites at the lock.
    pub locked: u64,
    /// Units with no site left.
    pub units_done: usize,
    /// Units in all (0 when the config has none).
    pub units_total: usize,
    /// The deadline, `YYYY-MM-DD`.
    pub deadline: Option<String>,
    /// Days until the deadline (negative once past).
    pub days_left: Option<i64>,
    /// Sites removed per week over the window, when there is history to tell.
    pub per_week: Option<f64>,
    /// When zero is reached at that rate: a date, `"never"`, or `"done"`.
    pub eta: Option<String>,
    /// Whether the ETA is on or before the deadline.
    pub on_track: Option<bool>,
    /// The one-line summary the human format prints.
    pub headline: String,
    /// Per unit, in config order.
    pub units: Vec<UnitStatus>,
}

/// The whole status, as `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Format version.
    pub version: u32,
    /// Today's date, as the countdowns use it.
    pub today: String,
    /// The burn-rate window, in days.
    pub window_days: u32,
    /// Per migration, in config order.
    pub migrations: Vec<MigrationStatus>,
}

/// Builds the status of each migration from its totals and its trend (if any).
pub fn build(
    summaries: &[MigrationSummary<'_>],
    trends: &[Option<Trend>],
    today: Date,
    window_days: u32,
) -> Status {
    let migrations = summaries
        .iter()
        .zip(trends.iter().chain(std::iter::repeat(&None)))
        .map(|(summary, trend)| one(summary, trend.as_ref()))
        .collect();
    Status {
        version: 1,
        today: today.to_string(),
        window_days,
        migrations,
    }
}

fn one(summary: &MigrationSummary<'_>, trend: Option<&Trend>) -> MigrationStatus {
    let migration = summary.migration;
    let units: Vec<UnitStatus> = summary
        .units
        .iter()
        .map(|u| UnitStatus {
            name: u.name.clone(),
            remaining: u.remaining,
            locked: u.locked,
            done: u.remaining == 0,
            owner: u.owner.clone(),
        })
        .collect();
    // `(other)` is listed but is not a unit of work (as in `history`).
    let units_done = summary.units_done();
    let units_total = summary.work_units().count();
    let eta = trend.map(|t| match t.eta {
        Eta::Done => "done".to_owned(),
        Eta::Never => "never".to_owned(),
        Eta::On(date) => date.to_string(),
    });
    let on_track = match (trend, migration.deadline) {
        (Some(trend), Some(deadline)) => Some(trend.on_track(deadline)),
        _ => None,
    };
    let mut status = MigrationStatus {
        id: migration.id.clone(),
        title: migration.title.clone(),
        remaining: summary.remaining,
        locked: summary.locked,
        units_done,
        units_total,
        deadline: migration.deadline.map(|d| d.to_string()),
        days_left: summary.days_left,
        per_week: trend.map(Trend::per_week),
        eta,
        on_track,
        headline: String::new(),
        units,
    };
    status.headline = headline(summary, &status, trend);
    status
}

fn headline(
    summary: &MigrationSummary<'_>,
    status: &MigrationStatus,
    trend: Option<&Trend>,
) -> String {
    let id = &status.id;
    let units = if status.units_total > 0 {
        format!(
            "{} of {} {} done",
            status.units_done,
            status.units_total,
            plural(status.units_total as u64, "unit", "units")
        )
    } else {
        let done = summary.rules.iter().filter(|r| r.remaining == 0).count();
        format!(
            "{done} of {} {} done",
            summary.rules.len(),
            plural(summary.rules.len() as u64, "rule", "rules")
        )
    };
    if status.remaining == 0 {
        return format!(
            "{id}: complete, {units}, 0 sites left: its rules can now become errors \
             (severity = \"error\") so no site comes back, or be removed"
        );
    }
    let mut parts = vec![
        units,
        format!(
            "{} {} left",
            status.remaining,
            plural(status.remaining, "site", "sites")
        ),
    ];
    if let (Some(deadline), Some(days)) = (&status.deadline, status.days_left) {
        parts.push(match days {
            0 => format!("deadline {deadline} is today"),
            1 => format!("1 day to deadline {deadline}"),
            d if d > 1 => format!("{d} days to deadline {deadline}"),
            -1 => format!("deadline {deadline} passed yesterday"),
            d => format!("deadline {deadline} passed {} days ago", -d),
        });
    }
    parts.push(match (trend.map(|t| t.eta), status.on_track) {
        (None, _) => "no ETA yet (no history of the lock to measure a rate)".to_owned(),
        (Some(Eta::Never), _) => "at this rate: never (the count is not going down)".to_owned(),
        (Some(Eta::On(date)), Some(true)) => format!("on track (ETA {date})"),
        (Some(Eta::On(date)), Some(false)) => format!("behind (ETA {date})"),
        (Some(Eta::On(date)), None) => format!("ETA {date}"),
        (Some(Eta::Done), _) => "done".to_owned(),
    });
    format!("{id}: {}", parts.join(", "))
}

/// Writes the human status: a headline and a table per migration.
pub fn write_human(status: &Status, out: &mut dyn Write) -> io::Result<()> {
    for (index, migration) in status.migrations.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{}",
            crate::report::human::sanitize(&migration.headline)
        )?;
        if migration.units.is_empty() {
            continue;
        }
        let width = migration
            .units
            .iter()
            .map(|u| u.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("UNIT".len());
        writeln!(
            out,
            "  {:<width$}  {:>9}  {:>6}  {:<4}  OWNER",
            "UNIT", "REMAINING", "LOCKED", "DONE"
        )?;
        for unit in &migration.units {
            let line = format!(
                "  {:<width$}  {:>9}  {:>6}  {:<4}  {}",
                unit.name,
                unit.remaining,
                unit.locked,
                if unit.done { "yes" } else { "" },
                unit.owner.as_deref().unwrap_or("")
            );
            writeln!(out, "{}", crate::report::human::sanitize(line.trim_end()))?;
        }
    }
    Ok(())
}

/// Writes the status as JSON.
pub fn write_json(status: &Status, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, status)?;
    writeln!(out)
}

/// Writes the status as Markdown: a headline and a table per migration.
pub fn write_markdown(status: &Status, out: &mut dyn Write) -> io::Result<()> {
    for migration in &status.migrations {
        writeln!(
            out,
            "### {} ({})\n",
            text(&migration.title),
            code(&migration.id)
        )?;
        writeln!(out, "{}\n", text(&migration.headline))?;
        if migration.units.is_empty() {
            continue;
        }
        writeln!(out, "| Unit | Sites left | Lock | Done | Owner |")?;
        writeln!(out, "| --- | ---: | ---: | :---: | --- |")?;
        for unit in &migration.units {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                text(&unit.name),
                unit.remaining,
                unit.locked,
                if unit.done { "✅" } else { "" },
                unit.owner.as_deref().map(text).unwrap_or_default()
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
