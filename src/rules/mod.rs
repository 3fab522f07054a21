//! Compiling rules: each pattern into a matcher built exactly as `rg` builds its own (so `^`,
//! `$`, `\s` and binary handling count the same), each glob list into an `rg -g` style override,
//! with a diagnostic on the pattern's or glob's span when either is invalid.
//! Knows nothing of walking, counting or locks.

use std::ops::Range;
use std::path::Path;

use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use ignore::overrides::{Override, OverrideBuilder};

mod prefilter;

pub use prefilter::Prefilter;

use crate::config::{Config, Rule, SpannedGlob};
use crate::diag::Problem;
use crate::model::{RepoPath, RuleId};

/// One rule, ready to search with.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// The rule's id.
    pub id: RuleId,
    /// The pattern, compiled with `rg`'s matcher settings and the rule's flags.
    pub matcher: RegexMatcher,
    /// Whether the searcher must run in multi-line mode (`rg -U`).
    pub multi_line: bool,
    /// The rule's `paths`/`exclude` as `rg -g GLOB -g '!GLOB'`; empty when it has neither.
    pub globs: Override,
    /// The rule's `replace`, expanded at every site.
    pub replace: Option<String>,
}

impl CompiledRule {
    /// Whether `rg` with this rule's globs would search `path` (given that the walk reached it):
    /// no ancestor directory and not the file itself may be ignored by the globs. Directories are
    /// checked too because `rg` prunes a directory an exclude glob matches.
    pub fn admits(&self, path: &RepoPath) -> bool {
        if self.globs.is_empty() {
            return true;
        }
        let text = path.as_str();
        let dirs = text
            .match_indices('/')
            .map(|(i, _)| text.get(..i).unwrap_or(text));
        for dir in dirs {
            if self.globs.matched(dir, true).is_ignore() {
                return false;
            }
        }
        !self.globs.matched(text, false).is_ignore()
    }
}

/// Every rule of a config, compiled, plus the walk-wide globs of `[settings]`.
#[derive(Debug, Clone)]
pub struct CompiledRules {
    /// Rules in config order.
    pub rules: Vec<CompiledRule>,
    /// Which rules can match a file, from one pass over its bytes; `None` when no rule has a
    /// literal to filter on.
    pub prefilter: Option<Prefilter>,
    /// `[settings] include`/`exclude`, matched as `rg -g` matches, applied as a filter on the walk.
    pub walk_globs: Override,
}

/// Compiles every rule and glob of `config`, reporting every invalid one at once.
pub fn compile(config: &Config) -> Result<CompiledRules, Vec<Problem>> {
    let mut problems = Vec::new();
    let walk_globs = build_globs(
        &config.root,
        &config.settings.include,
        &config.settings.exclude,
        &mut problems,
    );
    let mut rules = Vec::new();
    let sources: Vec<&Rule> = config.rules().map(|(_, rule)| rule).collect();
    let built = build_matchers(&sources, &config.source);
    for (rule, (matcher, problem)) in sources.into_iter().zip(built) {
        problems.extend(problem);
        let globs = build_globs(&config.root, &rule.paths, &rule.exclude, &mut problems);
        if let Some(matcher) = matcher {
            rules.push(CompiledRule {
                id: rule.id.clone(),
                matcher,
                multi_line: rule.multiline,
                globs,
                replace: rule.replace.clone(),
            });
        }
    }
    if problems.is_empty() {
        let prefilter = Prefilter::new(config.rules().map(|(_, r)| r));
        Ok(CompiledRules {
            rules,
            prefilter,
            walk_globs,
        })
    } else {
        Err(problems)
    }
}

/// Builds the matcher the way ripgrep's `matcher_rust` does for a directory search: multi-line
/// regex semantics, no octal escapes, `\n` as line terminator unless `-U`, and NUL banned from
/// matches because binary detection is on.
pub fn matcher_builder(rule: &Rule) -> RegexMatcherBuilder {
    let mut builder = RegexMatcherBuilder::new();
    builder
        .multi_line(true)
        .unicode(true)
        .octal(false)
        .fixed_strings(rule.literal)
        .case_insensitive(rule.ignore_case)
        .word(rule.word)
        .ban_byte(Some(b'\x00'));
    if rule.multiline {
        builder.dot_matches_new_line(false);
    } else {
        builder
            .line_terminator(Some(b'\n'))
            .dot_matches_new_line(false);
    }
    builder
}

