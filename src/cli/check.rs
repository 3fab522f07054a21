//! `longtail check`: one scan, the ratchet, the human report, the exit code.

use miette::IntoDiagnostic;

use super::Outcome;
use super::args::CheckArgs;
use super::session::Session;
use crate::check;
use crate::lock::Lock;
use crate::report::{ReportInput, human};

/// Runs `check`.
pub(super) fn run(session: &Session, args: &CheckArgs) -> miette::Result<Outcome> {
    let project = session.load()?;
    let lock = session.read_lock(&project)?;
    let only = if args.files.is_empty() {
        None
    } else {
        session.repo_paths(&project, &args.files)?
    };
    let findings = session.scan(&project, only.as_ref().map(|o| o.iter().cloned().collect()));
    let scanned = findings.counts();
    let counts = match (&only, &lock) {
        (Some(only), Some(lock)) => {
            let root = &project.config.root;
            check::overlay(lock, &scanned, only, |p| root.join(p.as_str()).exists())
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
    let input = ReportInput {
        config: &project.config,
        units: &project.units,
        findings: &findings,
        counts: &counts,
        lock: lock.as_ref(),
        verdict: &verdict,
        strict: args.strict,
        only: only.as_ref(),
    };
    let how = human::Verbosity {
        quiet: session.quiet,
        verbose: session.verbose,
    };
    let mut out = Vec::new();
    human::write_check(&input, how, &mut out).into_diagnostic()?;
    super::emit(&out)?;
    let mut outcome = if verdict.failed(args.strict) {
        Outcome::Failed
    } else {
        Outcome::Success
    };
    if findings.incomplete() {
        outcome = outcome.merge(super::update::incomplete_scan(&findings)?);
    }
    Ok(outcome)
}
