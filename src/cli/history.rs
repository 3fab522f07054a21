//! `longtail history`: counts at past commits (or the committed lock at each change), the
//! trend per migration, the chart; the progress bar on a terminal and the `-v` statistic of
//! blobs scanned versus served from the cache.

use std::io::{IsTerminal, Write};

use miette::{IntoDiagnostic, WrapErr};

use super::Outcome;
use super::args::{EveryArg, HistoryArgs, HistoryFormat};
use super::session::{Project, Session};
use crate::history::{self, Every, Options, render, series};

/// Environment variable that prints the cache statistic on stderr without `-v`.
const DEBUG_STATS_VAR: &str = "LONGTAIL_DEBUG_STATS";

/// Runs `history`.
pub(super) fn run(session: &Session, args: &HistoryArgs) -> miette::Result<Outcome> {
    let project = session.load()?;
    let window = args.window.unwrap_or(project.config.settings.window_days);
    let options = Options {
        since: args.since,
        baseline: false,
        every: match args.every {
            EveryArg::Commit => Every::Commit,
            EveryArg::Day => Every::Day,
            EveryArg::Week => Every::Week,
        },
        max: args.max.map(|m| m as usize),
        cache_dir: args.cache.as_ref().map(|dir| session.cwd.join(dir)),
        threads: session.threads(),
        budget: None,
    };
    let points = if args.from_lock {
        let (points, notes) = history::from_lock(&project.config, &options)?;
        let mut err = anstream::stderr().lock();
        for note in notes {
            let _ = writeln!(err, "warning: {note}");
        }
        points
    } else {
        scan(session, &project, &options)?
    };
    let series = series::build(&project.config, &project.units, &points, window);
    if let Some(chart) = &args.chart {
        let svg = crate::chart::svg::render(&series, "Sites left per migration");
        crate::atomic::write(&session.cwd.join(chart), svg.as_bytes())
            .into_diagnostic()
            .wrap_err_with(|| format!("could not write the chart to {}", chart.display()))?;
    }
    let mut out = Vec::new();
    match args.format {
        HistoryFormat::Human => render::write_human(&series, &mut out),
        HistoryFormat::Json => render::write_json(&series, &mut out),
        HistoryFormat::Csv => render::write_csv(&series, &mut out),
        HistoryFormat::Markdown => render::write_markdown(&series, &mut out),
    }
    .into_diagnostic()?;
    super::emit(&out)?;
    Ok(Outcome::Success)
}

fn scan(
    session: &Session,
    project: &Project,
    options: &Options,
) -> miette::Result<Vec<history::Point>> {
    let bar = if std::io::stderr().is_terminal() && !session.quiet {
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(
                "scanning blobs {bar:30} {pos}/{len} ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let found = history::scan(&project.config, &project.rules, options, &progress)?;
    bar.finish_and_clear();
    // Without a budget every blob is scanned, so there is always a result.
    let Some((points, stats)) = found else {
        return Ok(Vec::new());
    };
    let mut err = anstream::stderr().lock();
    if session.verbose || std::env::var_os(DEBUG_STATS_VAR).is_some_and(|v| v == "1") {
        let _ = writeln!(
            err,
            "history: {} commits, {} blobs: {} scanned, {} from the cache",
            stats.commits, stats.blobs, stats.scanned, stats.cached
        );
    }
    if let Some(problem) = stats.cache_error {
        let _ = writeln!(err, "warning: could not write the history cache: {problem}");
    }
    Ok(points)
}
