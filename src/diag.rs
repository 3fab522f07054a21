//! Diagnostics that point into a file longtail read (longtail.toml, longtail.lock): one
//! `Problem` per mistake, gathered into a `FileProblems` so a user with three typos sees all
//! three in one run. Knows nothing about what the files mean; `config` and `lock` fill it in.

use std::fmt;
use std::ops::Range;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// One mistake at one place in a file.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Stable code, e.g. `longtail::config::invalid-regex`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, as a byte range into the file; `None` when the file as a whole is at fault.
    pub span: Option<Range<usize>>,
    /// The text under the caret.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at `span` with a label and no help yet.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Option<Range<usize>>,
        label: impl Into<String>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    /// Adds a hint on how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn labeled_span(&self) -> Option<LabeledSpan> {
        self.span
            .as_ref()
            .map(|span| LabeledSpan::new_with_span(Some(self.label.clone()), span.start..span.end))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.labeled_span()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// Every problem found in one file, rendered against that file's text.
#[derive(Debug)]
pub struct FileProblems {
    source: NamedSource<String>,
    problems: Vec<Problem>,
}

impl FileProblems {
    /// Wraps the problems of the file `name` whose text is `text`.
    pub fn new(name: &str, text: &str, problems: Vec<Problem>) -> Self {
        Self {
            source: NamedSource::new(name, text.to_owned()).with_language("TOML"),
            problems,
        }
    }

    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    fn single(&self) -> Option<&Problem> {
        match self.problems.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// How many problems are rendered; a generated config with thousands of mistakes gets the
/// first ones and a count, not megabytes of output.
const SHOWN: usize = 20;

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        let name = self.source.name();
        match self.single() {
            Some(one) => write!(f, "{one}"),
            None if count > SHOWN => {
                write!(
                    f,
                    "{count} problems in {name} (the first {SHOWN} are shown)"
                )
            }
            None => write!(f, "{count} problems in {name}"),
        }
    }
}

impl std::error::Error for FileProblems {}

impl Diagnostic for FileProblems {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.single().and_then(|p| p.code())
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.single().and_then(|p| p.help())
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.single().and_then(|p| p.labels())
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.single().is_some() {
            return None;
        }
        Some(Box::new(
            self.problems
                .iter()
                .take(SHOWN)
                .map(|p| p as &dyn Diagnostic),
        ))
    }
}

/// Turns a TOML parser/deserializer error into a problem, telling unknown keys and wrong types
/// apart from syntax errors because they need different fixes.
pub fn from_toml_error(err: &toml::de::Error, area: Area) -> Problem {
    let message = err.message().trim_end().to_owned();
    let (code, label, help) = if message.starts_with("unknown field") {
        (
            area.code_unknown_key(),
            "unknown key",
            Some(
                "check the spelling: unknown keys are errors so that a typo cannot silently disable a rule",
            ),
        )
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        (area.code_wrong_type(), "wrong type", None)
    } else if message.starts_with("missing field") {
        (area.code_missing_key(), "in this table", None)
    } else if message.starts_with("unknown variant") {
        (
            area.code_wrong_type(),
            "not one of the allowed values",
            None,
        )
    } else {
        (
            area.code_syntax(),
            "here",
            Some("the file is not valid TOML"),
        )
    };
    let mut problem = Problem::new(code, message, err.span(), label);
    problem.help = help.map(str::to_owned);
    problem
}

/// Which file a TOML error came from, for its code.
#[derive(Clone, Copy, Debug)]
pub enum Area {
    /// longtail.toml
    Config,
    /// longtail.lock
    Lock,
}

impl Area {
    fn code_unknown_key(self) -> &'static str {
        match self {
            Area::Config => "longtail::config::unknown-key",
            Area::Lock => "longtail::lock::unknown-key",
        }
    }
    fn code_wrong_type(self) -> &'static str {
        match self {
            Area::Config => "longtail::config::wrong-type",
            Area::Lock => "longtail::lock::wrong-type",
        }
    }
    fn code_missing_key(self) -> &'static str {
        match self {
            Area::Config => "longtail::config::missing-key",
            Area::Lock => "longtail::lock::missing-key",
        }
    }
    fn code_syntax(self) -> &'static str {
        match self {
            Area::Config => "longtail::config::syntax",
            Area::Lock => "longtail::lock::syntax",
        }
    }
}
