//! `history`'s formats: a table with one row per point and one column per migration plus a
//! trend line each (human), JSON, CSV (one row per point, migration and unit) and Markdown
//! (a Mermaid chart per migration). Takes finished series; writes to a `&mut dyn Write`.

use std::io::{self, Write};

use serde::Serialize;

use super::series::{Completion, MigrationSeries, SeriesPoint};
use crate::trend::Eta;

/// Writes the human table and a trend line per migration.
pub fn write_human(series: &[MigrationSeries<'_>], out: &mut dyn Write) -> io::Result<()> {
    let Some(first) = series.first() else {
        return writeln!(out, "no migrations configured");
    };
    if first.points.is_empty() {
        return writeln!(out, "no commits in the range");
    }
    let widths: Vec<usize> = series
        .iter()
        .map(|s| s.migration.id.chars().count().max(5))
        .collect();
    let mut header = format!("{:<10}  {:<10}", "COMMIT", "DATE");
    for (s, width) in series.iter().zip(&widths) {
        header.push_str(&format!("  {:>width$}", s.migration.id));
    }
    writeln!(out, "{}", crate::report::human::sanitize(&header))?;
    for (row, point) in first.points.iter().enumerate() {
        let mut line = format!(
            "{:<10}  {:<10}",
            point.commit.get(..10).unwrap_or(&point.commit),
            point.date
        );
        for (s, width) in series.iter().zip(&widths) {
            let n = s.points.get(row).map_or(0, |p| p.remaining);
            line.push_str(&format!("  {n:>width$}"));
        }
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    for s in series {
        writeln!(out, "{}", crate::report::human::sanitize(&trend_line(s)))?;
    }
    Ok(())
}

/// One migration's trend in words: sites left, rate, ETA, deadline.
pub fn trend_line(s: &MigrationSeries<'_>) -> String {
    let left = s.points.last().map_or(0, |p| p.remaining);
    let mut line = format!("{}: {left} sites left", s.migration.id);
    match s.trend {
        None => line.push_str("; not enough history for a rate"),
        Some(trend) => {
            let rate = trend.per_week();
            match trend.eta {
                Eta::Done => line.push_str("; done"),
                Eta::Never => line.push_str(&format!(
                    "; {} over the last {} days: at this rate: never",
                    change(rate),
                    trend.days
                )),
                Eta::On(date) => {
                    line.push_str(&format!(
                        "; {rate} fewer per week over the last {} days; ETA {date}",
                        trend.days
                    ));
                    if let Some(deadline) = s.migration.deadline {
                        let verdict = if trend.on_track(deadline) {
                            "on track for"
                        } else {
                            "behind"
                        };
                        line.push_str(&format!(", {verdict} the deadline {deadline}"));
                    }
                }
            }
        }
    }
    if let Some(deadline) = s.migration.deadline
        && !matches!(s.trend.map(|t| t.eta), Some(Eta::On(_)))
    {
        line.push_str(&format!(" (deadline {deadline})"));
    }
    line
}

/// A rate that is not going down, in words.
fn change(removed_per_week: f64) -> String {
    if removed_per_week < 0.0 {
        format!("{} more per week", -removed_per_week)
    } else {
        "no fewer".to_owned()
    }
}

#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    migrations: Vec<JsonMigration<'a>>,
}

#[derive(Serialize)]
struct JsonMigration<'a> {
    id: &'a str,
    title: &'a str,
    deadline: Option<String>,
    /// Sites removed per week over the window.
    per_week: Option<f64>,
    /// A date, `never` or `done`.
    eta: Option<String>,
    units: &'a [String],
    completions: &'a [Completion],
    points: &'a [SeriesPoint],
}

/// Writes the series as JSON.
pub fn write_json(series: &[MigrationSeries<'_>], out: &mut dyn Write) -> io::Result<()> {
    let json = Json {
        version: 1,
        migrations: series
            .iter()
            .map(|s| JsonMigration {
                id: &s.migration.id,
                title: &s.migration.title,
                deadline: s.migration.deadline.map(|d| d.to_string()),
                per_week: s.trend.map(|t| t.per_week()),
                eta: s.trend.map(|t| match t.eta {
                    Eta::Done => "done".to_owned(),
                    Eta::Never => "never".to_owned(),
                    Eta::On(date) => date.to_string(),
                }),
                units: &s.units,
                completions: &s.completions,
                points: &s.points,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

/// Writes `commit,date,migration,unit,sites`: the migration's total (unit empty), then one row
/// per unit with sites.
pub fn write_csv(series: &[MigrationSeries<'_>], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "commit,date,migration,unit,sites")?;
    for s in series {
        for point in &s.points {
            let id = csv(&s.migration.id);
            writeln!(
                out,
                "{},{},{id},,{}",
                point.commit, point.date, point.remaining
            )?;
            for (unit, n) in &point.units {
                writeln!(
                    out,
                    "{},{},{id},{},{n}",
                    point.commit,
                    point.date,
                    csv(unit)
                )?;
            }
        }
    }
    Ok(())
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Writes a Markdown section per migration with its Mermaid chart.
pub fn write_markdown(series: &[MigrationSeries<'_>], out: &mut dyn Write) -> io::Result<()> {
    for s in series {
        writeln!(
            out,
            "### {} ({})\n",
            crate::report::markdown::text(&s.migration.title),
            crate::report::markdown::code(&s.migration.id)
        )?;
        crate::chart::mermaid::write(s, out)?;
    }
    Ok(())
}
