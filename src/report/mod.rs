//! Reports: turning one finished scan, the lock and the ratchet's verdict into bytes for a
//! reader. Every format reads the same `ReportInput` and writes to a `&mut dyn Write`; none of
//! them re-scans, re-reads the lock or touches the file system.

pub mod human;

use std::collections::BTreeSet;

use crate::check::Verdict;
use crate::config::{Config, Migration, Rule};
use crate::lock::Lock;
use crate::model::{Counts, Findings, RepoPath, RuleId};
use crate::units::Units;

/// Everything a report may show, borrowed from the stages that produced it.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The validated config (rule messages, docs, migrations, deadlines).
    pub config: &'a Config,
    /// Units of work.
    pub units: &'a Units,
    /// Sites found by the scan.
    pub findings: &'a Findings,
    /// The counts compared with the lock (the lock's own counts for files not scanned).
    pub counts: &'a Counts,
    /// The lock, when there is one.
    pub lock: Option<&'a Lock>,
    /// The ratchet's verdict.
    pub verdict: &'a Verdict,
    /// Whether a stale lock fails the run.
    pub strict: bool,
    /// The files scanned when only some were (pre-commit mode).
    pub only: Option<&'a BTreeSet<RepoPath>>,
}

impl ReportInput<'_> {
    /// The rule with this id and its migration.
    pub fn rule(&self, id: &RuleId) -> Option<(&Migration, &Rule)> {
        self.config.rules().find(|(_, r)| &r.id == id)
    }

    /// Locked count of one rule in one file.
    pub fn locked(&self, rule: &RuleId, path: &RepoPath) -> u64 {
        self.lock
            .and_then(|l| l.rules.get(rule))
            .and_then(|files| files.get(path))
            .copied()
            .unwrap_or(0)
    }
}
