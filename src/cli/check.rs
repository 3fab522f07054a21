//! `longtail check`: one scan, the ratchet, every requested report, the exit code.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use miette::{Diagnostic, IntoDiagnostic, WrapErr};

use super::Outcome;
use super::args::{Annotate, CheckArgs, NewSitesPolicy, ReportTarget};
use super::session::Session;
use crate::check;
use crate::lock::Lock;
use crate::report::{Format, Options, ReportInput, human};

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{0} reports would go to stdout")]
#[diagnostic(
    code("longtail::usage::stdout"),
    help("give all but one of them a path: --report FORMAT=PATH")
)]
struct SharedStdout(usize);

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("the report would overwrite `{}`, one of longtail's own files", .0.display())]
#[diagnostic(
    code("longtail::usage::report-path"),
    help("write reports elsewhere, e.g. --report sarif=longtail.sarif")
)]
struct OwnFile(std::path::PathBuf);

/// Runs `check`.
pub(super) fn run(session: &Session, args: &CheckArgs) -> miette::Result<Outcome> {
    let targets = targets(&args.reports)?;
    let project = session.load()?;
    let lock = session.read_lock(&project)?;
    let only = if args.files.is_empty() {
        None
    } else {
        session.repo_paths(&project, &args.files)?
    };
    let outputs: Vec<_> = targets.iter().filter_map(|t| t.path.clone()).collect();
    // A report must not replace longtail's own files.
    let own = [project.config.path.clone(), project.config.lock_path()];
    for output in &outputs {
        let full = session.cwd.join(output);
        let same = |own: &std::path::PathBuf| {
            full == *own
                || (full.canonicalize().ok()).is_some_and(|f| own.canonicalize().ok() == Some(f))
        };
        if own.iter().any(same) {
            return Err(OwnFile(output.clone()).into());
        }
    }
    let only_list = only.as_ref().map(|o| o.iter().cloned().collect());
    // The merge base first: a bad ref is a usage error before any work.
    let base = match base_rev(args.base.as_deref()) {
        Some(rev) => Some(crate::history::base::scan(
            &project.config,
            &project.rules,
            &rev,
        )?),
        None => None,
    };
    let findings = session.scan_skipping(&project, only_list, &outputs);
    let scanned = findings.counts();
    let counts = match (&only, &lock) {
        (Some(only), Some(lock)) => {
            let root = &project.config.root;
            check::overlay_for_verdict(
                &project.config,
                &project.units,
                lock,
                &scanned,
                only,
                session.today,
                |p| root.join(p.as_str()).exists(),
            )
        }
        _ => scanned,
    };
    let empty = Lock::default();
    let mut verdict = check::compare(
        &project.config,
        &project.units,
        &counts,
        lock.as_ref().unwrap_or(&empty),
        session.today,
    );
    if lock.is_none() {
        // Without a lock every rule is new: nothing can have risen yet.
        verdict.increases.clear();
    }
    // Pull-request mode: only what the PR changed can fail it, so the counts are compared with
    // the merge base, and a lock that is stale against main (or a deadline) is no reason to fail.
    let comparison = base
        .as_ref()
        .map(|b| crate::pr::compare(&b.findings, &findings));
    if let Some(comparison) = &comparison {
        verdict = check::compare(
            &project.config,
            &project.units,
            &counts,
            &comparison.base,
            session.today,
        );
        verdict.decreases.clear();
        verdict.new_rules.clear();
        verdict.removed_rules.clear();
        verdict.overdue.clear();
        verdict.stale = false;
        verdict.new_sites = Some(comparison.new_sites.clone());
        verdict.new_sites_fail = args.new_sites == NewSitesPolicy::Fail;
    }
    let touched = match (&base, args.annotate) {
        (Some(base), Annotate::Touched) => Some(base.changed(
            &project.config.root,
            findings.sites.values().flat_map(|files| files.keys()),
        )),
        _ => None,
    };
    let strict = args.strict && base.is_none();
    let lock = match &comparison {
        Some(comparison) => Some(comparison.base.clone()),
        None => lock,
    };
    let options = Options {
        annotate_all: args.annotate == Annotate::All,
        touched,
        category: args
            .category
            .clone()
            .unwrap_or_else(|| repo_relative(&project.config.root)),
        repo_prefix: match repo_relative(&project.config.root) {
            dir if dir.is_empty() => dir,
            dir => format!("{dir}/"),
        },
        verbosity: human::Verbosity {
            quiet: session.quiet,
            verbose: session.verbose,
        },
    };
    let input = ReportInput {
        config: &project.config,
        units: &project.units,
        findings: &findings,
        counts: &counts,
        lock: lock.as_ref(),
        verdict: &verdict,
        strict,
        only: only.as_ref(),
        today: session.today,
        version: env!("CARGO_PKG_VERSION"),
        options: &options,
    };
    let mut outcome = if verdict.failed(strict) {
        Outcome::Failed
    } else {
        Outcome::Success
    };
    for target in &targets {
        outcome = outcome.merge(write_report(session, &input, target)?);
    }
    if targets.iter().any(|t| t.format == Format::Github) {
        write_step_summary(&input)?;
    }
    if findings.incomplete() {
        outcome = outcome.merge(super::update::incomplete_scan(&findings)?);
    }
    Ok(outcome)
}

