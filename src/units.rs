//! Units of work: which unit a file belongs to. A file belongs to the first unit, in config
//! order, whose gitignore-style globs match the file or a directory above it (a generated unit
//! `services/*` matches through the directory it names); then to its owner in CODEOWNERS when
//! `units = "codeowners"`; otherwise to `(other)`. Knows nothing of scanning or counting.

use std::collections::BTreeSet;
use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::config::{Config, OTHER_UNIT};
use crate::diag::Problem;
use crate::model::RepoPath;

/// Where GitHub looks for CODEOWNERS, in its order: the first that exists is used.
pub const CODEOWNERS_PATHS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// Compiled units, in config order.
#[derive(Debug, Clone, Default)]
pub struct Units {
    entries: Vec<Entry>,
    codeowners: Option<Codeowners>,
}

/// A file name standing for "a file directly inside this directory" when asking which unit a
/// directory's files belong to.
const PROBE: &str = "longtail-unit-probe";

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    owner: Option<String>,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// `paths = [...]`
    Paths(Gitignore),
    /// `[units."dir/*"]`: the glob over directory paths, how many components they have, and
    /// the matching directories found in the tree (for listing units that have no site).
    Directories {
        glob: GlobMatcher,
        depth: usize,
        found: BTreeSet<String>,
    },
}

impl Units {
    /// Compiles every unit's globs, reporting invalid ones on their spans.
    pub fn compile(config: &Config) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for unit in &config.units {
            let kind = if unit.per_directory {
                let glob = GlobBuilder::new(&unit.name).literal_separator(true).build();
                match glob {
                    Ok(glob) => Kind::Directories {
                        glob: glob.compile_matcher(),
                        depth: unit.name.split('/').count().saturating_sub(1),
                        found: BTreeSet::new(),
                    },
                    Err(err) => {
                        problems.push(
                            Problem::new(
                                "longtail::config::bad-glob",
                                format!("invalid generated unit `{}`", unit.name),
                                Some(unit.span.clone()),
                                "invalid glob",
                            )
                            .with_help(err.to_string()),
                        );
                        continue;
                    }
                }
            } else {
                match paths_matcher(config, unit, &mut problems) {
                    Some(matcher) => Kind::Paths(matcher),
                    None => continue,
                }
            };
            entries.push(Entry {
                name: unit.name.clone(),
                owner: unit.owner.clone(),
                kind,
            });
        }
        if problems.is_empty() {
            Ok(Self {
                entries,
                codeowners: None,
            })
        } else {
            Err(problems)
        }
    }

    /// Adds the units of a CODEOWNERS file, after the configured ones.
    pub fn set_codeowners(&mut self, codeowners: Codeowners) {
        self.codeowners = Some(codeowners);
    }

    /// Records the directories of the tree (repo-relative, `/`-separated), so generated units
    /// that hold no site are still listed (as done).
    /// A directory an earlier unit already claims (its files go there, as `unit_of` decides
    /// by the first match) is not listed: it would show as a unit that is always done.
    pub fn discover<'a>(&mut self, directories: impl IntoIterator<Item = &'a str>) {
        let directories: Vec<&str> = directories.into_iter().collect();
        let mut add = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            if let Kind::Directories { glob, depth, .. } = &entry.kind {
                for dir in &directories {
                    if dir.split('/').count() == *depth + 1 && glob.is_match(dir) {
                        // Where a file directly inside it goes.
                        let probe = RepoPath::new(format!("{dir}/{PROBE}"));
                        if self.unit_of(&probe) == *dir {
                            add.push((index, (*dir).to_owned()));
                        }
                    }
                }
            }
        }
        for (index, dir) in add {
            if let Some(Entry {
                kind: Kind::Directories { found, .. },
                ..
            }) = self.entries.get_mut(index)
            {
                found.insert(dir);
            }
        }
    }

    /// The deepest directory level a generated unit looks at (0 when there is none), so
    /// discovery knows how far down to list directories.
    pub fn discovery_depth(&self) -> usize {
        self.entries
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::Directories { depth, .. } => Some(*depth + 1),
                Kind::Paths(_) => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// The unit `path` belongs to: the first whose globs match it or a parent directory, then
    /// its CODEOWNERS owner, else `(other)`.
    pub fn unit_of<'a>(&'a self, path: &'a RepoPath) -> &'a str {
        for entry in &self.entries {
            match &entry.kind {
                Kind::Paths(globs) => {
                    if globs
                        .matched_path_or_any_parents(path.as_str(), false)
                        .is_ignore()
                    {
                        return &entry.name;
                    }
                }
                Kind::Directories { glob, depth, .. } => {
                    if let Some(dir) = directory_at(path.as_str(), *depth)
                        && glob.is_match(dir)
                    {
                        return dir;
                    }
                }
            }
        }
        self.codeowners
            .as_ref()
            .and_then(|c| c.owner_of(path.as_str()))
            .unwrap_or(OTHER_UNIT)
    }

    /// The units known without looking at counts, in order, with their owners: configured
    /// units, the directories found for generated ones, the owners in CODEOWNERS.
    pub fn listed(&self) -> Vec<(String, Option<String>)> {
        let mut listed = Vec::new();
        for entry in &self.entries {
            match &entry.kind {
                Kind::Paths(_) => listed.push((entry.name.clone(), entry.owner.clone())),
                Kind::Directories { found, .. } => {
                    listed.extend(found.iter().map(|d| (d.clone(), entry.owner.clone())));
                }
            }
        }
        if let Some(codeowners) = &self.codeowners {
            for owner in &codeowners.owners {
                if !listed.iter().any(|(name, _)| name == owner) {
                    listed.push((owner.clone(), Some(owner.clone())));
                }
            }
        }
        listed
    }

    /// The owner of a unit as reports show it.
    pub fn owner_of_unit(&self, unit: &str) -> Option<String> {
        for entry in &self.entries {
            match &entry.kind {
                Kind::Paths(_) if entry.name == unit => return entry.owner.clone(),
                Kind::Directories { glob, depth, .. }
                    if unit.split('/').count() == depth + 1 && glob.is_match(unit) =>
                {
                    return entry.owner.clone();
                }
                _ => {}
            }
        }
        self.codeowners
            .as_ref()
            .and_then(|c| c.owners.iter().find(|o| *o == unit).cloned())
    }

    /// Whether files are grouped into units at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.codeowners.is_none()
    }
}

