//! GitLab Code Quality (a CodeClimate subset): one issue per site with a fingerprint that is
//! unique per site (GitLab keeps one issue per fingerprint) and stable across unrelated edits,
//! the rule id repeated in the description (GitLab does not show `check_name`), and
//! repo-relative paths.

use std::io::{self, Write};

use serde::Serialize;

use super::{ReportInput, rows};
use crate::config::Severity;

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: String,
    categories: [&'static str; 1],
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u64,
    end: u64,
}

/// Writes the report: a JSON array, `[]` when there is nothing left.
pub fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Issue> = rows(input)
        .iter()
        .map(|row| Issue {
            kind: "issue",
            check_name: row.rule.id.to_string(),
            description: format!("{} ({})", row.rule.message, row.rule.id),
            categories: ["Compatibility"],
            fingerprint: row.fingerprint.unique(),
            severity: severity(row.level, row.new),
            location: Location {
                path: input.forge_path(row.path),
                lines: Lines {
                    begin: row.site.line,
                    end: row.site.end_line,
                },
            },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}

/// GitLab's scale: note → info, warning → minor, error → major; a new site (one that fails the
/// ratchet) is critical, so it sorts first in the merge request widget.
fn severity(level: Severity, new: bool) -> &'static str {
    match (level, new) {
        (_, true) => "critical",
        (Severity::Note, false) => "info",
        (Severity::Warning, false) => "minor",
        (Severity::Error, false) => "major",
    }
}
