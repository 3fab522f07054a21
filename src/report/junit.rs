//! JUnit XML for GitLab's test report widget and Jenkins: one test suite per migration, one
//! test case per rule and unit (per rule when there are no units), failing when that count rose
//! above the lock or the migration is past its deadline, with the new sites in the failure text.
//! Written with `quick-xml`, which escapes every text and attribute.

use std::collections::BTreeMap;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{ReportInput, summarize};
use crate::check::Scope;
use crate::config::{Migration, Rule};
use crate::model::RepoPath;

/// How many new sites a failure lists.
const LISTED: usize = 100;

/// The name of the one test case per rule when no units are configured.
const ALL_FILES: &str = "all files";

/// A test suite: its migration, test cases and properties.
type Suite<'a> = (&'a Migration, Vec<Case>, Vec<(&'static str, String)>);

struct Case {
    classname: String,
    name: String,
    failures: Vec<(&'static str, String, String)>,
    out: String,
}

/// Writes the report.
pub fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let suites: Vec<Suite<'_>> = summarize(input)
        .iter()
        .map(|summary| {
            let migration = summary.migration;
            let mut properties = vec![
                ("title", migration.title.clone()),
                ("remaining", summary.remaining.to_string()),
                ("locked", summary.locked.to_string()),
            ];
            if let Some(deadline) = migration.deadline {
                properties.push(("deadline", deadline.to_string()));
            }
            let cases = migration
                .rules
                .iter()
                .flat_map(|rule| cases(input, migration, rule, summary.overdue))
                .collect();
            (migration, cases, properties)
        })
        .collect();
    let tests: usize = suites.iter().map(|(_, cases, _)| cases.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|(_, cases, _)| cases.iter().filter(|c| !c.failures.is_empty()).count())
        .sum();
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", "longtail"))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("time", "0"))
        .write_inner_content(|w| {
            for (migration, cases, properties) in &suites {
                write_suite(w, migration, cases, properties)?;
            }
            Ok(())
        })?;
    writer.get_mut().write_all(b"\n")
}

fn write_suite<W: Write>(
    w: &mut Writer<W>,
    migration: &Migration,
    cases: &[Case],
    properties: &[(&str, String)],
) -> io::Result<()> {
    let failures = cases.iter().filter(|c| !c.failures.is_empty()).count();
    w.create_element("testsuite")
        .with_attribute(("name", xml_text(&migration.id).as_str()))
        .with_attribute(("tests", cases.len().to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", "0"))
        .with_attribute(("time", "0"))
        .write_inner_content(|w| {
            w.create_element("properties").write_inner_content(|w| {
                for (name, value) in properties {
                    w.create_element("property")
                        .with_attribute(("name", *name))
                        .with_attribute(("value", xml_text(value).as_str()))
                        .write_empty()?;
                }
                Ok(())
            })?;
            for case in cases {
                w.create_element("testcase")
                    .with_attribute(("classname", xml_text(&case.classname).as_str()))
                    .with_attribute(("name", xml_text(&case.name).as_str()))
                    .with_attribute(("time", "0"))
                    .write_inner_content(|w| {
                        for (kind, message, text) in &case.failures {
                            w.create_element("failure")
                                .with_attribute(("type", *kind))
                                .with_attribute(("message", xml_text(message).as_str()))
                                .write_text_content(BytesText::new(&xml_text(text)))?;
                        }
                        w.create_element("system-out")
                            .write_text_content(BytesText::new(&xml_text(&case.out)))?;
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// The test cases of one rule: one per unit (in config order, then `(other)`), or one in all.
fn cases(input: &ReportInput<'_>, migration: &Migration, rule: &Rule, overdue: bool) -> Vec<Case> {
    let has_units = !input.units.is_empty();
    let unit_of = |path: &RepoPath| -> String {
        if has_units {
            input.units.unit_of(path).to_owned()
        } else {
            ALL_FILES.to_owned()
        }
    };
    // (now, locked) per unit.
    let mut totals: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut order: Vec<String> = if has_units {
        input
            .units
            .listed()
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    } else {
        vec![ALL_FILES.to_owned()]
    };
    for (path, count) in input.counts.get(&rule.id).into_iter().flatten() {
        let entry = totals.entry(unit_of(path)).or_default();
        entry.0 = entry.0.saturating_add(*count);
    }
    for (path, count) in input
        .lock
        .and_then(|l| l.rules.get(&rule.id))
        .into_iter()
        .flatten()
    {
        let entry = totals.entry(unit_of(path)).or_default();
        entry.1 = entry.1.saturating_add(*count);
    }
    for name in totals.keys() {
        if !order.contains(name) {
            order.push(name.clone());
        }
    }
    order
        .into_iter()
        .map(|unit| {
            let (now, locked) = totals.get(&unit).copied().unwrap_or_default();
            let mut failures = Vec::new();
            let rose = input.verdict.increases.iter().any(|c| {
                c.rule == rule.id
                    && match &c.scope {
                        Scope::File(path) => unit_of(path) == unit,
                        Scope::Unit(name) => *name == unit,
                        Scope::Repo => now > locked,
                    }
            });
            let (new, listed) = new_sites(input, rule, |p| unit_of(p) == unit);
            if rose {
                failures.push((
                    "ratchet",
                    format!("{now} sites, the lock allows {locked}: {}", rule.message),
                    listed.clone(),
                ));
            } else if new > 0 && input.verdict.new_sites_fail {
                failures.push((
                    "new-site",
                    format!(
                        "{new} new {} against the merge base: {}",
                        if new == 1 { "site" } else { "sites" },
                        rule.message
                    ),
                    listed.clone(),
                ));
            }
            if overdue && now > 0 {
                let deadline = migration
                    .deadline
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                failures.push((
                    "deadline",
                    format!("the deadline {deadline} has passed with {now} sites left"),
                    rule.message.clone(),
                ));
            }
            let mut out = if input.lock.is_some() {
                format!(
                    "{now} {} left (locked: {locked})",
                    if now == 1 { "site" } else { "sites" }
                )
            } else {
                format!("{now} {} left", if now == 1 { "site" } else { "sites" })
            };
            if new > 0 && input.verdict.new_sites.is_some() && failures.is_empty() {
                // New sites that only warn still get named, where a CI's test view shows them.
                out.push_str(&format!(
                    "\n{new} new {} against the merge base (warning):\n{listed}",
                    if new == 1 { "site" } else { "sites" }
                ));
            }
            Case {
                classname: rule.id.to_string(),
                name: unit,
                failures,
                out,
            }
        })
        .collect()
}

/// The sites to name for `rule` in scope, one per line, with how many there are: in
/// pull-request mode the sites new against the merge base, otherwise every site of a file
/// whose count rose above the lock.
fn new_sites(
    input: &ReportInput<'_>,
    rule: &Rule,
    in_scope: impl Fn(&RepoPath) -> bool,
) -> (u64, String) {
    let pr_mode = input.verdict.new_sites.is_some();
    let mut lines = Vec::new();
    let mut total = 0u64;
    for (path, found) in input.findings.sites.get(&rule.id).into_iter().flatten() {
        if !in_scope(path) || (!pr_mode && found.count <= input.locked(&rule.id, path)) {
            continue;
        }
        for (index, site) in found.sites.iter().enumerate() {
            if pr_mode && !input.verdict.is_new_site(&rule.id, path, index) {
                continue;
            }
            total = total.saturating_add(1);
            if lines.len() < LISTED {
                lines.push(format!(
                    "{path}:{}:{}: {}",
                    site.line,
                    site.column,
                    site.line_text.trim()
                ));
            }
        }
        if !pr_mode {
            // Sites past the kept ones still count.
            total = total.saturating_add(found.count.saturating_sub(found.sites.len() as u64));
        }
    }
    let listed = lines.len() as u64;
    if total > listed {
        lines.push(format!("... and {} more", total - listed));
    }
    (total, lines.join("\n"))
}

/// XML 1.0 cannot hold most control characters, even escaped; show them as U+FFFD.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => '\u{FFFD}',
            c => c,
        })
        .collect()
}
