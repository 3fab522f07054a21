//! The human report on stdout: per failure the rule, where, locked → now, the sites with
//! line:column and text, the rule's message and docs, and what to do; then one summary line.
//! Emits ANSI styles freely; the CLI's stream strips them when colour is off.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{ReportInput, plural};
use crate::check::{Change, Scope};
use crate::model::{self, RepoPath, RuleId, Site};

/// How many sites a failure lists before "and N more" (all with `-v`).
const SHOWN_SITES: usize = 10;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const NOTE: Style = AnsiColor::Cyan.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Options of the human report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verbosity {
    /// Only failures and the summary.
    pub quiet: bool,
    /// Every site, and scan statistics.
    pub verbose: bool,
}

/// Writes the report of `longtail check`.
pub fn write_check(input: &ReportInput<'_>, how: Verbosity, out: &mut dyn Write) -> io::Result<()> {
    let verdict = input.verdict;
    write_increases(input, how, out)?;
    write_swaps(input, how, out)?;
    for overdue in &verdict.overdue {
        let title = input
            .config
            .migrations
            .iter()
            .find(|m| m.id == overdue.migration);
        writeln!(
            out,
            "{ERROR}error[{}]{ERROR:#}: the deadline {} has passed and {} {} left",
            overdue.migration,
            overdue.deadline,
            overdue.remaining,
            plural(overdue.remaining, "site is", "sites are"),
        )?;
        if let Some(m) = title {
            let docs = m
                .docs
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            writeln!(out, "  = {}{docs}", m.title)?;
        }
        writeln!(
            out,
            "  = migrate the remaining sites, or move the deadline in longtail.toml\n"
        )?;
    }
    for due in &verdict.due_soon {
        let when = match due.days_left {
            0 => "is today".to_owned(),
            1 => "is tomorrow".to_owned(),
            d => format!("is in {d} days"),
        };
        writeln!(
            out,
            "{WARN}warning[{}]{WARN:#}: the deadline {} {when} and {} {} left",
            due.migration,
            due.deadline,
            due.remaining,
            plural(due.remaining, "site is", "sites are"),
        )?;
        writeln!(
            out,
            "  = after it, `longtail check` fails while sites remain\n"
        )?;
    }
    if !how.quiet {
        for (rule, total) in &verdict.new_rules {
            write_new_rule(input, rule, *total, how, out)?;
        }
    }
    write_summary(input, how, out)
}

/// Writes one block per count that rose above the lock (also used by a refused `update`).
pub fn write_increases(
    input: &ReportInput<'_>,
    how: Verbosity,
    out: &mut dyn Write,
) -> io::Result<()> {
    for change in &input.verdict.increases {
        write_increase(input, change, how, out)?;
    }
    Ok(())
}

fn write_increase(
    input: &ReportInput<'_>,
    change: &Change,
    how: Verbosity,
    out: &mut dyn Write,
) -> io::Result<()> {
    let place = match &change.scope {
        Scope::File(path) => format!("{BOLD}{}{BOLD:#}", sanitize(path.as_str())),
        Scope::Unit(unit) => format!("unit {BOLD}{}{BOLD:#}", sanitize(unit)),
        Scope::Repo => "all files".to_owned(),
    };
    let against = if input.verdict.new_sites.is_some() {
        "the merge base"
    } else {
        "the lock"
    };
    writeln!(
        out,
        "{ERROR}error[{}]{ERROR:#}: {place}: {} \u{2192} {} {} (+{} above {against})",
        change.rule,
        change.locked,
        change.now,
        plural(change.now, "site", "sites"),
        change.now - change.locked,
    )?;
    // Without a base commit the new sites cannot be told from the old ones, so list the sites
    // of every file (within the failing scope) whose own count rose.
    let files = input.findings.sites.get(&change.rule);
    let mut shown = Vec::new();
    let mut total = 0u64;
    for (path, found) in files.into_iter().flatten() {
        let in_scope = match &change.scope {
            Scope::File(p) => p == path,
            Scope::Unit(unit) => input.units.unit_of(path) == unit,
            Scope::Repo => true,
        };
        if !in_scope {
            continue;
        }
        if input.verdict.new_sites.is_some() {
            // Against a merge base the new sites are known: list only those.
            let new = found
                .sites
                .iter()
                .enumerate()
                .filter(|(i, _)| input.verdict.is_new_site(&change.rule, path, *i));
            let before = shown.len();
            shown.extend(new.map(|(_, s)| (path, s)));
            total = total.saturating_add((shown.len() - before) as u64);
        } else if found.count > input.locked(&change.rule, path) {
            shown.extend(found.sites.iter().map(|s| (path, s)));
            total = total.saturating_add(found.count);
        }
    }
    write_sites(&shown, total, how, out)?;
    write_rule_help(input, &change.rule, out)?;
    writeln!(
        out,
        "  = help: migrate the new {}; if {} intended, run `longtail update --allow-increase` and commit the lock\n",
        plural(change.now - change.locked, "site", "sites"),
        plural(change.now - change.locked, "it is", "they are"),
    )
}