fn paths_matcher(
    config: &Config,
    unit: &crate::config::Unit,
    problems: &mut Vec<Problem>,
) -> Option<Gitignore> {
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
        Ok(matcher) => Some(matcher),
        Err(err) => {
            problems.push(Problem::new(
                "longtail::config::bad-glob",
                format!("invalid globs in unit `{}`: {err}", unit.name),
                unit.paths.first().map(|g| g.span()),
                "in this list",
            ));
            None
        }
    }
}

/// The directory made of the first `depth + 1` components of `path`, when the file lies below
/// it.
fn directory_at(path: &str, depth: usize) -> Option<&str> {
    let (end, _) = path.match_indices('/').nth(depth)?;
    path.get(..end)
}

/// A parsed CODEOWNERS file: one matcher per line, tried from the last line up (GitHub: the
/// last matching pattern takes precedence).
#[derive(Debug, Clone, Default)]
pub struct Codeowners {
    /// `(pattern, owners joined by a space or None when the line names nobody, whether the
    /// pattern ends in `/*`)`, in file order.
    lines: Vec<(Gitignore, Option<String>, bool)>,
    /// Distinct owner strings in file order.
    owners: Vec<String>,
}

impl Codeowners {
    /// Parses CODEOWNERS text. Lines GitHub would reject (`!` negation, `[` ranges, a bad
    /// glob) are skipped, as GitHub skips them.
    pub fn parse(root: &Path, text: &str) -> Self {
        let mut parsed = Self::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = split_words(line);
            let Some(pattern) = words.first().cloned() else {
                continue;
            };
            words.remove(0);
            let owners: Vec<String> = words
                .into_iter()
                .take_while(|w| !w.starts_with('#'))
                .collect();
            if pattern.starts_with('!') || pattern.contains('[') {
                continue;
            }
            let mut builder = GitignoreBuilder::new(root);
            if builder.add_line(None, &pattern).is_err() {
                continue;
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            let owners = (!owners.is_empty()).then(|| owners.join(" "));
            if let Some(owner) = &owners
                && !parsed.owners.contains(owner)
            {
                parsed.owners.push(owner.clone());
            }
            parsed
                .lines
                .push((matcher, owners, pattern.ends_with("/*")));
        }
        parsed
    }

