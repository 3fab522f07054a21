//! The Markdown summary: for a GitHub job summary or to paste into a tracking issue. Per
//! migration a progress bar and a checklist of units ("3 of 5 units done"), sites left against
//! the lock, the deadline countdown, the rules, and what changed in this run. Text from the
//! config and the tree is escaped so it renders as written.

use std::io::{self, Write};

use super::{MigrationSummary, ReportInput, plural, summarize};
use crate::check::Scope;

/// Width of the progress bar, in characters.
const BAR: usize = 20;

/// New sites (pull-request mode) named one per line before the rest are summed up.
const NEW_SITES_LISTED: usize = 50;

/// Writes the summary.
pub fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let verdict = input.verdict;
    let status = if input.failed() {
        "❌ failed"
    } else {
        "✅ passed"
    };
    writeln!(out, "## longtail: {status}\n")?;
    let remaining = crate::model::total(input.counts.values().flat_map(|f| f.values()));
    let rules = input.counts.len();
    write!(
        out,
        "{remaining} {} left in {rules} {}",
        plural(remaining, "site", "sites"),
        plural(rules as u64, "rule", "rules")
    )?;
    if let Some(lock) = input.lock {
        let locked = crate::model::total(lock.rules.values().flat_map(|f| f.values()));
        write!(out, " ({}: {locked})", against(input))?;
    }
    writeln!(out, ".\n")?;
    for summary in summarize(input) {
        write_migration(input, &summary, out)?;
    }
    writeln!(out, "### Changes in this run\n")?;
    let mut any = false;
    for change in &verdict.increases {
        any = true;
        let place = match &change.scope {
            Scope::File(path) => code(path.as_str()),
            Scope::Unit(unit) => format!("unit {}", code(unit)),
            Scope::Repo => "all files".to_owned(),
        };
        writeln!(
            out,
            "- ❌ {} rose in {place}: {} → {}",
            code(change.rule.as_str()),
            change.locked,
            change.now
        )?;
    }
    if let Some(new_sites) = &verdict.new_sites {
        let (mark, note) = if verdict.new_sites_fail {
            ("❌", "")
        } else {
            ("⚠️", " (a warning)")
        };
        let mut listed = 0usize;
        for (rule, files) in new_sites {
            for (path, indices) in files {
                let sites = input
                    .findings
                    .sites
                    .get(rule)
                    .and_then(|f| f.get(path))
                    .map(|f| f.sites.as_slice())
                    .unwrap_or_default();
                for site in indices.iter().filter_map(|&i| sites.get(i)) {
                    any = true;
                    listed += 1;
                    if listed <= NEW_SITES_LISTED {
                        writeln!(
                            out,
                            "- {mark} new site of {} at {}: {}{note}",
                            code(rule.as_str()),
                            code(&format!("{path}:{}", site.line)),
                            code(site.line_text.trim())
                        )?;
                    }
                }
            }
        }
        if listed > NEW_SITES_LISTED {
            writeln!(
                out,
                "- … and {} more new {}",
                listed - NEW_SITES_LISTED,
                plural((listed - NEW_SITES_LISTED) as u64, "site", "sites")
            )?;
        }
    }
    for overdue in &verdict.overdue {
        any = true;
        writeln!(
            out,
            "- ❌ {} is past its deadline {} with {} sites left",
            code(&overdue.migration),
            overdue.deadline,
            overdue.remaining
        )?;
    }
    for due in &verdict.due_soon {
        any = true;
        writeln!(
            out,
            "- ⚠️ {} is due {} (in {} {}) with {} {} left",
            code(&due.migration),
            due.deadline,
            due.days_left,
            plural(due.days_left.unsigned_abs(), "day", "days"),
            due.remaining,
            plural(due.remaining, "site", "sites")
        )?;
    }
    if !verdict.decreases.is_empty() {
        any = true;
        let fewer = verdict.sites_fewer();
        writeln!(
            out,
            "- ✅ {} {} went down ({fewer} {} fewer): run `longtail update` and commit the lock",
            verdict.decreases.len(),
            plural(verdict.decreases.len() as u64, "count", "counts"),
            plural(fewer, "site", "sites"),
        )?;
    }
    for (rule, total) in &verdict.new_rules {
        any = true;
        writeln!(
            out,
            "- 🆕 {} is new: {total} {}, not in the lock yet",
            code(rule.as_str()),
            plural(*total, "site", "sites")
        )?;
    }
    for rule in &verdict.removed_rules {
        any = true;
        writeln!(
            out,
            "- 🗑️ {} is no longer configured: `longtail update` drops it from the lock",
            code(rule.as_str())
        )?;
    }
    if !any {
        writeln!(out, "No count changed.")?;
    }
    Ok(())
}