/// Builds every rule's matcher, on a few threads: building a regex's automata takes about half
/// a millisecond, which for dozens of rules is most of a pre-commit run's time.
fn build_matchers(rules: &[&Rule], source: &str) -> Vec<(Option<RegexMatcher>, Option<Problem>)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let per_thread = rules.len().div_ceil(threads).max(8);
    std::thread::scope(|scope| {
        let workers: Vec<_> = rules
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|rule| build_matcher(rule, source))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                // A panic in the regex builder is a bug there; surface it as one.
                worker
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    })
}

fn build_matcher(rule: &Rule, source: &str) -> (Option<RegexMatcher>, Option<Problem>) {
    let pattern = rule.pattern.get_ref();
    if pattern.is_empty() {
        return (None, None); // already reported by config validation
    }
    match matcher_builder(rule).build_many(&[pattern]) {
        Ok(matcher) => (Some(matcher), None),
        Err(err) => (None, Some(regex_problem(rule, source, &err.to_string()))),
    }
}

/// Points at the offending part of the pattern when the regex parser can say where it is and the
/// pattern is written as a TOML literal string (so offsets map one to one); otherwise at the whole
/// pattern. The engine's own message goes into the help.
fn regex_problem(rule: &Rule, source: &str, engine_message: &str) -> Problem {
    let pattern = rule.pattern.get_ref();
    let whole = rule.pattern.span();
    let mut span = whole.clone();
    let mut label = "invalid regex".to_owned();
    if !rule.literal {
        let ast = regex_syntax::ast::parse::ParserBuilder::new()
            .octal(false)
            .build()
            .parse(pattern);
        if let Err(err) = ast {
            label = err.kind().to_string();
            if let Some(inner) = literal_offset(source, &whole, pattern) {
                let at = err.span();
                let start = inner + at.start.offset;
                let end = (inner + at.end.offset).max(start + 1).min(whole.end - 1);
                span = start..end.max(start);
            }
        }
    }
    Problem::new(
        "longtail::config::invalid-regex",
        format!("invalid pattern in rule `{}`", rule.id),
        Some(span),
        label,
    )
    .with_help(format!(
        "patterns use ripgrep's regex syntax (https://docs.rs/regex/latest/regex/#syntax); set literal = true to match the text as written\n{}",
        engine_message.trim_end()
    ))
}

/// Offset of the pattern's first character when it is written as a single-line literal string.
fn literal_offset(source: &str, span: &Range<usize>, pattern: &str) -> Option<usize> {
    let written = source.get(span.clone())?;
    let body = written.strip_prefix('\'')?.strip_suffix('\'')?;
    (body == pattern && !written.starts_with("'''")).then_some(span.start + 1)
}

fn build_globs(
    root: &Path,
    include: &[SpannedGlob],
    exclude: &[SpannedGlob],
    problems: &mut Vec<Problem>,
) -> Override {
    if include.is_empty() && exclude.is_empty() {
        return Override::empty();
    }
    let mut builder = OverrideBuilder::new(root);
    // Include globs first, excludes after: as with `rg -g`, the last matching glob wins, so an
    // exclude always beats an include.
    let globs = include
        .iter()
        .map(|g| (g, g.get_ref().clone()))
        .chain(exclude.iter().map(|g| (g, format!("!{}", g.get_ref()))));
    for (spanned, glob) in globs {
        if spanned.get_ref().trim().is_empty() {
            continue; // reported by config validation
        }
        if let Err(err) = builder.add(&glob) {
            problems.push(
                Problem::new(
                    "longtail::config::bad-glob",
                    format!("invalid glob `{}`", spanned.get_ref()),
                    Some(spanned.span()),
                    "invalid glob",
                )
                .with_help(format!("globs use gitignore syntax, as `rg --glob`: {err}")),
            );
        }
    }
    match builder.build() {
        Ok(globs) => globs,
        Err(err) => {
            if let Some(first) = include.first().or(exclude.first()) {
                problems.push(Problem::new(
                    "longtail::config::bad-glob",
                    format!("invalid globs: {err}"),
                    Some(first.span()),
                    "in this list",
                ));
            }
            Override::empty()
        }
    }
}
