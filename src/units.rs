//! Units of work: which unit a file belongs to. A file belongs to the first unit, in config
//! order, whose gitignore-style globs match the file or a directory above it; otherwise to
//! `(other)`. Knows nothing of scanning or counting.

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::config::{Config, OTHER_UNIT};
use crate::diag::Problem;
use crate::model::RepoPath;

/// Compiled unit globs, in config order.
#[derive(Debug, Clone, Default)]
pub struct Units {
    units: Vec<(String, Gitignore)>,
}

impl Units {
    /// Compiles every unit's globs, reporting invalid ones on their spans.
    pub fn compile(config: &Config) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut units = Vec::new();
        for unit in &config.units {
            let mut builder = GitignoreBuilder::new(&config.root);
            // As for `rg -g`: an unclosed `[` is a mistake, not a literal bracket.
            builder.allow_unclosed_class(false);
            for glob in &unit.paths {
                if let Err(err) = builder.add_line(None, glob.get_ref()) {
                    problems.push(
                        Problem::new(
                            "longtail::config::bad-glob",
                            format!("invalid glob `{}` in unit `{}`", glob.get_ref(), unit.name),
                            Some(glob.span()),
                            "invalid glob",
                        )
                        .with_help(format!("unit paths use gitignore syntax: {err}")),
                    );
                }
            }
            match builder.build() {
                Ok(matcher) => units.push((unit.name.clone(), matcher)),
                Err(err) => problems.push(Problem::new(
                    "longtail::config::bad-glob",
                    format!("invalid globs in unit `{}`: {err}", unit.name),
                    unit.paths.first().map(|g| g.span()),
                    "in this list",
                )),
            }
        }
        if problems.is_empty() {
            Ok(Self { units })
        } else {
            Err(problems)
        }
    }

    /// The unit `path` belongs to: the first whose globs match it or a parent directory.
    pub fn unit_of(&self, path: &RepoPath) -> &str {
        self.units
            .iter()
            .find(|(_, globs)| {
                globs
                    .matched_path_or_any_parents(path.as_str(), false)
                    .is_ignore()
            })
            .map_or(OTHER_UNIT, |(name, _)| name.as_str())
    }

    /// Whether any unit is configured.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}
