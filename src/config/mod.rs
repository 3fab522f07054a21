//! `longtail.toml`: reading it with spans, rejecting unknown keys and wrong types, and
//! validating what serde cannot (ids, dates, the lock's location), gathering every problem
//! before failing. Owns the user's contract for key names; knows nothing of regex engines
//! or the file system beyond its own file (`rules` compiles patterns and globs).

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

mod raw;

use raw::{RawConfig, RawMigration, RawRule, RawSettings, RawUnit};
pub use raw::{UnitSource, schema};

use crate::diag::{self, Area, FileProblems, Problem};
use crate::model::RuleId;

/// The name longtail looks for when no `--config` is given.
pub const FILE_NAME: &str = "longtail.toml";

/// How finely the ratchet compares counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// Per rule per file.
    #[default]
    File,
    /// Per rule per unit of work, summed over the unit's files.
    Unit,
    /// Per rule, summed over the repository.
    Rule,
}

/// How loudly a rule's sites are reported.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Note,
    /// The default.
    #[default]
    Warning,
    /// Reported as an error by every consumer.
    Error,
}

impl Severity {
    /// The lowercase name, as written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A calendar date (a TOML local date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2027.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// The date `days` days after 1970-01-01 (proleptic Gregorian; Howard Hinnant's
    /// `civil_from_days`), so today's date needs no date crate.
    pub fn from_unix_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Days since 1970-01-01 (Hinnant's `days_from_civil`, the inverse of `from_unix_days`).
    pub fn unix_days(self) -> i64 {
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` (as TOML writes a local date).
    pub fn parse(text: &str) -> Option<Self> {
        let datetime: toml::value::Datetime = text.trim().parse().ok()?;
        match (datetime.date, datetime.time, datetime.offset) {
            (Some(d), None, None) => Some(Self {
                year: d.year,
                month: d.month,
                day: d.day,
            }),
            _ => None,
        }
    }
}

/// A glob as the user wrote it, with its place in the config.
pub type SpannedGlob = Spanned<String>;

/// `[settings]`, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The lock, relative to the repository root (`/`-separated).
    pub lock: String,
    /// The ratchet's granularity.
    pub ratchet: Granularity,
    /// Search hidden files too.
    pub hidden: bool,
    /// Globs every searched file must pass (`rg --glob`).
    pub include: Vec<SpannedGlob>,
    /// Globs that exclude files (`rg --glob '!GLOB'`).
    pub exclude: Vec<SpannedGlob>,
    /// Units from CODEOWNERS too (`units = "codeowners"`).
    pub units_from: Option<UnitSource>,
    /// Days the burn rate is measured over.
    pub window_days: u32,
}

/// The burn-rate window when `settings.window` is not given: four weeks.
pub const DEFAULT_WINDOW_DAYS: u32 = 28;

/// A unit of work ("service"), in config order.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The unit's name.
    pub name: String,
    /// Gitignore-style globs selecting the unit's files.
    pub paths: Vec<SpannedGlob>,
    /// Who owns the unit, if said.
    pub owner: Option<String>,
    /// A generated unit: `name` is a glob ending in `/*`, and each directory it matches is a
    /// unit of its own.
    pub per_directory: bool,
    /// Where the unit's name is in the config.
    pub span: Range<usize>,
}

/// A migration: a group of rules with a shared deadline.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The migration's id.
    pub id: String,
    /// Human title (the id when none was given).
    pub title: String,
    /// Docs link for the whole migration.
    pub docs: Option<String>,
    /// Past this date, any remaining site fails `check`.
    pub deadline: Option<Date>,
    /// Warn this many days before the deadline.
    pub warn_days: Option<u32>,
    /// Who drives the migration.
    pub owner: Option<String>,
    /// The migration's rules, in config order.
    pub rules: Vec<Rule>,
}

/// One deprecation rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `migration/rule`.
    pub id: RuleId,
    /// The pattern in ripgrep's (Rust regex) syntax, with its span for diagnostics.
    pub pattern: Spanned<String>,
    /// What to tell the user at each site.
    pub message: String,
    /// Reporting level.
    pub severity: Severity,
    /// Include globs (`rg -g GLOB`).
    pub paths: Vec<SpannedGlob>,
    /// Exclude globs (`rg -g '!GLOB'`).
    pub exclude: Vec<SpannedGlob>,
    /// Replacement, with `$1`/`${name}` as `rg --replace`.
    pub replace: Option<String>,
    /// Where the replacement is written in the config, for diagnostics about it.
    pub replace_span: Option<Range<usize>>,
    /// The codemod said to handle this rule (informational, never run).
    pub codemod: Option<String>,
    /// Docs link; the migration's when the rule has none.
    pub docs: Option<String>,
    /// `rg -i`
    pub ignore_case: bool,
    /// `rg -w`
    pub word: bool,
    /// `rg -F`
    pub literal: bool,
    /// `rg -U`
    pub multiline: bool,
}

/// A validated `longtail.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file's path.
    pub path: PathBuf,
    /// The path as shown to the user (relative to the working directory when inside it).
    pub name: String,
    /// The directory that holds it: the root of the scan, of every glob and of the lock.
    pub root: PathBuf,
    /// The file's text, kept so later stages can point into it.
    pub source: String,
    /// `[settings]`.
    pub settings: Settings,
    /// Units in config order.
    pub units: Vec<Unit>,
    /// Migrations in config order.
    pub migrations: Vec<Migration>,
}

impl Config {
    /// Every rule, migrations and rules in config order.
    pub fn rules(&self) -> impl Iterator<Item = (&Migration, &Rule)> {
        self.migrations
            .iter()
            .flat_map(|m| m.rules.iter().map(move |r| (m, r)))
    }

    /// The lock's path on disk.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(&self.settings.lock)
    }

    /// The config's own path relative to the root (it lives in the root).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| FILE_NAME.to_owned())
    }

    /// The config file as a diagnostic source, for problems found after validation.
    pub fn problems(&self, problems: Vec<Problem>) -> FileProblems {
        FileProblems::new(&self.name, &self.source, problems)
    }
}

/// Parses and validates `text`, read from `path` (shown as `name`). Every problem is reported
/// together.
pub fn parse(path: &Path, name: &str, text: &str) -> Result<Config, FileProblems> {
    let mut problems = Vec::new();
    let config = parse_collecting(path, name, text, &mut problems)?;
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(config.problems(problems))
    }
}

/// Like [`parse`], but validation problems are pushed onto `problems` and a config is still
/// returned, so later stages (compiling patterns and globs) can report theirs in the same run.
/// Only a file that is not valid TOML or does not fit the schema fails outright.
pub fn parse_collecting(
    path: &Path,
    name: &str,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Result<Config, FileProblems> {
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let problem = diag::from_toml_error(&err, Area::Config);
        FileProblems::new(name, text, vec![problem])
    })?;
    let root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let settings = validate_settings(raw.settings, path, problems);
    let units = raw
        .units
        .into_iter()
        .map(|(unit_name, unit)| validate_unit(unit_name, unit, problems))
        .collect();
    let migrations = raw
        .migrations
        .into_iter()
        .map(|(id, m)| validate_migration(id, m, problems))
        .collect();
    Ok(Config {
        path: path.to_path_buf(),
        name: name.to_owned(),
        root,
        source: text.to_owned(),
        settings,
        units,
        migrations,
    })
}

fn validate_settings(raw: RawSettings, config: &Path, problems: &mut Vec<Problem>) -> Settings {
    let lock = match raw.lock {
        None => "longtail.lock".to_owned(),
        Some(lock) => {
            let span = lock.span();
            match normalize_inside(lock.get_ref()) {
                Some(rel) if Some(rel.as_str()) == config.file_name().and_then(|n| n.to_str()) => {
                    problems.push(Problem::new(
                        "longtail::config::lock-path",
                        "the lock cannot be the config file itself",
                        Some(span),
                        "this is longtail.toml",
                    ));
                    rel
                }
                Some(rel) => rel,
                None => {
                    problems.push(
                        Problem::new(
                            "longtail::config::lock-path",
                            format!("lock path `{}` is outside the repository", lock.get_ref()),
                            Some(span),
                            "resolves outside the directory of longtail.toml",
                        )
                        .with_help("use a relative path that stays inside the repository, e.g. \"longtail.lock\""),
                    );
                    String::new()
                }
            }
        }
    };
    Settings {
        lock,
        ratchet: raw.ratchet,
        hidden: raw.hidden,
        include: non_empty_globs(raw.include, problems),
        exclude: non_empty_globs(raw.exclude, problems),
        units_from: raw.units,
        window_days: raw.window.map_or(DEFAULT_WINDOW_DAYS, |w| {
            positive_days(&w, 1, "window", problems)
        }),
    }
}

/// Resolves a relative path lexically; `None` when it is absolute, empty or climbs out.
fn normalize_inside(path: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if path.contains('\\') {
        return None;
    }
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?.to_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

fn non_empty_globs(globs: Vec<Spanned<String>>, problems: &mut Vec<Problem>) -> Vec<SpannedGlob> {
    for glob in &globs {
        if glob.get_ref().trim().is_empty() {
            problems.push(Problem::new(
                "longtail::config::bad-glob",
                "empty glob",
                Some(glob.span()),
                "matches nothing",
            ));
        }
    }
    globs
}

/// A count of days from the config: at least `min`, at most ten years.
fn positive_days(value: &Spanned<i64>, min: i64, key: &str, problems: &mut Vec<Problem>) -> u32 {
    let days = *value.get_ref();
    match u32::try_from(days) {
        Ok(days) if days <= 3660 && i64::from(days) >= min => days,
        _ => {
            problems.push(Problem::new(
                "longtail::config::bad-days",
                format!("`{key}` must be between {min} and 3660 days, not {days}"),
                Some(value.span()),
                "days",
            ));
            u32::try_from(min).unwrap_or(0)
        }
    }
}

fn validate_unit(name: Spanned<String>, raw: RawUnit, problems: &mut Vec<Problem>) -> Unit {
    let span = name.span();
    let name = name.into_inner();
    let per_directory = name.ends_with("/*");
    if per_directory {
        if !raw.paths.is_empty() {
            problems.push(
                Problem::new(
                    "longtail::config::generated-unit-paths",
                    format!("generated unit `{name}` takes no paths"),
                    raw.paths.first().map(|g| g.span()),
                    "not used",
                )
                .with_help("each directory the name matches is a unit; remove `paths`"),
            );
        }
        if name.starts_with('/') || name.starts_with("./") || name.contains("**") {
            problems.push(
                Problem::new(
                    "longtail::config::bad-glob",
                    format!("invalid generated unit `{name}`"),
                    Some(span.clone()),
                    "directory glob",
                )
                .with_help(
                    "write a relative glob of directories ending in `/*`, e.g. \"services/*\"",
                ),
            );
        }
        return Unit {
            name,
            paths: Vec::new(),
            owner: raw.owner,
            per_directory,
            span,
        };
    }
    if name.trim().is_empty() || name.chars().any(char::is_control) || name == OTHER_UNIT {
        problems.push(
            Problem::new(
                "longtail::config::bad-id",
                format!("invalid unit name {name:?}"),
                Some(span.clone()),
                "unit name",
            )
            .with_help(format!(
                "a unit name must be non-empty, printable, and not `{OTHER_UNIT}`"
            )),
        );
    }
    if raw.paths.is_empty() {
        problems.push(Problem::new(
            "longtail::config::empty-unit",
            format!("unit `{name}` has no paths"),
            Some(span.clone()),
            "add paths = [\"dir/**\"]",
        ));
    }
    Unit {
        name,
        paths: non_empty_globs(raw.paths, problems),
        owner: raw.owner,
        per_directory,
        span,
    }
}

/// The pseudo-unit that holds files no configured unit matches.
pub const OTHER_UNIT: &str = "(other)";

fn validate_migration(
    id: Spanned<String>,
    raw: RawMigration,
    problems: &mut Vec<Problem>,
) -> Migration {
    let id_span = id.span();
    let id = id.into_inner();
    check_id(&id, id_span, "migration", problems);
    let deadline = raw.deadline.and_then(|d| to_date(&d, problems));
    let warn_days = raw
        .warn_days
        .map(|w| positive_days(&w, 0, "warn_days", problems));
    let docs = raw.docs.map(|d| check_url(d, problems));
    let rules = raw
        .rules
        .into_iter()
        .map(|(name, rule)| validate_rule(&id, name, rule, problems))
        .collect();
    Migration {
        title: raw.title.unwrap_or_else(|| id.clone()),
        id,
        docs,
        deadline,
        warn_days,
        owner: raw.owner,
        rules,
    }
}

fn validate_rule(
    migration: &str,
    name: Spanned<String>,
    raw: RawRule,
    problems: &mut Vec<Problem>,
) -> Rule {
    check_id(name.get_ref(), name.span(), "rule", problems);
    if raw.pattern.get_ref().is_empty() {
        problems.push(
            Problem::new(
                "longtail::config::empty-pattern",
                "empty pattern",
                Some(raw.pattern.span()),
                "matches every line",
            )
            .with_help("write the old pattern this rule counts"),
        );
    }
    if raw.message.get_ref().trim().is_empty() {
        problems.push(Problem::new(
            "longtail::config::empty-message",
            "empty message",
            Some(raw.message.span()),
            "say what to do instead",
        ));
    }
    Rule {
        id: RuleId::new(migration, name.get_ref()),
        pattern: raw.pattern,
        message: raw.message.into_inner(),
        severity: raw.severity,
        paths: non_empty_globs(raw.paths, problems),
        exclude: non_empty_globs(raw.exclude, problems),
        replace_span: raw.replace.as_ref().map(Spanned::span),
        replace: raw.replace.map(Spanned::into_inner),
        codemod: raw.codemod.filter(|c| !c.trim().is_empty()),
        docs: raw.docs.map(|d| check_url(d, problems)),
        ignore_case: raw.ignore_case,
        word: raw.word,
        literal: raw.literal,
        multiline: raw.multiline,
    }
}

/// Ids appear in rule ids (`migration/rule`), lock keys and report fields, so they are kept to
/// characters that need no quoting anywhere and cannot make two rules collide.
fn check_id(id: &str, span: Range<usize>, what: &str, problems: &mut Vec<Problem>) {
    let valid = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        let shown = if id.is_empty() {
            "empty".to_owned()
        } else {
            format!("`{id}`")
        };
        problems.push(
            Problem::new(
                "longtail::config::bad-id",
                format!("invalid {what} id: {shown}"),
                Some(span),
                format!("{what} id"),
            )
            .with_help(
                "ids start with a letter or digit and use only ASCII letters, digits, `-`, `_` and `.`",
            ),
        );
    }
}

fn check_url(url: Spanned<String>, problems: &mut Vec<Problem>) -> String {
    let text = url.get_ref();
    let has_scheme = text.starts_with("https://") || text.starts_with("http://");
    // Only characters a URI may hold (RFC 3986): the link goes into SARIF's helpUri and into
    // Markdown, where `|`, `<`, `>` or a quote would break the table or inject HTML.
    let uri_char = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
    if !has_scheme || !text.chars().all(uri_char) || text.len() <= "https://".len() {
        problems.push(Problem::new(
            "longtail::config::bad-url",
            format!("`{text}` is not an http(s) URL"),
            Some(url.span()),
            "docs link",
        ));
    }
    url.into_inner()
}

fn to_date(value: &Spanned<toml::value::Datetime>, problems: &mut Vec<Problem>) -> Option<Date> {
    let dt = value.get_ref();
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => Some(Date {
            year: d.year,
            month: d.month,
            day: d.day,
        }),
        _ => {
            problems.push(
                Problem::new(
                    "longtail::config::bad-date",
                    format!("deadline `{dt}` is not a plain date"),
                    Some(value.span()),
                    "expected a date like 2027-03-31",
                )
                .with_help(
                    "write the deadline as a TOML date without a time: deadline = 2027-03-31",
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, FileProblems> {
        parse(Path::new("/repo/longtail.toml"), "longtail.toml", text)
    }

    #[test]
    fn keeps_config_order_of_units_and_rules() {
        let config = parse_str(
            "[units.zeta]\npaths=['z/**']\n[units.alpha]\npaths=['a/**']\n\
             [migrations.m.rules.b]\npattern='b'\nmessage='x'\n\
             [migrations.m.rules.a]\npattern='a'\nmessage='x'\n",
        )
        .unwrap();
        let units: Vec<_> = config.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(units, ["zeta", "alpha"]);
        let rules: Vec<_> = config.rules().map(|(_, r)| r.id.to_string()).collect();
        assert_eq!(rules, ["m/b", "m/a"]);
        assert_eq!(config.settings.lock, "longtail.lock");
    }

    #[test]
    fn gathers_every_validation_problem() {
        let err = parse_str(
            "[settings]\nlock='../x.lock'\n[migrations.'bad id'.rules.r]\npattern=''\nmessage=' '\n\
             [migrations.m]\ndeadline=2027-01-01T00:00:00\ndocs='nope'\n",
        )
        .unwrap_err();
        let codes: Vec<_> = err.problems().iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            [
                "longtail::config::lock-path",
                "longtail::config::bad-id",
                "longtail::config::empty-pattern",
                "longtail::config::empty-message",
                "longtail::config::bad-date",
                "longtail::config::bad-url",
            ]
        );
    }

    #[test]
    fn dates_from_unix_days() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_unix_days(20_417).to_string(), "2025-11-25");
        assert_eq!(Date::from_unix_days(-1).to_string(), "1969-12-31");
        for days in [-1, 0, 59, 11_016, 20_417, 60_000] {
            assert_eq!(Date::from_unix_days(days).unix_days(), days);
        }
        assert_eq!(
            Date::parse("2027-03-31"),
            Some(Date {
                year: 2027,
                month: 3,
                day: 31
            })
        );
        assert_eq!(Date::parse("2027-03-31T00:00:00"), None);
        assert_eq!(Date::parse("soon"), None);
    }

    #[test]
    fn lock_paths_stay_inside() {
        assert_eq!(normalize_inside("./a/../b.lock").as_deref(), Some("b.lock"));
        assert_eq!(normalize_inside("a/b.lock").as_deref(), Some("a/b.lock"));
        assert_eq!(normalize_inside("../b.lock"), None);
        assert_eq!(normalize_inside("/etc/passwd"), None);
        assert_eq!(normalize_inside("a/.."), None);
    }
}

#[cfg(test)]
mod properties {
    use std::path::Path;

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = super::parse(Path::new("/r/longtail.toml"), "longtail.toml", &text);
        }

        #[test]
        fn parsing_config_like_text_never_panics(
            lines in prop::collection::vec(
                prop_oneof![
                    "\\[(settings|units\\.[a-z]{1,3}|migrations\\.[a-z]{0,3}(\\.rules\\.[a-z\"]{0,3})?)\\]",
                    "(pattern|message|severity|paths|exclude|lock|ratchet|deadline|docs|word) = ",
                    "[a-z_]{1,10} = (\"[^\"]{0,10}\"|'[^']{0,10}'|[0-9-]{1,12}|true|\\[\\]|\\{\\})",
                ],
                0..16,
            )
        ) {
            let text = lines.join("\n");
            if let Ok(config) = super::parse(Path::new("/r/longtail.toml"), "longtail.toml", &text) {
                // Whatever validates must also compile or report, never panic.
                let _ = crate::rules::compile(&config);
                let _ = crate::units::Units::compile(&config);
            }
        }
    }
}