/// Pull-request mode: new sites in files whose count did not rise (a site removed, another
/// added), which a count alone cannot see.
fn write_swaps(input: &ReportInput<'_>, how: Verbosity, out: &mut dyn Write) -> io::Result<()> {
    let verdict = input.verdict;
    let Some(new_sites) = &verdict.new_sites else {
        return Ok(());
    };
    let (style, level) = if verdict.new_sites_fail {
        (ERROR, "error")
    } else {
        (WARNING, "warning")
    };
    for (rule, files) in new_sites {
        for (path, indices) in files {
            let rose = verdict.increases.iter().any(|c| {
                &c.rule == rule
                    && match &c.scope {
                        Scope::File(p) => p == path,
                        Scope::Unit(unit) => input.units.unit_of(path) == unit,
                        Scope::Repo => true,
                    }
            });
            if rose {
                continue;
            }
            let Some(found) = input.findings.sites_of(rule, path) else {
                continue;
            };
            let n = indices.len() as u64;
            writeln!(
                out,
                "{style}{level}[{rule}]{style:#}: {BOLD}{}{BOLD:#}: {n} new {} although the count held",
                sanitize(path.as_str()),
                plural(n, "site", "sites"),
            )?;
            let shown: Vec<_> = indices
                .iter()
                .filter_map(|&i| found.sites.get(i).map(|s| (path, s)))
                .collect();
            write_sites(&shown, n, how, out)?;
            write_rule_help(input, rule, out)?;
            writeln!(
                out,
                "  = help: the pull request removed {} and added {}; migrate the new {}\n",
                plural(n, "a site", "sites"),
                plural(n, "this one", "these"),
                plural(n, "one", "ones"),
            )?;
        }
    }
    Ok(())
}

fn write_new_rule(
    input: &ReportInput<'_>,
    rule: &RuleId,
    total: u64,
    how: Verbosity,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{NOTE}note[{rule}]{NOTE:#}: new rule, not in the lock yet: {total} {}",
        plural(total, "site", "sites")
    )?;
    if input.lock.is_none() && !how.verbose {
        // With no lock at all every rule is new: one line each is enough until -v.
        return Ok(());
    }
    let files = input.findings.sites.get(rule);
    let shown: Vec<_> = files
        .into_iter()
        .flatten()
        .flat_map(|(path, found)| found.sites.iter().map(move |s| (path, s)))
        .collect();
    write_sites(&shown, total, how, out)?;
    write_rule_help(input, rule, out)?;
    writeln!(out, "  = run `longtail update` to record it in the lock\n")
}

/// Lists sites; `total` may exceed the list when the scan kept only the first of very many.
fn write_sites(
    sites: &[(&RepoPath, &Site)],
    total: u64,
    how: Verbosity,
    out: &mut dyn Write,
) -> io::Result<()> {
    let limit = if how.verbose { usize::MAX } else { SHOWN_SITES };
    for (path, site) in sites.iter().take(limit) {
        writeln!(
            out,
            "  {BOLD}{}:{}:{}{BOLD:#}  {DIM}{}{DIM:#}",
            line_start_path(path.as_str()),
            site.line,
            site.column,
            sanitize(site.line_text.trim()),
        )?;
    }
    let listed = sites.len().min(limit) as u64;
    if total > listed {
        let hint = if sites.len() > limit {
            " (-v shows all)"
        } else {
            ""
        };
        writeln!(out, "  ... and {} more{hint}", total - listed)?;
    }
    Ok(())
}

fn write_rule_help(input: &ReportInput<'_>, rule: &RuleId, out: &mut dyn Write) -> io::Result<()> {
    if let Some((migration, rule)) = input.rule(rule) {
        writeln!(out, "  = {}", sanitize(&rule.message))?;
        if let Some(docs) = rule.docs.as_ref().or(migration.docs.as_ref()) {
            writeln!(out, "  = docs: {}", sanitize(docs))?;
        }
    }
    Ok(())
}

