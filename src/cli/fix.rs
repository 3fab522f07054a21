//! `longtail fix`: one scan, then each file with sites of a fixable rule rewritten in memory,
//! verified by scanning the result, and written atomically (or shown as a diff). Nothing is
//! written when any file's fix is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;

use miette::Diagnostic;

use super::Outcome;
use super::args::FixArgs;
use super::session::{Project, Session};
use crate::config::Rule;
use crate::diag::Problem;
use crate::fix::{self, Fixed, Refusal};
use crate::model::{RepoPath, total};
use crate::report::plural;
use crate::scan::FileSearcher;

#[derive(Debug, thiserror::Error, Diagnostic)]
enum FixError {
    #[error("no selected rule has a `replace`: {0}")]
    #[diagnostic(
        code("longtail::fix::no-replace"),
        help(
            "`longtail fix` applies only rules with `replace`; `longtail plan` lists what is left for a person"
        )
    )]
    NoReplace(String),
    #[error("could not write {path}: {error} ({done} of {of} files were already fixed)")]
    #[diagnostic(code(longtail::fix::write))]
    Write {
        path: String,
        error: std::io::Error,
        done: usize,
        of: usize,
    },
}

/// Runs `fix`.
pub(super) fn run(session: &Session, args: &FixArgs) -> miette::Result<Outcome> {
    let project = session.load()?;
    let rules: Vec<&Rule> = project.config.rules().map(|(_, r)| r).collect();
    let named = super::select::rules(&project, &args.rules)?;
    let selected: Vec<usize> = named
        .iter()
        .copied()
        .filter(|&i| rules.get(i).is_some_and(|r| r.replace.is_some()))
        .collect();
    if selected.is_empty() && !args.rules.is_empty() {
        return Err(FixError::NoReplace(args.rules.join(", ")).into());
    }
    refuse_self_matching(&project, &selected)?;
    let units = super::select::units(&project, &args.units)?;
    let only = if args.files.is_empty() {
        None
    } else {
        session.repo_paths(&project, &args.files)?
    };
    let findings = session.scan(&project, only.map(|o| o.into_iter().collect()));
    let mut outcome = Outcome::Success;
    if findings.incomplete() {
        outcome = Outcome::Error;
    }
    let files: BTreeSet<&RepoPath> = selected
        .iter()
        .filter_map(|&i| rules.get(i).and_then(|r| findings.sites.get(&r.id)))
        .flat_map(|files| files.iter())
        .filter(|(path, sites)| {
            sites.count > 0 && (units.is_empty() || units.contains(project.units.unit_of(path)))
        })
        .map(|(path, _)| path)
        .collect();

    let root = &project.config.root;
    let mut searcher = FileSearcher::new();
    let mut fixed: Vec<(&RepoPath, Fixed)> = Vec::new();
    let mut refused = Vec::new();
    let mut err = anstream::stderr().lock();
    for path in files {
        let full = root.join(path.as_str());
        let shown = crate::report::human::sanitize(path.as_str());
        // A link may point anywhere; rewriting through it (or replacing it) is not ours to do.
        if full
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            let _ = writeln!(err, "warning: {shown}: not fixed: a symbolic link");
            continue;
        }
        let bytes = match std::fs::read(&full) {
            Ok(bytes) => bytes,
            Err(error) => {
                let _ = writeln!(err, "warning: {shown}: not fixed: {error}");
                outcome = Outcome::Error;
                continue;
            }
        };
        match fix::fix(&mut searcher, &project.rules, &selected, path, &bytes) {
            Ok(Some(result)) => fixed.push((path, result)),
            Ok(None) => {}
            Err(Refusal::Undecodable) => {
                let _ = writeln!(
                    err,
                    "warning: {shown}: not fixed: malformed UTF-16 would not survive a rewrite"
                );
            }
            Err(Refusal::Unsearchable(error)) => {
                let _ = writeln!(err, "warning: {shown}: not fixed: {error}");
                outcome = Outcome::Error;
            }
            Err(Refusal::NotRemoved {
                rule,
                before,
                replaced,
                after,
            }) => refused.push((path, rule, before, replaced, after)),
        }
    }
    drop(err);
    if !refused.is_empty() {
        return Err(refusals(&project, &rules, &refused).into());
    }

    if args.dry_run {
        let mut out = Vec::new();
        for (path, result) in &fixed {
            diff(path, result, &mut out);
            if result.decoded && !session.quiet {
                let _ = writeln!(
                    anstream::stderr().lock(),
                    "note: {} is UTF-16: its diff shows the text decoded, which `git apply` \
                     cannot apply; `longtail fix` rewrites it in UTF-16",
                    crate::report::human::sanitize(path.as_str())
                );
            }
        }
        super::emit(&out)?;
    } else {
        for (done, (path, result)) in fixed.iter().enumerate() {
            let full = root.join(path.as_str());
            if let Err(error) = crate::atomic::write(&full, &result.bytes) {
                let summary = summary(
                    &project,
                    &rules,
                    fixed.get(..done).unwrap_or_default(),
                    false,
                );
                super::emit_after_write(summary.as_bytes());
                return Err(FixError::Write {
                    path: session.shown(&full),
                    error,
                    done,
                    of: fixed.len(),
                }
                .into());
            }
        }
    }
    if !session.quiet {
        let mut text = summary(&project, &rules, &fixed, args.dry_run);
        let replaced: u64 = fixed
            .iter()
            .flat_map(|(_, f)| f.removed.iter().map(|(_, n)| *n))
            .sum();
        // What is left of what was asked for: the named rules (all when none), in the named
        // units and files (the scan already covers only the named files).
        let in_scope =
            |path: &RepoPath| units.is_empty() || units.contains(project.units.unit_of(path));
        let asked = named
            .iter()
            .filter_map(|&i| rules.get(i).and_then(|r| findings.sites.get(&r.id)))
            .flat_map(|files| files.iter())
            .filter(|(path, _)| in_scope(path))
            .map(|(_, sites)| &sites.count);
        let left = total(asked).saturating_sub(replaced);
        if left > 0 {
            let _ = writeln!(
                text,
                "{left} {} left for a person or a codemod: `longtail plan` lists {}",
                plural(left, "site", "sites"),
                plural(left, "it", "them")
            );
        }
        if !fixed.is_empty() && !args.dry_run {
            text.push_str(
                "next: run `longtail update` to tighten longtail.lock, and commit both\n",
            );
        }
        let _ = anstream::stderr().lock().write_all(text.as_bytes());
    }
    Ok(outcome)
}