/// What the counts are compared with: the lock, or in pull-request mode the merge base.
fn against(input: &ReportInput<'_>) -> &'static str {
    if input.verdict.new_sites.is_some() {
        "merge base"
    } else {
        "lock"
    }
}

fn write_migration(
    input: &ReportInput<'_>,
    summary: &MigrationSummary<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let migration = summary.migration;
    writeln!(
        out,
        "### {} ({})\n",
        text(&migration.title),
        code(&migration.id)
    )?;
    let (done, of, what) = if summary.units.is_empty() {
        let done = summary.rules.iter().filter(|r| r.remaining == 0).count();
        (done, summary.rules.len(), "rules")
    } else {
        (summary.units_done(), summary.work_units().count(), "units")
    };
    let mut line = format!(
        "`{}` **{done} of {of} {what} done** · {} {} left",
        bar(done, of),
        summary.remaining,
        plural(summary.remaining, "site", "sites")
    );
    if input.lock.is_some() {
        line.push_str(&format!(" ({}: {})", against(input), summary.locked));
    }
    if let (Some(deadline), Some(days)) = (migration.deadline, summary.days_left) {
        let when = match days {
            0 => "due today".to_owned(),
            1 => "1 day left".to_owned(),
            d if d > 1 => format!("{d} days left"),
            -1 => "passed yesterday".to_owned(),
            d => format!("passed {} days ago", -d),
        };
        line.push_str(&format!(" · deadline {deadline}, {when}"));
    }
    if let Some(owner) = &migration.owner {
        line.push_str(&format!(" · owner {}", text(owner)));
    }
    if summary.remaining == 0 {
        line.push_str(" · **complete**: its rules can now become errors, or be removed");
    }
    writeln!(out, "{line}\n")?;
    for unit in &summary.units {
        let check = if unit.remaining == 0 { "x" } else { " " };
        let mut item = format!("- [{check}] **{}**", text(&unit.name));
        if unit.remaining == 0 {
            item.push_str(": done");
        } else {
            item.push_str(&format!(
                ": {} {} left",
                unit.remaining,
                plural(unit.remaining, "site", "sites")
            ));
        }
        if input.lock.is_some() {
            item.push_str(&format!(" ({}: {})", against(input), unit.locked));
        }
        if unit.rose {
            item.push_str(" ❌ rose above the lock");
        }
        if let Some(owner) = &unit.owner {
            item.push_str(&format!(" · {}", text(owner)));
        }
        writeln!(out, "{item}")?;
    }
    if !summary.units.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "<details><summary>Rules</summary>\n")?;
    let column = match against(input) {
        "lock" => "Lock",
        _ => "Merge base",
    };
    writeln!(out, "| Rule | Sites left | {column} | What to do |")?;
    writeln!(out, "| --- | ---: | ---: | --- |")?;
    for rule in &summary.rules {
        let docs = rule.rule.docs.as_ref().or(migration.docs.as_ref());
        let mut todo = text(&rule.rule.message);
        if let Some(docs) = docs {
            todo.push_str(&format!(" ([docs]({}))", url(docs)));
        }
        let locked = rule
            .locked
            .map_or_else(|| "new".to_owned(), |l| l.to_string());
        writeln!(
            out,
            "| {} | {} | {locked} | {todo} |",
            code(rule.rule.id.as_str()),
            rule.remaining
        )?;
    }
    writeln!(out, "\n</details>\n")
}

fn bar(done: usize, of: usize) -> String {
    let filled = (done * BAR).checked_div(of).unwrap_or(BAR).min(BAR);
    "█".repeat(filled) + &"░".repeat(BAR - filled)
}

/// Escapes text so Markdown shows it as written (also inside table cells).
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds any text, backticks included, on one line.
pub fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("`{text}`")
    }
}

/// A Markdown link with escaped text; `target` is a validated http(s) URL.
pub fn link(label: &str, target: &str) -> String {
    format!("[{}]({})", text(label), url(target))
}

/// A link target inside `[text](…)`: config validation already admits only URI characters;
/// parentheses and the few that matter to Markdown are encoded too.
fn url(link: &str) -> String {
    let mut out = String::with_capacity(link.len());
    for c in link.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '|' => out.push_str("%7C"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '`' => out.push_str("%60"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_fences_backticks() {
        assert_eq!(text("a *b* <c>|d"), "a \\*b\\* \\<c\\>\\|d");
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("has `tick`"), "`` has `tick` ``");
        assert_eq!(bar(1, 4), "█████░░░░░░░░░░░░░░░");
    }
}
