//! SARIF 2.1.0 for GitHub code scanning, built with `serde-sarif`'s types. One run; one
//! reporting descriptor per rule; one result per site with a repo-relative `%SRCROOT%` URI,
//! a region in Unicode code points, a snippet, a line-number-free fingerprint, the
//! `baselineState` against the lock, and a fix when the rule has a replacement. GitHub's upload
//! limits are kept: past 25,000 results or 10 MB the most relevant are kept (new first, then by
//! level) and the cut is recorded in the run's properties and returned as a note.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Invocation, Location, Message,
    MultiformatMessageString, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif,
    Tool, ToolComponent, Version,
};

use super::{ReportInput, SiteRow, rows};
use crate::config::Severity;

/// GitHub rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub's limit on description texts.
const MAX_DESCRIPTION: usize = 1024;

/// The OASIS schema of SARIF 2.1.0 (errata 01), as GitHub's docs give it.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const SRCROOT: &str = "%SRCROOT%";

/// Characters a path segment may not hold unescaped in a URI reference (RFC 3986).
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    // A colon in the first segment would read as a URI scheme (`c:evil.py`).
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Writes the SARIF log; returns a note when results had to be left out.
pub fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<Vec<String>> {
    let mut rows = rows(input);
    let found = crate::model::total(
        input
            .findings
            .sites
            .values()
            .flat_map(|files| files.values().map(|f| &f.count)),
    );
    // Keep what matters most: new sites, then errors before warnings before notes; the sort is
    // stable, so within a class the file order stays.
    rows.sort_by_key(|r| (!r.new, std::cmp::Reverse(r.level)));
    let budget = MAX_BYTES.saturating_sub(envelope_size(input)?);
    let mut results = Vec::new();
    let mut used = 0usize;
    for row in &rows {
        let result = result(input, row);
        let size = serde_json::to_vec(&result)?.len() + 1;
        if results.len() == MAX_RESULTS || used + size > budget {
            break;
        }
        used += size;
        results.push((row, result));
    }
    results.sort_by(|(a, _), (b, _)| {
        (a.path, a.site.line, a.site.column, a.rule_index).cmp(&(
            b.path,
            b.site.line,
            b.site.column,
            b.rule_index,
        ))
    });
    let kept = results.len() as u64;
    let mut notes = Vec::new();
    let mut properties = BTreeMap::new();
    if kept < found {
        let dropped = found - kept;
        notes.push(format!(
            "sarif: {dropped} of {found} sites left out (GitHub takes at most {MAX_RESULTS} results and longtail keeps the file under 10 MB); new sites and errors were kept first"
        ));
        properties.insert(
            "longtail.truncated".to_owned(),
            json!({ "sites": found, "results": kept, "dropped": dropped }),
        );
    }
    let log = log(
        input,
        results.into_iter().map(|(_, r)| r).collect(),
        properties,
    );
    // Compact, not pretty: SARIF is for machines, and indentation would double the size that
    // GitHub's upload limit counts.
    serde_json::to_writer(&mut *out, &log)?;
    out.write_all(b"\n")?;
    Ok(notes)
}

/// The most a SARIF file may hold, in bytes: GitHub's limit is 10 MB gzip-compressed, and the
/// SARIF Multitool GitHub points to refuses files over 10,000 KB uncompressed; staying under
/// 10 MB uncompressed satisfies both.
pub const MAX_BYTES: usize = 10_000_000;

/// The size of the log without results (tool, rules, run properties), plus room for the
/// truncation note.
fn envelope_size(input: &ReportInput<'_>) -> io::Result<usize> {
    let truncated = BTreeMap::from([(
        "longtail.truncated".to_owned(),
        json!({ "sites": u64::MAX, "results": u64::MAX, "dropped": u64::MAX }),
    )]);
    Ok(serde_json::to_vec(&log(input, Vec::new(), truncated))?.len() + 1)
}

