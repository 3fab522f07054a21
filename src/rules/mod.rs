//! Compiling rules: each pattern into a matcher built exactly as `rg` builds its own (so `^`,
//! `$`, `\s` and binary handling count the same), each glob list into an `rg -g` style override,
//! with a diagnostic on the pattern's or glob's span when either is invalid. Patterns are
//! checked up front (`validate`); the matcher itself is built when a file first needs it.
//! Knows nothing of walking, counting or locks.

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use ignore::overrides::{Override, OverrideBuilder};

mod prefilter;
mod validate;

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
    pub matcher: LazyMatcher,
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
    for (_, rule) in config.rules() {
        let pattern = rule.pattern.get_ref();
        let problem = if pattern.is_empty() {
            None // already reported by config validation
        } else {
            validate::check(rule).err()
        };
        let valid = !pattern.is_empty() && problem.is_none();
        problems.extend(problem.map(|message| regex_problem(rule, &config.source, &message)));
        let globs = build_globs(&config.root, &rule.paths, &rule.exclude, &mut problems);
        if valid {
            rules.push(CompiledRule {
                id: rule.id.clone(),
                matcher: LazyMatcher::new(matcher_builder(rule), pattern),
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

/// A rule's matcher, built on first use. Building one takes about half a millisecond (grep-regex
/// builds full DFAs), which for 60 rules was most of a pre-commit run over a few files, where
/// the prefilter rules most of them out. `validate` has refused every pattern the build would
/// refuse, so building cannot fail in practice; if it does, the search reports an I/O error
/// for the file (exit 2), never a panic.
#[derive(Debug, Clone)]
pub struct LazyMatcher {
    builder: RegexMatcherBuilder,
    pattern: String,
    built: OnceLock<Result<RegexMatcher, String>>,
}

impl LazyMatcher {
    fn new(builder: RegexMatcherBuilder, pattern: &str) -> Self {
        Self {
            builder,
            pattern: pattern.to_owned(),
            built: OnceLock::new(),
        }
    }

    /// The matcher, built by the first caller (others wait for it).
    pub fn get(&self) -> io::Result<&RegexMatcher> {
        let built = self.built.get_or_init(|| {
            self.builder
                .build_many(&[&self.pattern])
                .map_err(|err| err.to_string())
        });
        built
            .as_ref()
            .map_err(|err| io::Error::other(format!("the pattern `{}`: {err}", self.pattern)))
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
