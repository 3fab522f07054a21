//! The plan as a Markdown tracking issue: a checklist of units, then one section per unit with
//! its sites grouped by how they get fixed. Every user-controlled string is escaped.

use std::io::{self, Write};

use super::{Handling, Plan, RuleBrief, UnitBrief};
use crate::report::markdown::{code, link, text};
use crate::report::plural;

/// Writes `plan` as Markdown.
pub fn write(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let t = &plan.totals;
    let left = t.units - t.units_done;
    writeln!(
        out,
        "# Migration plan: {left} of {} {} left, {} {}\n",
        t.units,
        plural(t.units, "unit", "units"),
        t.sites,
        plural(t.sites, "site", "sites")
    )?;
    writeln!(
        out,
        "Made by longtail {} on {}; run `longtail plan` again to refresh. \
         `longtail fix` can rewrite {} {}, codemods handle {}, {} {} for a person.\n",
        plan.tool.version,
        plan.date,
        t.fixable,
        plural(t.fixable, "site", "sites"),
        t.codemod,
        t.manual,
        plural(t.manual, "is", "are")
    )?;
    if !plan.migrations.is_empty() {
        writeln!(out, "| Migration | Sites left | Deadline |")?;
        writeln!(out, "|---|---:|---|")?;
        for m in &plan.migrations {
            let deadline = match (&m.deadline, m.days_left) {
                (Some(date), Some(days)) if days < 0 => format!("{date} (passed)"),
                (Some(date), Some(days)) => {
                    format!(
                        "{date} ({days} {} left)",
                        plural(days.unsigned_abs(), "day", "days")
                    )
                }
                _ => "none".to_owned(),
            };
            let title = match &m.docs {
                Some(docs) => link(&m.title, docs),
                None => text(&m.title),
            };
            writeln!(out, "| {title} | {} | {deadline} |", m.sites)?;
        }
        writeln!(out)?;
    }
    writeln!(out, "## Units\n")?;
    for unit in &plan.units {
        let mark = if unit.done { "x" } else { " " };
        let owner = unit
            .owner
            .as_deref()
            .map(|o| format!(" ({})", text(o)))
            .unwrap_or_default();
        let state = if unit.done {
            "done".to_owned()
        } else {
            breakdown(unit)
        };
        writeln!(out, "- [{mark}] **{}**{owner}: {state}", text(&unit.unit))?;
    }
    for unit in plan.units.iter().filter(|u| !u.done) {
        write_unit(unit, out)?;
    }
    Ok(())
}

fn breakdown(unit: &UnitBrief) -> String {
    let mut parts = Vec::new();
    if unit.fixable > 0 {
        parts.push(format!("{} by `longtail fix`", unit.fixable));
    }
    if unit.codemod > 0 {
        parts.push(format!("{} by codemods", unit.codemod));
    }
    if unit.manual > 0 {
        parts.push(format!("{} by hand", unit.manual));
    }
    format!(
        "{} {} in {} {} ({})",
        unit.sites,
        plural(unit.sites, "site", "sites"),
        unit.files.len(),
        plural(unit.files.len() as u64, "file", "files"),
        parts.join(", ")
    )
}

fn write_unit(unit: &UnitBrief, out: &mut dyn Write) -> io::Result<()> {
    let owner = unit
        .owner
        .as_deref()
        .map(|o| format!(" ({})", text(o)))
        .unwrap_or_default();
    writeln!(out, "\n## {}{owner}\n", text(&unit.unit))?;
    writeln!(out, "{}.\n", breakdown(unit))?;
    let groups = [
        (Handling::Fix, "Automatic"),
        (Handling::Codemod, "Codemods"),
        (Handling::Manual, "By hand"),
    ];
    for (handling, title) in groups {
        let rules: Vec<&RuleBrief> = unit
            .rules
            .iter()
            .filter(|r| r.handling == handling)
            .collect();
        if rules.is_empty() {
            continue;
        }
        match (handling, &unit.commands.fix) {
            (Handling::Fix, Some(fix)) => writeln!(out, "### {title}: run {}\n", code(fix))?,
            _ => writeln!(out, "### {title}\n")?,
        }
        for rule in rules {
            write_rule(rule, out)?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Done when `longtail check` shows no site in this unit; then run `longtail update` and \
         commit longtail.lock."
    )
}

fn write_rule(rule: &RuleBrief, out: &mut dyn Write) -> io::Result<()> {
    let docs = rule
        .docs
        .as_deref()
        .map(|d| format!(" ({})", link("docs", d)))
        .unwrap_or_default();
    let how = match (&rule.replace, &rule.codemod) {
        (Some(replace), _) => format!(" Replacement: {}.", code(replace)),
        (None, Some(codemod)) => format!(" Codemod: {}.", code(codemod)),
        (None, None) => String::new(),
    };
    writeln!(
        out,
        "- [ ] {}: {} {}. {}{docs}{how}",
        code(&rule.rule),
        rule.sites,
        plural(rule.sites, "site", "sites"),
        text(&rule.message)
    )?;
    for site in &rule.locations {
        writeln!(
            out,
            "  - {} {}",
            code(&format!("{}:{}", site.path, site.line)),
            code(site.text.trim())
        )?;
    }
    if rule.omitted > 0 {
        writeln!(
            out,
            "  - … and {} more {}",
            rule.omitted,
            plural(rule.omitted, "site", "sites")
        )?;
    }
    Ok(())
}