fn log(
    input: &ReportInput<'_>,
    results: Vec<SarifResult>,
    properties: BTreeMap<String, serde_json::Value>,
) -> Sarif {
    let run = Run::builder()
        .tool(tool(input))
        .results(results)
        .automation_details(
            RunAutomationDetails::builder()
                .id(automation_id(&input.options.category))
                .build(),
        )
        .original_uri_base_ids(BTreeMap::from([(
            SRCROOT.to_owned(),
            ArtifactLocation::builder()
                .description(text(
                    "The root of the repository (the directory of longtail.toml outside git).",
                ))
                .build(),
        )]))
        .column_kind(json!("unicodeCodePoints"))
        .invocations(vec![
            Invocation::builder()
                .execution_successful(!input.findings.incomplete())
                .build(),
        ])
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!(Version::V2_1_0.to_string()))
        .runs(vec![run])
        .build()
}

/// `automationDetails.id`: GitHub treats the part before the last `/` as the category, so
/// uploads from several configs (or several `--category`s) live side by side.
fn automation_id(category: &str) -> String {
    let category = category.trim_matches('/');
    if category.is_empty() {
        "longtail/".to_owned()
    } else {
        format!("longtail/{category}/")
    }
}

fn tool(input: &ReportInput<'_>) -> Tool {
    let rules = input
        .config
        .rules()
        .map(|(migration, rule)| {
            let docs = rule.docs.as_ref().or(migration.docs.as_ref());
            let mut help = rule.message.clone();
            if let Some(docs) = docs {
                help.push_str(&format!("\n\nMigration guide: {docs}"));
            }
            let mut descriptor = ReportingDescriptor::builder()
                .id(rule.id.to_string())
                .name(pascal_case(rule.id.as_str()))
                .short_description(multiformat(&rule.message))
                .full_description(multiformat(&format!(
                    "{}: {} (pattern: {})",
                    migration.title,
                    rule.message,
                    rule.pattern.get_ref()
                )))
                .help(MultiformatMessageString::builder().text(help).build())
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(json!(level_name(rule.severity)))
                        .build(),
                )
                .properties(
                    PropertyBag::builder()
                        .tags(vec!["migration".to_owned(), migration.id.clone()])
                        .additional_properties(BTreeMap::from([
                            ("precision".to_owned(), json!("very-high")),
                            (
                                "problem.severity".to_owned(),
                                json!(problem_severity(rule.severity)),
                            ),
                        ]))
                        .build(),
                )
                .build();
            descriptor.help_uri = docs.cloned();
            descriptor
        })
        .collect::<Vec<_>>();
    Tool::builder()
        .driver(
            ToolComponent::builder()
                .name("longtail")
                .version(input.version)
                .semantic_version(input.version)
                .information_uri(env!("CARGO_PKG_REPOSITORY"))
                .rules(rules)
                .build(),
        )
        .build()
}

fn result(input: &ReportInput<'_>, row: &SiteRow<'_>) -> SarifResult {
    let site = row.site;
    let region = |snippet: bool| {
        let mut region = Region::builder()
            .start_line(site.line as i64)
            .start_column(site.column as i64)
            .end_line(site.end_line as i64)
            .end_column(site.end_column as i64)
            .build();
        if snippet {
            region.snippet = Some(
                ArtifactContent::builder()
                    .text(site.line_text.clone())
                    .build(),
            );
        }
        region
    };
    let artifact = || {
        ArtifactLocation::builder()
            .uri(utf8_percent_encode(&input.forge_path(row.path), PATH_SEGMENT).to_string())
            .uri_base_id(SRCROOT)
            .build()
    };
    let mut result = SarifResult::builder()
        .rule_id(row.rule.id.to_string())
        .rule_index(row.rule_index as i64)
        .level(match row.level {
            Severity::Note => ResultLevel::Note,
            Severity::Warning => ResultLevel::Warning,
            Severity::Error => ResultLevel::Error,
        })
        .message(text(&row.rule.message))
        .locations(vec![
            Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact())
                        .region(region(true))
                        .build(),
                )
                .build(),
        ])
        .partial_fingerprints(BTreeMap::from([(
            "primaryLocationLineHash".to_owned(),
            row.fingerprint.partial(),
        )]))
        .baseline_state(json!(if row.new { "new" } else { "unchanged" }))
        .build();
    if let Some(replacement) = &site.replacement {
        result.fixes = Some(vec![
            Fix::builder()
                .description(text(&format!("Replace with `{replacement}`")))
                .artifact_changes(vec![
                    ArtifactChange::builder()
                        .artifact_location(artifact())
                        .replacements(vec![
                            serde_sarif::sarif::Replacement::builder()
                                .deleted_region(region(false))
                                .inserted_content(
                                    ArtifactContent::builder().text(replacement.clone()).build(),
                                )
                                .build(),
                        ])
                        .build(),
                ])
                .build(),
        ]);
    }
    result
}

