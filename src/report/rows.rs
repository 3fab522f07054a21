//! Every site as a report row: its rule, unit, whether it is new (its file's count rose above
//! the lock), its effective level, and fingerprints that survive unrelated edits. Shared by the
//! formats that list sites (SARIF, GitLab, GitHub, JSON).

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::ReportInput;
use crate::check::Scope;
use crate::config::{Migration, Rule, Severity};
use crate::model::{RepoPath, Site};

/// A site with everything a report says about it.
#[derive(Debug, Clone)]
pub struct SiteRow<'a> {
    /// The rule's migration.
    pub migration: &'a Migration,
    /// The rule.
    pub rule: &'a Rule,
    /// The rule's position among all rules in config order (SARIF `ruleIndex`).
    pub rule_index: usize,
    /// The file.
    pub path: &'a RepoPath,
    /// The site.
    pub site: &'a Site,
    /// The file's unit.
    pub unit: &'a str,
    /// Whether the site is in a file whose count rose above the lock.
    pub new: bool,
    /// The rule's severity, raised to `error` once the migration is past its deadline.
    pub level: Severity,
    /// Identity of the site across runs.
    pub fingerprint: Fingerprint,
}

/// A site's identity: a hash of rule, file (repository-relative, so two configs in one
/// repository never collide) and the site's trimmed line text (never its line number, so
/// inserting lines above it changes nothing), plus its occurrence among the sites of that
/// rule and file with the same text. SHA-256, so it is stable across toolchains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// 32 hex digits.
    pub hash: String,
    /// 1-based.
    pub occurrence: usize,
}

impl Fingerprint {
    /// The `hash:occurrence` form GitHub uses for `primaryLocationLineHash`.
    pub fn partial(&self) -> String {
        format!("{}:{}", self.hash, self.occurrence)
    }

    /// One hash that is unique per site (GitLab keeps one issue per fingerprint).
    pub fn unique(&self) -> String {
        hex32(&[
            self.hash.as_bytes(),
            b":",
            self.occurrence.to_string().as_bytes(),
        ])
    }
}

fn hex32(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(32);
    for byte in digest.iter().take(16) {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Every kept site as a row, sorted by file, line, column and rule.
pub fn rows<'a>(input: &ReportInput<'a>) -> Vec<SiteRow<'a>> {
    let overdue: Vec<&str> = input
        .verdict
        .overdue
        .iter()
        .map(|o| o.migration.as_str())
        .collect();
    let mut rows = Vec::new();
    for (rule_index, (migration, rule)) in input.config.rules().enumerate() {
        let Some(files) = input.findings.sites.get(&rule.id) else {
            continue;
        };
        let level = if overdue.contains(&migration.id.as_str()) {
            Severity::Error
        } else {
            rule.severity
        };
        for (path, found) in files {
            let unit = input.units.unit_of(path);
            // New: the file's count rose, and that rise is one the ratchet fails on (with
            // `ratchet = "unit"` a site moved within its unit is not new).
            let rose = input.locks_rule(&rule.id) && found.count > input.locked(&rule.id, path);
            let file_new = rose
                && input.verdict.increases.iter().any(|change| {
                    change.rule == rule.id
                        && match &change.scope {
                            Scope::File(p) => p == path,
                            Scope::Unit(name) => name == unit,
                            Scope::Repo => true,
                        }
                });
            let forge_path = input.forge_path(path);
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (index, site) in found.sites.iter().enumerate() {
                // Against a merge base each site is known new or old; against the lock only
                // the file's count is, so every site of a file that rose is marked.
                let new = if input.verdict.new_sites.is_some() {
                    input.verdict.is_new_site(&rule.id, path, index)
                } else {
                    file_new
                };
                let text = site.line_text.trim();
                let occurrence = seen.entry(text).or_insert(0);
                *occurrence += 1;
                let fingerprint = Fingerprint {
                    hash: hex32(&[
                        rule.id.as_str().as_bytes(),
                        b"\0",
                        forge_path.as_bytes(),
                        b"\0",
                        text.as_bytes(),
                    ]),
                    occurrence: *occurrence,
                };
                rows.push(SiteRow {
                    migration,
                    rule,
                    rule_index,
                    path,
                    site,
                    unit,
                    new,
                    level,
                    fingerprint,
                });
            }
        }
    }
    rows.sort_by(|a, b| {
        (a.path, a.site.line, a.site.column, a.rule_index).cmp(&(
            b.path,
            b.site.line,
            b.site.column,
            b.rule_index,
        ))
    });
    rows
}
