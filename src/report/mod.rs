//! Reports: turning one finished scan, the lock and the ratchet's verdict into bytes for a
//! reader. Every format reads the same `ReportInput` and writes to a `&mut dyn Write`; none of
//! them re-scans, re-reads the lock or touches the file system. `rows` and `summary` derive
//! what several formats share (per-site status and fingerprints; totals per migration and unit).

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
mod rows;
pub mod sarif;
mod summary;

use std::collections::BTreeSet;
use std::io::{self, Write};

pub use rows::{Fingerprint, SiteRow, rows};
pub use summary::{MigrationSummary, UnitSummary, summarize};

use crate::check::Verdict;
use crate::config::{Config, Date, Migration, Rule};
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
    /// Today, for deadline countdowns.
    pub today: Date,
    /// longtail's version, for the formats that name their producer.
    pub version: &'a str,
    /// Options of individual formats.
    pub options: &'a Options,
}

/// Options that only some formats read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// GitHub annotations: every site rather than only new ones.
    pub annotate_all: bool,
    /// GitHub annotations (`--annotate touched`): the files a pull request changed, whose old
    /// sites get notices that never fail the build.
    pub touched: Option<BTreeSet<RepoPath>>,
    /// SARIF `automationDetails.id` category, so several configs can upload side by side.
    pub category: String,
    /// The config's directory within the git repository (`""` at its root, else ending in
    /// `/`): the formats a forge reads (SARIF, GitLab, GitHub) need repository-root paths.
    pub repo_prefix: String,
    /// Human report verbosity.
    pub verbosity: human::Verbosity,
}

impl ReportInput<'_> {
    /// A site's path as the forge sees it: relative to the repository root.
    pub fn forge_path(&self, path: &RepoPath) -> String {
        format!("{}{path}", self.options.repo_prefix)
    }

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

    /// Whether the lock knows this rule (a rule it does not know is new, not increased).
    pub fn locks_rule(&self, rule: &RuleId) -> bool {
        self.lock.is_some_and(|l| l.rules.contains_key(rule))
    }

    /// Whether the run fails the ratchet.
    pub fn failed(&self) -> bool {
        self.verdict.failed(self.strict)
    }
}

/// `one` or `many`, by `n`.
pub fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// For people, on a terminal.
    Human,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for GitLab's test report widget and Jenkins.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// GitHub workflow-command annotations.
    Github,
    /// longtail's own JSON (`schemas/report.schema.json`).
    Json,
    /// A Markdown summary for a job summary or a tracking issue.
    Markdown,
}

impl Format {
    /// Every format, in the order the help lists them.
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Sarif,
        Format::Junit,
        Format::Gitlab,
        Format::Github,
        Format::Json,
        Format::Markdown,
    ];

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
            Format::Github => "github",
            Format::Json => "json",
            Format::Markdown => "markdown",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Writes the report; returns notes for stderr (e.g. what SARIF had to leave out).
    pub fn write(self, input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<Vec<String>> {
        match self {
            Format::Human => human::write_check(input, input.options.verbosity, out)?,
            Format::Sarif => return sarif::write(input, out),
            Format::Junit => junit::write(input, out)?,
            Format::Gitlab => gitlab::write(input, out)?,
            Format::Github => github::write(input, out)?,
            Format::Json => json::write(input, out)?,
            Format::Markdown => markdown::write(input, out)?,
        }
        Ok(Vec::new())
    }
}

#[cfg(test)]
pub(crate) mod fixture;
