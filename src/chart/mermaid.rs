//! The burndown as a Mermaid `xychart-beta` block, which GitHub renders in issues, pull
//! requests and job summaries: one chart per migration (Mermaid's xychart has no legend, so
//! one line per chart keeps it readable), at most 40 points so the labels stay legible.

use std::io::{self, Write};

use crate::history::series::MigrationSeries;
use crate::report::markdown::text;
use crate::trend::Eta;

/// Most points one chart shows; longer series are thinned evenly, keeping the last point.
const MAX_POINTS: usize = 40;

/// Writes one chart, with a line under it for the trend.
pub fn write(series: &MigrationSeries<'_>, out: &mut dyn Write) -> io::Result<()> {
    let points = thin(series);
    let labels: Vec<String> = points
        .iter()
        .map(|(date, _)| format!("\"{date}\""))
        .collect();
    let values: Vec<String> = points.iter().map(|(_, n)| n.to_string()).collect();
    let top = points.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    // Mermaid's strings end at a double quote; nothing else needs escaping there.
    let title = format!("{}: sites left", series.migration.title).replace('"', "'");
    writeln!(out, "```mermaid")?;
    writeln!(out, "xychart-beta")?;
    writeln!(out, "    title \"{title}\"")?;
    writeln!(out, "    x-axis [{}]", labels.join(", "))?;
    writeln!(out, "    y-axis \"sites left\" 0 --> {top}")?;
    writeln!(out, "    line [{}]", values.join(", "))?;
    writeln!(out, "```\n")?;
    let last = series.points.last().map_or(0, |p| p.remaining);
    let trend = match series.trend {
        None => "not enough history for a rate yet".to_owned(),
        Some(trend) => match trend.eta {
            Eta::Done => "done".to_owned(),
            Eta::Never => format!(
                "not going down over the last {} days; at this rate: never",
                trend.days
            ),
            Eta::On(date) => format!(
                "{} fewer per week over the last {} days; ETA {date}",
                trend.per_week(),
                trend.days
            ),
        },
    };
    let mut line = format!("{last} sites left; {trend}");
    if let Some(deadline) = series.migration.deadline {
        line.push_str(&format!("; deadline {deadline}"));
    }
    for completion in &series.completions {
        line.push_str(&format!(
            "; {} done {}",
            text(&completion.unit),
            completion.date
        ));
    }
    writeln!(out, "{line}.\n")
}

fn thin(series: &MigrationSeries<'_>) -> Vec<(String, u64)> {
    let all: Vec<(String, u64)> = series
        .points
        .iter()
        .map(|p| (p.date.clone(), p.remaining))
        .collect();
    if all.len() <= MAX_POINTS {
        return all;
    }
    let step = all.len().div_ceil(MAX_POINTS);
    let mut kept: Vec<(String, u64)> = all.iter().rev().step_by(step).cloned().collect();
    kept.reverse();
    kept
}