    /// The owners of `path` (joined by a space), or `None` when no line names any.
    pub fn owner_of(&self, path: &str) -> Option<&str> {
        for (matcher, owners, star) in self.lines.iter().rev() {
            // GitHub: `docs/*` owns the files directly in docs/, not those further down.
            let matched = if *star {
                matcher.matched(path, false).is_ignore()
            } else {
                matcher.matched_path_or_any_parents(path, false).is_ignore()
            };
            if matched {
                return owners.as_deref();
            }
        }
        None
    }
}

/// Splits a CODEOWNERS line at unescaped whitespace; `\ ` and `\#` stay literal in a pattern.
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('#') => word.push('#'),
                Some(' ') => word.push_str("\\ "),
                Some(other) => {
                    word.push('\\');
                    word.push(other);
                }
                None => word.push('\\'),
            },
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(toml: &str) -> Units {
        let config =
            crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", toml).unwrap();
        Units::compile(&config).unwrap()
    }

    #[test]
    fn generated_units_are_named_by_their_directory() {
        let mut units = units(
            "[units.core]\npaths = ['services/core/**']\n[units.\"services/*\"]\nowner = '@t'\n",
        );
        units.discover([
            "services",
            "services/auth",
            "services/core",
            "services/billing",
            "libs",
        ]);
        let of = |p: &str| units.unit_of(&RepoPath::new(p)).to_owned();
        assert_eq!(of("services/auth/app/main.py"), "services/auth");
        assert_eq!(of("services/core/x.py"), "core");
        assert_eq!(of("services/README.md"), OTHER_UNIT);
        assert_eq!(of("libs/x.py"), OTHER_UNIT);
        let listed: Vec<_> = units.listed().into_iter().map(|(n, _)| n).collect();
        // services/core belongs to the configured unit `core`, listed once under its name.
        assert_eq!(listed, ["core", "services/auth", "services/billing"]);
        assert_eq!(units.owner_of_unit("services/auth").as_deref(), Some("@t"));
    }

    #[test]
    fn codeowners_last_match_wins() {
        let owners = Codeowners::parse(
            Path::new("/r"),
            "# comment\n*.py @py\n/docs/ @docs\ndocs/*.md @md # trailing\napps/ @apps\n\
             /build/logs/\nsrc/*  @src-top\n",
        );
        assert_eq!(owners.owner_of("a/b.py"), Some("@py"));
        assert_eq!(owners.owner_of("docs/x.py"), Some("@docs"));
        assert_eq!(owners.owner_of("docs/x.md"), Some("@md"));
        assert_eq!(owners.owner_of("x/apps/y/z.py"), Some("@apps"));
        assert_eq!(owners.owner_of("build/logs/a.py"), None);
        assert_eq!(owners.owner_of("src/a.rs"), Some("@src-top"));
        assert_eq!(owners.owner_of("src/deep/a.rs"), None);
        assert_eq!(owners.owner_of("README"), None);
        assert_eq!(owners.owners, ["@py", "@docs", "@md", "@apps", "@src-top"]);
    }
}