/// The requested reports, with the human one on stdout unless another report goes there.
fn targets(requested: &[ReportTarget]) -> miette::Result<Vec<ReportTarget>> {
    let on_stdout = requested.iter().filter(|t| t.path.is_none()).count();
    if on_stdout > 1 {
        return Err(SharedStdout(on_stdout).into());
    }
    let mut targets = requested.to_vec();
    if on_stdout == 0 {
        targets.insert(
            0,
            ReportTarget {
                format: Format::Human,
                path: None,
            },
        );
    }
    Ok(targets)
}

fn write_report(
    session: &Session,
    input: &ReportInput<'_>,
    target: &ReportTarget,
) -> miette::Result<Outcome> {
    let mut bytes = Vec::new();
    let notes = target.format.write(input, &mut bytes).into_diagnostic()?;
    let mut err = anstream::stderr().lock();
    for note in notes {
        let _ = writeln!(err, "warning: {note}");
    }
    match &target.path {
        None => super::emit(&bytes)?,
        Some(path) => {
            let full = session.cwd.join(path);
            // Colour belongs on terminals, not in files.
            let bytes = if target.format == Format::Human {
                anstream::adapter::strip_bytes(&bytes).into_vec()
            } else {
                bytes
            };
            crate::atomic::write(&full, &bytes)
                .into_diagnostic()
                .wrap_err_with(|| {
                    format!(
                        "could not write the {} report to {}",
                        target.format.name(),
                        path.display()
                    )
                })?;
        }
    }
    Ok(Outcome::Success)
}

/// With the github format on a GitHub runner, the Markdown summary goes to the job summary
/// (the runner gives each step a file to append to).
fn write_step_summary(input: &ReportInput<'_>) -> miette::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut bytes = Vec::new();
    Format::Markdown
        .write(input, &mut bytes)
        .into_diagnostic()?;
    burndown(input, &mut bytes);
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(&bytes))
        .into_diagnostic()
        .wrap_err("could not append to $GITHUB_STEP_SUMMARY")
}

/// Blobs a job summary may scan for its chart: a few commits' worth of changes.
const SUMMARY_SCAN_BUDGET: usize = 500;

/// Appends the burndown of the last half year (weekly, as Mermaid charts) when the history
/// cache is warm, so the chart costs at most a few hundred blob scans; otherwise nothing.
fn burndown(input: &ReportInput<'_>, out: &mut Vec<u8>) {
    let config = input.config;
    if !crate::history::warm(&config.root) {
        return;
    }
    let Ok(rules) = crate::rules::compile(config) else {
        return;
    };
    let options = crate::history::Options {
        since: Some(crate::config::Date::from_unix_days(
            input.today.unix_days() - 182,
        )),
        max: Some(26),
        budget: Some(SUMMARY_SCAN_BUDGET),
        ..crate::history::Options::default()
    };
    let Ok(Some((points, _))) = crate::history::scan(config, &rules, &options, &|_, _| {}) else {
        return;
    };
    let series =
        crate::history::series::build(config, input.units, &points, config.settings.window_days);
    let _ = writeln!(out, "### Burndown\n");
    let _ = crate::history::render::write_markdown(&series, out);
}

/// The config's directory relative to the enclosing git repository ("" at its root): the
/// default SARIF category (so two configs upload side by side) and the prefix that makes
/// forge-facing paths repository-relative.
fn repo_relative(root: &Path) -> String {
    let Some(repo) = root.ancestors().find(|dir| dir.join(".git").exists()) else {
        return String::new();
    };
    root.strip_prefix(repo)
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

/// The revision `--base` names: `auto` asks the CI environment (a GitHub pull request's base
/// branch, a GitLab merge request's base commit) and means "no base" outside one.
fn base_rev(arg: Option<&str>) -> Option<String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match arg {
        Some("auto") => env("CI_MERGE_REQUEST_DIFF_BASE_SHA")
            .or_else(|| env("GITHUB_BASE_REF").map(|branch| format!("origin/{branch}"))),
        Some(rev) => Some(rev.to_owned()),
        None => None,
    }
}
