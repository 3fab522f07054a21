//! `longtail status`: one scan, the totals per migration and unit, the trend from the history
//! of the committed lock (cheap: no scanning of the past), the status in the chosen format.

use miette::IntoDiagnostic;

use super::Outcome;
use super::args::{StatusArgs, StatusFormat};
use super::session::{Project, Session};
use crate::config::Date;
use crate::history::{self, Options};
use crate::lock::Lock;
use crate::model::{Counts, total};
use crate::report::{Options as ReportOptions, ReportInput, summarize};
use crate::trend::{self, Trend};

/// Runs `status`.
pub(super) fn run(session: &Session, args: &StatusArgs) -> miette::Result<Outcome> {
    let project = session.load()?;
    let lock = session.read_lock(&project)?;
    let findings = session.scan(&project, None);
    let counts = findings.counts();
    let empty = Lock::default();
    let verdict = crate::check::compare(
        &project.config,
        &project.units,
        &counts,
        lock.as_ref().unwrap_or(&empty),
        session.today,
    );
    let input = ReportInput {
        config: &project.config,
        units: &project.units,
        findings: &findings,
        counts: &counts,
        lock: lock.as_ref(),
        verdict: &verdict,
        strict: false,
        only: None,
        today: session.today,
        version: env!("CARGO_PKG_VERSION"),
        options: &ReportOptions::default(),
    };
    let window = args.window.unwrap_or(project.config.settings.window_days);
    let trends = trends(&project, &counts, session.today, window);
    let status = crate::status::build(&summarize(&input), &trends, session.today, window);
    let mut out = Vec::new();
    match args.format {
        StatusFormat::Human => crate::status::write_human(&status, &mut out),
        StatusFormat::Json => crate::status::write_json(&status, &mut out),
        StatusFormat::Markdown => crate::status::write_markdown(&status, &mut out),
    }
    .into_diagnostic()?;
    super::emit(&out)?;
    if findings.incomplete() {
        return super::update::incomplete_scan(&findings);
    }
    Ok(Outcome::Success)
}

/// Each migration's trend: the committed lock at every change within the window (and the one
/// in force when the window began), then today's counts. Empty outside a git repository.
fn trends(project: &Project, counts: &Counts, today: Date, window: u32) -> Vec<Option<Trend>> {
    let options = Options {
        since: Some(Date::from_unix_days(today.unix_days() - i64::from(window))),
        baseline: true,
        ..Options::default()
    };
    let Ok((points, _)) = history::from_lock(&project.config, &options) else {
        return Vec::new();
    };
    project
        .config
        .migrations
        .iter()
        .map(|migration| {
            let sum = |counts: &Counts| {
                total(
                    counts
                        .iter()
                        .filter(|(rule, _)| rule.migration() == migration.id)
                        .flat_map(|(_, files)| files.values()),
                )
            };
            let mut series: Vec<(Date, u64)> =
                points.iter().map(|p| (p.date, sum(&p.counts))).collect();
            series.push((today, sum(counts)));
            trend::trend(&series, window)
        })
        .collect()
}
