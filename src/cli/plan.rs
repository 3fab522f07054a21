//! `longtail plan`: one scan, then the remaining work as per-unit briefs.

use miette::IntoDiagnostic;

use super::Outcome;
use super::args::{PlanArgs, PlanFormat};
use super::session::Session;
use crate::plan::{self, Selection};

/// Runs `plan`.
pub(super) fn run(session: &Session, args: &PlanArgs) -> miette::Result<Outcome> {
    let project = session.load()?;
    let units = super::select::units(&project, &args.units)?;
    let findings = session.scan(&project, None);
    let selection = Selection {
        units,
        limit: args.limit,
    };
    let plan = plan::build(
        &project.config,
        &project.units,
        &findings,
        &selection,
        session.today,
        env!("CARGO_PKG_VERSION"),
    );
    let mut out = Vec::new();
    match args.format {
        PlanFormat::Markdown => plan::markdown::write(&plan, &mut out),
        PlanFormat::Json => plan::write_json(&plan, &mut out),
    }
    .into_diagnostic()?;
    super::emit(&out)?;
    if findings.incomplete() {
        return super::update::incomplete_scan(&findings);
    }
    Ok(Outcome::Success)
}
