//! `longtail update`: a fresh scan written to the lock, atomically, never raising a count
//! unless `--allow-increase`; a refused update leaves the lock byte-for-byte as it was.

use std::io::Write;

use miette::{Diagnostic, IntoDiagnostic, WrapErr};

use super::Outcome;
use super::args::UpdateArgs;
use super::session::{Project, Session};
use crate::check::{self, Verdict};
use crate::lock::{self, Lock};
use crate::model::{Findings, total};
use crate::report::{Options, ReportInput, human};

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("the scan is incomplete: {count} {} could not be read", if *count == 1 { "file" } else { "files" })]
#[diagnostic(
    code(longtail::scan::incomplete),
    help(
        "the counts may be too low, so the lock was not written and the check cannot pass; fix the warnings above"
    )
)]
struct Incomplete {
    count: usize,
}

/// The error for a scan that missed files (`check` still reports before returning it).
pub(super) fn incomplete_scan(findings: &Findings) -> miette::Result<Outcome> {
    let count = findings.warnings.iter().filter(|w| w.missed).count();
    Err(Incomplete { count }.into())
}

/// Runs `update`.
pub(super) fn run(session: &Session, args: &UpdateArgs) -> miette::Result<Outcome> {
    let project = session.load()?;
    if args.resolve {
        return resolve(session, &project, args);
    }
    let old = session.read_lock(&project)?;
    let findings = session.scan(&project, None);
    if findings.incomplete() {
        return incomplete_scan(&findings);
    }
    write_lock(
        session,
        &project,
        old.as_ref(),
        &findings,
        args.allow_increase,
    )
}

/// `update --resolve`: a lock with conflict markers becomes the merge of its two sides (the
/// lower count of each entry); then, as `update` does, a fresh scan replaces it unless a count
/// would rise. When one would, the merged lock is written instead (markers gone, no count
/// raised) and the rises are listed, so the ratchet stays honest about them.
fn resolve(session: &Session, project: &Project, args: &UpdateArgs) -> miette::Result<Outcome> {
    let path = session.lock_path(project)?;
    let shown = session.shown(&project.config.lock_path());
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => {
            return Err(err)
                .into_diagnostic()
                .wrap_err_with(|| format!("could not read {shown}"));
        }
    };
    let (merged, conflicted) = if text.is_empty() {
        (None, false)
    } else {
        let (lock, conflicted) = lock::parse_resolving(&shown, &text)?;
        (Some(lock), conflicted)
    };
    let findings = session.scan(project, None);
    if findings.incomplete() {
        return incomplete_scan(&findings);
    }
    let outcome = write_lock(
        session,
        project,
        merged.as_ref(),
        &findings,
        args.allow_increase,
    )?;
    if let (Outcome::Failed, Some(merged), true) = (outcome, &merged, conflicted) {
        lock::write(&path, merged)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not write {}", path.display()))?;
        let line = format!(
            "resolved the conflict in {shown} with the lower count of each entry; the counts above \
             rose in the merge and still fail `longtail check`\n"
        );
        super::emit_after_write(line.as_bytes());
    } else if conflicted && outcome == Outcome::Success && !session.quiet {
        super::emit_after_write(
            format!(
                "resolved the conflict in {shown}: both sides merged, then tightened by the scan\n"
            )
            .as_bytes(),
        );
    }
    Ok(outcome)
}

/// Compares a full scan with `old` and writes the new lock when allowed. Shared with `init`.
pub(super) fn write_lock(
    session: &Session,
    project: &Project,
    old: Option<&Lock>,
    findings: &Findings,
    allow_increase: bool,
) -> miette::Result<Outcome> {
    let counts = findings.counts();
    let empty = Lock::default();
    let verdict = check::compare(
        &project.config,
        &project.units,
        &counts,
        old.unwrap_or(&empty),
        session.today,
    );
    let path = session.lock_path(project)?;
    let shown = &project.config.settings.lock;
    let mut out = Vec::new();
    if !verdict.increases.is_empty() && !allow_increase && old.is_some() {
        let input = ReportInput {
            config: &project.config,
            units: &project.units,
            findings,
            counts: &counts,
            lock: old,
            verdict: &Verdict {
                increases: verdict.increases.clone(),
                ..Verdict::default()
            },
            strict: false,
            only: None,
            today: session.today,
            version: env!("CARGO_PKG_VERSION"),
            options: &Options::default(),
        };
        let how = human::Verbosity {
            quiet: true,
            verbose: session.verbose,
        };
        human::write_increases(&input, how, &mut out).into_diagnostic()?;
        writeln!(
            out,
            "update refused: {} {} would rise; {shown} keeps its counts. Remove the new sites, or pass --allow-increase to accept them",
            verdict.increases.len(),
            if verdict.increases.len() == 1 { "count" } else { "counts" },
        )
        .into_diagnostic()?;
        super::emit(&out)?;
        return Ok(Outcome::Failed);
    }
    let new = Lock { rules: counts };
    let text = lock::render(&new);
    let unchanged = std::fs::read(&path).is_ok_and(|bytes| bytes == text.as_bytes());
    if unchanged {
        if !session.quiet {
            writeln!(out, "{shown} is up to date").into_diagnostic()?;
        }
        super::emit(&out)?;
        return Ok(Outcome::Success);
    }
    crate::atomic::write(&path, text.as_bytes())
        .into_diagnostic()
        .wrap_err_with(|| format!("could not write {}", path.display()))?;
    if !session.quiet {
        writeln!(out, "{}", describe(old, &verdict, shown)).into_diagnostic()?;
    }
    super::emit_after_write(&out);
    Ok(Outcome::Success)
}

fn describe(old: Option<&Lock>, verdict: &Verdict, shown: &str) -> String {
    if old.is_none() {
        let rules = verdict.new_rules.len();
        let sites = total(verdict.new_rules.iter().map(|(_, n)| n));
        return format!(
            "wrote {shown}: {sites} {} in {rules} {}; commit it",
            if sites == 1 { "site" } else { "sites" },
            if rules == 1 { "rule" } else { "rules" },
        );
    }
    let mut parts = Vec::new();
    if !verdict.decreases.is_empty() {
        let fewer = verdict.sites_fewer();
        parts.push(format!(
            "{} lowered ({fewer} fewer sites)",
            counted(verdict.decreases.len(), "count")
        ));
    }
    if !verdict.increases.is_empty() {
        let more = verdict.sites_more();
        parts.push(format!(
            "{} raised ({more} more sites, --allow-increase)",
            counted(verdict.increases.len(), "count")
        ));
    }
    if !verdict.new_rules.is_empty() {
        parts.push(format!(
            "{} added",
            counted(verdict.new_rules.len(), "rule")
        ));
    }
    if !verdict.removed_rules.is_empty() {
        parts.push(format!(
            "{} dropped",
            counted(verdict.removed_rules.len(), "rule")
        ));
    }
    if parts.is_empty() {
        parts.push("per-file counts refreshed".to_owned());
    }
    format!("updated {shown}: {}; commit it", parts.join(", "))
}

fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
