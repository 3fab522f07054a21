//! `longtail rules`: the rules with their remaining and locked counts.

use miette::IntoDiagnostic;

use super::Outcome;
use super::session::Session;
use crate::check::Verdict;
use crate::report::{Options, ReportInput, human};

/// Runs `rules`.
pub(super) fn run(session: &Session) -> miette::Result<Outcome> {
    let project = session.load()?;
    let lock = session.read_lock(&project)?;
    let findings = session.scan(&project, None);
    let counts = findings.counts();
    let input = ReportInput {
        config: &project.config,
        units: &project.units,
        findings: &findings,
        counts: &counts,
        lock: lock.as_ref(),
        verdict: &Verdict::default(),
        strict: false,
        only: None,
        today: session.today,
        version: env!("CARGO_PKG_VERSION"),
        options: &Options::default(),
    };
    let mut out = Vec::new();
    human::write_rules(&input, &mut out).into_diagnostic()?;
    super::emit(&out)?;
    if findings.incomplete() {
        return super::update::incomplete_scan(&findings);
    }
    Ok(Outcome::Success)
}