fn write_summary(input: &ReportInput<'_>, how: Verbosity, out: &mut dyn Write) -> io::Result<()> {
    let verdict = input.verdict;
    let total = model::total(input.counts.values().flat_map(|f| f.values()));
    let rules = input.counts.len();
    if !how.quiet {
        if input.lock.is_none() {
            writeln!(
                out,
                "no lock yet at {}: run `longtail update` to create it, then commit it",
                input.config.settings.lock
            )?;
        }
        if !verdict.decreases.is_empty() {
            let fewer = verdict.sites_fewer();
            writeln!(
                out,
                "{} {} went down ({fewer} {} fewer): run `longtail update` and commit the lock to keep the progress",
                verdict.decreases.len(),
                plural(verdict.decreases.len() as u64, "count", "counts"),
                plural(fewer, "site", "sites"),
            )?;
        }
        if !verdict.removed_rules.is_empty() {
            let names: Vec<_> = verdict.removed_rules.iter().map(RuleId::as_str).collect();
            writeln!(
                out,
                "the lock has rules longtail.toml no longer has ({}): run `longtail update` to drop them",
                names.join(", ")
            )?;
        }
    }
    if input.strict && verdict.stale {
        writeln!(
            out,
            "{ERROR}error{ERROR:#}: the lock is stale (--strict): run `longtail update` and commit the lock"
        )?;
    }
    let searched = input.findings.searched.len() as u64;
    let verb = if input.only.is_some() {
        "checked"
    } else {
        "scanned"
    };
    let scanned = format!("{searched} {} {verb}", plural(searched, "file", "files"));
    if how.verbose {
        writeln!(
            out,
            "{} bytes read, {} binary {} skipped",
            input.findings.bytes,
            input.findings.binary.len(),
            plural(input.findings.binary.len() as u64, "file", "files")
        )?;
        for path in &input.findings.binary {
            writeln!(out, "  binary: {}", sanitize(path.as_str()))?;
        }
    }
    let against = if verdict.new_sites.is_some() {
        "the merge base"
    } else {
        "the lock"
    };
    let new_sites = verdict.new_site_count() as u64;
    if verdict.failed(input.strict) {
        let mut reasons = Vec::new();
        if !verdict.increases.is_empty() {
            let n = verdict.increases.len() as u64;
            reasons.push(format!(
                "{n} {} above {against}",
                plural(n, "count", "counts")
            ));
        }
        if verdict.new_sites_fail && new_sites > 0 {
            reasons.push(format!(
                "{new_sites} new {}",
                plural(new_sites, "site", "sites")
            ));
        }
        if !verdict.overdue.is_empty() {
            let n = verdict.overdue.len() as u64;
            reasons.push(format!(
                "{n} {} past the deadline",
                plural(n, "migration", "migrations")
            ));
        }
        if input.strict && verdict.stale {
            reasons.push("stale lock".to_owned());
        }
        writeln!(
            out,
            "{ERROR}longtail: FAILED{ERROR:#}: {} ({scanned})",
            reasons.join(", ")
        )
    } else if !how.quiet {
        let new = if new_sites > 0 {
            format!(
                ", {new_sites} new {} (warning)",
                plural(new_sites, "site", "sites")
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{OK}longtail: ok{OK:#}: {total} {} left in {rules} {}, none above {against}{new} ({scanned})",
            plural(total, "site", "sites"),
            plural(rules as u64, "rule", "rules"),
        )
    } else {
        Ok(())
    }
}

/// Writes the table of `longtail rules`.
pub fn write_rules(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<_> = input
        .config
        .rules()
        .map(|(_, rule)| {
            let files = input.counts.get(&rule.id);
            let now = files.map_or(0, |f| model::total(f.values()));
            let locked = input
                .lock
                .and_then(|l| l.rules.get(&rule.id))
                .map(|f| model::total(f.values()).to_string())
                .unwrap_or_else(|| "-".to_owned());
            let file_count = files.map_or(0, |f| f.len());
            (rule, now, locked, file_count)
        })
        .collect();
    let width = rows
        .iter()
        .map(|(r, ..)| r.id.as_str().chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{BOLD}{:width$}  {:8}  {:>6}  {:>6}  {:>5}  MESSAGE{BOLD:#}",
        "RULE", "SEVERITY", "SITES", "LOCKED", "FILES"
    )?;
    for (rule, now, locked, files) in &rows {
        writeln!(
            out,
            "{:width$}  {:8}  {:>6}  {:>6}  {:>5}  {}",
            rule.id.as_str(),
            rule.severity.as_str(),
            now,
            locked,
            files,
            sanitize(&rule.message),
        )?;
    }
    let total = model::total(rows.iter().map(|(_, n, ..)| n));
    writeln!(
        out,
        "{} {} left in {} {}",
        total,
        plural(total, "site", "sites"),
        rows.len(),
        plural(rows.len() as u64, "rule", "rules")
    )
}

/// A path printed at the start of a line: besides `sanitize`, a leading `::` is escaped, so a
/// file named like a GitHub workflow command (`::error::…`) cannot become one in a CI log.
fn line_start_path(path: &str) -> Cow<'_, str> {
    match sanitize(path) {
        text if text.starts_with("::") => Cow::Owned(format!("\\{text}")),
        text => text,
    }
}

/// Makes text from the repository safe to print on a terminal: control characters and the
/// invisible bidirectional-formatting characters (which can make a line read differently from
/// what it holds) are shown as `\u{..}` escapes; tabs stay.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn sanitize_escapes_controls_and_bidi_only() {
        assert_eq!(sanitize("a\tb/ünï.py"), "a\tb/ünï.py");
        assert_eq!(sanitize("evil\x1b[31m.py"), "evil\\u{1b}[31m.py");
        assert_eq!(sanitize("x\u{202E}yp.exe"), "x\\u{202e}yp.exe");
    }
}