/// SARIF wants `name` to be a readable identifier distinct from the opaque `id`:
/// `pydantic-v2/parse-obj` becomes `PydanticV2ParseObj`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

fn text(text: &str) -> Message {
    Message::builder().text(text.to_owned()).build()
}

fn multiformat(text: &str) -> MultiformatMessageString {
    let mut text = text.to_owned();
    if text.chars().count() > MAX_DESCRIPTION {
        text = text.chars().take(MAX_DESCRIPTION - 1).collect::<String>() + "…";
    }
    MultiformatMessageString::builder().text(text).build()
}

fn level_name(severity: Severity) -> &'static str {
    severity.as_str()
}

fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::Fixture;
    use super::*;
    use crate::model::{FileSites, RepoPath, RuleId, Site};

    /// 9,000 one-line sites whose line text and replacement are `text`.
    fn sites(text: &str, replacement: Option<&str>) -> Vec<Site> {
        (1..=9_000)
            .map(|line| Site {
                line,
                column: 1,
                end_line: line,
                end_column: 4,
                line_text: text.to_owned(),
                replacement: replacement.map(str::to_owned),
            })
            .collect()
    }

    #[test]
    fn keeps_new_sites_first_when_over_githubs_limit() {
        let mut fixture = Fixture::new(false);
        let rule = RuleId::new("py2", "config");
        let many = sites("a short line", None);
        let files = fixture.findings.sites.entry(rule.clone()).or_default();
        let locked = fixture.lock.rules.entry(rule).or_default();
        for name in ["a.py", "b.py", "c.py"] {
            let found = FileSites {
                count: many.len() as u64,
                sites: many.clone(),
            };
            files.insert(RepoPath::new(name), found);
            // Locked at their count: unchanged sites, less relevant than the new ones.
            locked.insert(RepoPath::new(name), many.len() as u64);
        }
        let (notes, log) = fixture.with_input(|input| {
            let mut out = Vec::new();
            let notes = write(input, &mut out).unwrap();
            (
                notes,
                serde_json::from_slice::<serde_json::Value>(&out).unwrap(),
            )
        });
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(
            results.len() <= MAX_RESULTS && results.len() > 20_000,
            "{}",
            results.len()
        );
        // The three new parse_obj sites survive the cut.
        let new = results
            .iter()
            .filter(|r| r["baselineState"] == "new")
            .count();
        assert_eq!(new, 3);
        let dropped = 27_006 - results.len();
        assert_eq!(
            log["runs"][0]["properties"]["longtail.truncated"]["dropped"],
            dropped
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains(&format!("{dropped} of 27006 sites left out")),
            "{notes:?}"
        );
    }

    #[test]
    fn stays_under_ten_megabytes_however_long_the_lines() {
        let mut fixture = Fixture::new(false);
        let rule = RuleId::new("py2", "config");
        let long = "x".repeat(240);
        let many = sites(&long, Some(&long));
        let files = fixture.findings.sites.entry(rule).or_default();
        for name in ["a.py", "b.py", "c.py"] {
            let found = FileSites {
                count: many.len() as u64,
                sites: many.clone(),
            };
            files.insert(RepoPath::new(name), found);
        }
        let (notes, size) = fixture.with_input(|input| {
            let mut out = Vec::new();
            let notes = write(input, &mut out).unwrap();
            (notes, out.len())
        });
        assert!(size <= MAX_BYTES, "{size}");
        assert!(size > MAX_BYTES - 10_000, "uses the room it has: {size}");
        assert_eq!(notes.len(), 1);
    }
}