/// A replacement that the rule's own pattern matches again can never remove a site; said before
/// any file is read, pointing at the `replace` value.
fn refuse_self_matching(project: &Project, selected: &[usize]) -> miette::Result<()> {
    use grep_matcher::Matcher;
    let mut problems = Vec::new();
    for &index in selected {
        let (Some(rule), Some(compiled)) = (
            project.config.rules().nth(index).map(|(_, r)| r),
            project.rules.rules.get(index),
        ) else {
            continue;
        };
        let Some(replace) = &rule.replace else {
            continue;
        };
        // With capture groups the result depends on the site; `fix` checks those per file.
        if replace.contains('$') {
            continue;
        }
        let matches = compiled
            .matcher
            .get()
            .is_ok_and(|m| m.is_match(replace.as_bytes()).unwrap_or(false));
        if matches {
            problems.push(
                Problem::new(
                    "longtail::fix::replace-matches",
                    format!("the replacement of `{}` matches its own pattern", rule.id),
                    rule.replace_span.clone(),
                    "this text would be counted again",
                )
                .with_help("a fix must remove the site: change `replace` so the pattern no longer matches it, or remove `replace`"),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(project.config.problems(problems).into())
    }
}

/// Refused files as one diagnostic, pointing at the rule whose count would not drop.
fn refusals(
    project: &Project,
    rules: &[&Rule],
    refused: &[(&RepoPath, usize, u64, u64, u64)],
) -> crate::diag::FileProblems {
    let problems = refused
        .iter()
        .filter_map(|&(path, index, before, replaced, after)| {
            let rule = rules.get(index)?;
            let path = crate::report::human::sanitize(path.as_str());
            let (span, label) = match &rule.replace_span {
                Some(span) => (span.clone(), "this replacement"),
                None => (rule.pattern.span(), "this pattern"),
            };
            let expected = before.saturating_sub(replaced);
            Some(
                Problem::new(
                    "longtail::fix::not-removed",
                    format!(
                        "fixing {path} would leave {after} {} of `{}` where {expected} {} expected",
                        plural(after, "site", "sites"),
                        rule.id,
                        plural(expected, "is", "are")
                    ),
                    Some(span),
                    label,
                )
                .with_help(format!(
                    "{before} {} before, {replaced} replaced: a replacement must not create sites of its own or another rule's pattern; nothing was written",
                    plural(before, "site", "sites")
                )),
            )
        })
        .collect();
    project.config.problems(problems)
}

/// What changed, per rule and unit: the sites gone, as the ratchet will count them (a rule
/// without `replace` may lose sites to another rule's replacement of the same text).
fn summary(project: &Project, rules: &[&Rule], fixed: &[(&RepoPath, Fixed)], dry: bool) -> String {
    let mut per_rule: BTreeMap<usize, BTreeMap<&str, u64>> = BTreeMap::new();
    for (path, result) in fixed {
        let unit = project.units.unit_of(path);
        for &(rule, n) in &result.removed {
            *per_rule.entry(rule).or_default().entry(unit).or_default() += n;
        }
    }
    let sites: u64 = per_rule.values().flat_map(|u| u.values()).sum();
    let mut text = String::new();
    if fixed.is_empty() {
        text.push_str("nothing to fix: no site of a rule with `replace`\n");
        return text;
    }
    let _ = writeln!(
        text,
        "{} {sites} {} in {} {}{}",
        if dry { "would fix" } else { "fixed" },
        plural(sites, "site", "sites"),
        fixed.len(),
        plural(fixed.len() as u64, "file", "files"),
        if dry {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    let width = per_rule
        .keys()
        .filter_map(|&i| rules.get(i))
        .map(|r| r.id.as_str().len())
        .max()
        .unwrap_or(0);
    for (index, units) in &per_rule {
        let Some(rule) = rules.get(*index) else {
            continue;
        };
        let n: u64 = units.values().sum();
        let by_unit: Vec<String> = units.iter().map(|(u, n)| format!("{u} {n}")).collect();
        let via = if rule.replace.is_none() {
            " (by another rule's replacement)"
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "  {:<width$}  {n:>5}  {}{via}",
            rule.id.as_str(),
            by_unit.join(", ")
        );
    }
    text
}

/// A unified diff of one file, `a/` and `b/` prefixed as `git apply` expects, coloured. Lines
/// are written as bytes, so a hunk of a Latin-1 file applies to it.
fn diff(path: &RepoPath, fixed: &Fixed, out: &mut Vec<u8>) {
    // Decided here rather than stripped later: stripping escapes from bytes that are not UTF-8
    // is not reliable.
    let color = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let paint = |style: anstyle::Style| if color { style } else { anstyle::Style::new() };
    let (red, green, cyan, bold) = (
        paint(anstyle::AnsiColor::Red.on_default()),
        paint(anstyle::AnsiColor::Green.on_default()),
        paint(anstyle::AnsiColor::Cyan.on_default()),
        paint(anstyle::Style::new().bold()),
    );
    let _ = writeln!(out, "{bold}diff --git a/{path} b/{path}{bold:#}");
    let _ = writeln!(out, "{bold}--- a/{path}{bold:#}");
    let _ = writeln!(out, "{bold}+++ b/{path}{bold:#}");
    let diff = similar::TextDiff::from_lines(&fixed.before[..], &fixed.after[..]);
    let mut unified = diff.unified_diff();
    for hunk in unified.context_radius(3).iter_hunks() {
        let _ = writeln!(out, "{cyan}{}{cyan:#}", hunk.header());
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                similar::ChangeTag::Delete => ('-', red),
                similar::ChangeTag::Insert => ('+', green),
                similar::ChangeTag::Equal => (' ', anstyle::Style::new()),
            };
            let line = change.value();
            let body = line.strip_suffix(b"\n").unwrap_or(line);
            let _ = write!(out, "{style}{sign}");
            out.extend_from_slice(body);
            let _ = writeln!(out, "{style:#}");
            if change.missing_newline() {
                out.extend_from_slice(b"\\ No newline at end of file\n");
            }
        }
    }
}
