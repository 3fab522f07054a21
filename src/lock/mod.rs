//! `longtail.lock`: the committed ratchet. Parsing (with spans, merge-conflict markers and
//! newer versions caught before anything else), rendering one entry per line in sorted order so
//! diffs and merges stay line-sized, and writing it atomically. Knows nothing of scanning.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

mod merge;

pub use merge::{merge, merge3, sides};

use crate::diag::{self, Area, FileProblems, Problem};
use crate::model::{Counts, RepoPath, RuleId};

/// The lock format this build reads and writes.
pub const VERSION: u64 = 1;

const HEADER: &str = "# written by `longtail update`; commit it. Counts may only go down.\n";

/// Locked counts: per rule, per file. A rule with an empty table is locked at zero.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    /// Counts by rule id and path.
    pub rules: Counts,
}

/// Why a lock could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LockError {
    /// The file exists but could not be read.
    #[error("could not read the lock {}", path.display())]
    #[diagnostic(code(longtail::lock::io))]
    Io {
        /// The lock's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The file is not a valid lock.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(#[from] FileProblems),
}

/// Reads the lock at `path` (shown as `name`); `Ok(None)` when there is none yet.
pub fn read(path: &Path, name: &str) -> Result<Option<Lock>, LockError> {
    // A fifo or device where the lock should be would block or never end.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(LockError::Io {
            path: path.to_path_buf(),
            source: io::Error::other("not a regular file"),
        });
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            Ok(Some(parse(name, &text)?))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LockError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Parses lock text; `name` is used in diagnostics.
pub fn parse(name: &str, text: &str) -> Result<Lock, FileProblems> {
    match parse_canonical(text) {
        Some(lock) => Ok(lock),
        None => parse_toml(name, text),
    }
}

/// Reads a lock laid out exactly as `render` writes it, line by line without a TOML parser:
/// pre-commit reads the whole lock on every commit, and the spanned TOML parser takes ~50 ms
/// for the 32,000 entries of a kernel-sized lock. Anything else (another layout, an escape,
/// a duplicate, an invalid path, conflict markers) gives `None`, and `parse_toml` then reads
/// it with every diagnostic; where this gives a lock, it is the one `parse_toml` gives.
fn parse_canonical(text: &str) -> Option<Lock> {
    // No quote, no backslash, no control character (C0, DEL, or C1: U+0080..=U+009F, which
    // UTF-8 writes as 0xC2 0x80..=0x9F); bytewise, as this runs on every entry.
    let plain = |s: &str| {
        let bytes = s.as_bytes();
        !bytes.iter().enumerate().any(|(i, &b)| {
            b < 0x20
                || b == 0x7F
                || b == b'"'
                || b == b'\\'
                || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
        })
    };
    // Sorted as `render` writes them, so each key is checked against the one before (no
    // duplicates) and the maps are built in bulk.
    let mut rules: Vec<(RuleId, Vec<(RepoPath, u64)>)> = Vec::new();
    let mut version = false;
    for line in text.split('\n') {
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if comment.chars().any(|c| c.is_control() && c != '\t') {
                return None;
            }
            continue;
        }
        if let Some(rule) = line.strip_prefix("[\"").and_then(|l| l.strip_suffix("\"]")) {
            let after = rules.last().is_none_or(|(last, _)| last.as_str() < rule);
            if !version || !plain(rule) || !after {
                return None;
            }
            rules.push((RuleId::from_lock(rule.to_owned()), Vec::new()));
            continue;
        }
        if line == "version = 1" && !version && rules.is_empty() {
            version = true;
            continue;
        }
        // A plain path holds no quote, so the first one ends it (a memchr, where searching
        // for the separator would build a substring searcher per line).
        let entry = line.strip_prefix('"')?;
        let (path, rest) = entry.split_at(entry.find('"')?);
        let count = rest.strip_prefix("\" = ")?;
        let canonical_number = count == "0" || !count.starts_with('0');
        if !plain(path) || !canonical_number || !count.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let count: u64 = count.parse().ok()?;
        // A count above i64::MAX is no TOML integer.
        i64::try_from(count).ok()?;
        let files = &mut rules.last_mut()?.1;
        if files.last().is_some_and(|(last, _)| last.as_str() >= path) {
            return None;
        }
        let path = check_path(path, 0..0, &mut Vec::new())?;
        files.push((path, count));
    }
    let rules = rules
        .into_iter()
        .map(|(rule, files)| (rule, files.into_iter().filter(|(_, c)| *c > 0).collect()))
        .collect();
    version.then_some(Lock { rules })
}

/// Parses lock text with the TOML parser, collecting every problem with its span.
fn parse_toml(name: &str, text: &str) -> Result<Lock, FileProblems> {
    let fail = |problems| FileProblems::new(name, text, problems);
    let markers = conflict_markers(text);
    if !markers.is_empty() {
        return Err(fail(markers));
    }
    let table =
        DeTable::parse(text).map_err(|err| fail(vec![diag::from_toml_error(&err, Area::Lock)]))?;
    let mut problems = Vec::new();
    let mut lock = Lock::default();
    let mut version = None;
    for (key, value) in table.get_ref() {
        let span = value.span();
        if key.get_ref() == "version" {
            version = Some(check_version(value.get_ref(), span, &mut problems));
            continue;
        }
        let DeValue::Table(entries) = value.get_ref() else {
            problems.push(wrong_type(
                key.span(),
                "a rule table like [\"migration/rule\"]",
            ));
            continue;
        };
        let mut files = BTreeMap::new();
        for (path, count) in entries {
            if let Some(path) = check_path(path.get_ref(), path.span(), &mut problems)
                && let Some(count) = check_count(count.get_ref(), count.span(), &mut problems)
                && count > 0
            {
                files.insert(path, count);
            }
        }
        lock.rules
            .insert(RuleId::from_lock(key.get_ref().to_string()), files);
    }
    if version.is_none() && problems.is_empty() {
        problems.push(
            Problem::new(
                "longtail::lock::missing-key",
                "the lock has no `version`",
                Some(0..0),
                "expected `version = 1` here",
            )
            .with_help(REPAIR),
        );
    }
    if problems.is_empty() {
        Ok(lock)
    } else {
        Err(fail(problems))
    }
}

/// Parses lock text that may hold git conflict markers: both sides are parsed and merged
/// (the lower count of each entry). The flag says whether there was a conflict to resolve.
pub fn parse_resolving(name: &str, text: &str) -> Result<(Lock, bool), FileProblems> {
    match sides(text) {
        Some((ours, theirs)) => {
            let ours = parse(&format!("{name} (our side of the conflict)"), &ours)?;
            let theirs = parse(&format!("{name} (their side of the conflict)"), &theirs)?;
            Ok((merge(&ours, &theirs), true))
        }
        None => parse(name, text).map(|lock| (lock, false)),
    }
}

fn conflict_markers(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker = ["<<<<<<<", ">>>>>>>", "|||||||"].iter().any(|marker| {
            bare.strip_prefix(marker)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        }) || bare.trim_end() == "=======";
        if is_marker {
            let label = match bare.get(..1) {
                Some("<") => "start of their conflicting version",
                Some(">") => "end of the conflict",
                Some("|") => "the merge base's version",
                _ => "between the two versions",
            };
            problems.push(
                Problem::new(
                    "longtail::lock::conflict",
                    "the lock holds git merge-conflict markers",
                    Some(offset..offset + bare.len()),
                    label,
                )
                .with_help(
                    "run `longtail update --resolve`: it keeps the lower count of each entry and \
                     tightens it with a fresh scan; `longtail init --merge-driver` prevents these \
                     conflicts",
                ),
            );
        }
        offset += line.len();
    }
    problems
}

fn check_version(value: &DeValue<'_>, span: Range<usize>, problems: &mut Vec<Problem>) -> u64 {
    let Some(version) = integer(value) else {
        problems.push(wrong_type(span, "an integer"));
        return 0;
    };
    if version > VERSION {
        problems.push(
            Problem::new(
                "longtail::lock::newer-version",
                format!(
                    "the lock has version {version}, but this longtail reads version {VERSION}"
                ),
                Some(span),
                "written by a newer longtail",
            )
            .with_help("upgrade longtail (cargo install longtail) to the version your team uses"),
        );
    } else if version == 0 {
        problems.push(wrong_type(span, "a version of 1 or more"));
    }
    version
}

fn check_path(path: &str, span: Range<usize>, problems: &mut Vec<Problem>) -> Option<RepoPath> {
    let bad = path.is_empty()
        || path
            .as_bytes()
            .split(|&b| b == b'/')
            .any(|part| matches!(part, b"" | b"." | b".."));
    if bad {
        problems.push(
            Problem::new(
                "longtail::lock::bad-path",
                format!("`{path}` is not a path relative to the repository root"),
                Some(span),
                "expected e.g. \"services/auth/models.py\"",
            )
            .with_help("paths in the lock use `/` and start at the directory of longtail.toml"),
        );
        return None;
    }
    Some(RepoPath::new(path))
}

fn check_count(
    value: &DeValue<'_>,
    span: Range<usize>,
    problems: &mut Vec<Problem>,
) -> Option<u64> {
    let count = integer(value);
    if count.is_none() {
        problems.push(wrong_type(span, "a count (a whole number of 0 or more)"));
    }
    count
}

fn integer(value: &DeValue<'_>) -> Option<u64> {
    match value {
        // TOML integers are signed 64-bit; a larger one is not TOML, and sums must not overflow.
        DeValue::Integer(i) => u64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .filter(|n| i64::try_from(*n).is_ok()),
        _ => None,
    }
}

fn wrong_type(span: Range<usize>, expected: &str) -> Problem {
    Problem::new(
        "longtail::lock::wrong-type",
        format!("expected {expected}"),
        Some(span),
        "wrong type",
    )
    .with_help(REPAIR)
}

/// How to repair a lock that cannot be read: `update` needs the old counts to keep its promise
/// never to raise one, so it cannot simply overwrite an unreadable lock.
const REPAIR: &str = "fix the value by hand (git show HEAD:longtail.lock shows the committed one), \
                      or delete the lock and run `longtail update` to record today's counts";

/// The lock as text: a header, `version`, then one table per rule sorted by id and one line per
/// file sorted by path. Zero counts are left out; a rule with none keeps its (empty) table.
pub fn render(lock: &Lock) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    let _ = writeln!(out, "version = {VERSION}");
    for (rule, files) in &lock.rules {
        let _ = writeln!(out, "\n[{}]", quote(rule.as_str()));
        for (path, count) in files {
            if *count > 0 {
                let _ = writeln!(out, "{} = {count}", quote(path.as_str()));
            }
        }
    }
    out
}

// The lock's shape, for its JSON Schema only: the lock is read and written by hand above so
// that every error has a span and the output is one line per entry.
/// longtail.lock: the committed ratchet, written by `longtail update`. Counts may only go down.
#[derive(schemars::JsonSchema)]
#[schemars(title = "longtail.lock")]
#[allow(dead_code, reason = "describes the file for schemars; never built")]
struct LockFile {
    /// The lock format's version; this longtail reads and writes 1.
    #[schemars(range(min = 1, max = 1))]
    version: u64,
    /// Per rule id (`migration/rule`): per path relative to the repository root, the number of
    /// sites the ratchet allows. A rule with an empty table is locked at zero.
    #[serde(flatten)]
    rules: BTreeMap<String, BTreeMap<String, u64>>,
}

/// The JSON Schema of longtail.lock, as committed in `schemas/longtail-lock.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(LockFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes the lock atomically.
pub fn write(path: &Path, lock: &Lock) -> io::Result<()> {
    crate::atomic::write(path, render(lock).as_bytes())
}

/// A TOML basic string: always quoted, so every key looks the same and sorts the same.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock_of(entries: &[(&str, &[(&str, u64)])]) -> Lock {
        let rules = entries
            .iter()
            .map(|(rule, files)| {
                let files = files.iter().map(|(p, c)| (RepoPath::new(*p), *c)).collect();
                (RuleId::from_lock((*rule).to_owned()), files)
            })
            .collect();
        Lock { rules }
    }

    #[test]
    fn renders_the_documented_format() {
        let lock = lock_of(&[
            (
                "pydantic-v2/parse-obj",
                &[
                    ("services/billing/api.py", 1),
                    ("services/auth/models.py", 3),
                ],
            ),
            ("pydantic-v2/dict", &[]),
        ]);
        assert_eq!(
            render(&lock),
            "# written by `longtail update`; commit it. Counts may only go down.\n\
             version = 1\n\
             \n[\"pydantic-v2/dict\"]\n\
             \n[\"pydantic-v2/parse-obj\"]\n\
             \"services/auth/models.py\" = 3\n\
             \"services/billing/api.py\" = 1\n"
        );
    }

    #[test]
    fn round_trips_awkward_paths() {
        let lock = lock_of(&[(
            "m/r",
            &[("dir with space/ünï\"cödé\\.py", 2), ("tab\there.py", 1)],
        )]);
        let text = render(&lock);
        assert_eq!(parse("longtail.lock", &text).unwrap(), lock);
    }

    #[test]
    fn finds_every_conflict_marker() {
        let text = "version = 1\n[\"m/r\"]\n<<<<<<< HEAD\n\"a.py\" = 1\n=======\n\"a.py\" = 2\n>>>>>>> branch\n";
        let err = parse("longtail.lock", text).unwrap_err();
        let spans: Vec<_> = err
            .problems()
            .iter()
            .map(|p| p.span.clone().unwrap())
            .collect();
        let lines: Vec<_> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(lines, ["<<<<<<< HEAD", "=======", ">>>>>>> branch"]);
    }

    #[test]
    fn rejects_newer_versions_and_bad_values() {
        let err = parse("l", "version = 2\n").unwrap_err();
        assert_eq!(err.problems()[0].code, "longtail::lock::newer-version");
        let err = parse(
            "l",
            "version = 1\n[\"m/r\"]\n\"a.py\" = \"3\"\n\"../b.py\" = 1\n",
        )
        .unwrap_err();
        let codes: Vec<_> = err.problems().iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            ["longtail::lock::wrong-type", "longtail::lock::bad-path"]
        );
        let err = parse("l", "[\"m/r\"]\n").unwrap_err();
        assert_eq!(err.problems()[0].code, "longtail::lock::missing-key");
    }
}

#[cfg(test)]
mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::{Lock, parse, parse_canonical, parse_toml, render};
    use crate::model::{RepoPath, RuleId};

    /// A path segment: any characters but `/`, never `.` or `..`.
    fn segment() -> impl Strategy<Value = String> {
        "[^/]{1,12}".prop_filter("not . or ..", |s| s != "." && s != "..")
    }

    fn path() -> impl Strategy<Value = String> {
        prop::collection::vec(segment(), 1..4).prop_map(|parts| parts.join("/"))
    }

    fn lock() -> impl Strategy<Value = Lock> {
        let files = prop::collection::btree_map(path(), 1..=i64::MAX as u64, 0..5);
        prop::collection::btree_map("\\PC{0,20}", files, 0..5).prop_map(|rules| Lock {
            rules: rules
                .into_iter()
                .map(|(rule, files)| {
                    let files: BTreeMap<_, _> = files
                        .into_iter()
                        .map(|(p, c)| (RepoPath::new(p), c))
                        .collect();
                    (RuleId::from_lock(rule), files)
                })
                .collect(),
        })
    }

    /// The line reader takes a path as written only when it holds no quote, backslash or
    /// control character (C0, DEL, C1), exactly as `char::is_control` says.
    #[test]
    fn the_line_reader_refuses_exactly_the_characters_toml_would_escape() {
        for c in (0..0x200u32).filter_map(char::from_u32) {
            let text = format!("version = 1\n\n[\"m/r\"]\n\"a{c}b\" = 1\n");
            let plain = !(c.is_control() || c == '"' || c == '\\');
            assert_eq!(parse_canonical(&text).is_some(), plain, "{:?}", c);
        }
    }

    proptest! {
        #[test]
        fn rendering_then_parsing_gives_the_same_lock(lock in lock()) {
            prop_assert_eq!(parse("l", &render(&lock)).unwrap(), lock.clone());
            // Both readers; the fast one reads whatever `update` writes without an escape.
            let plain = |s: &str| !s.contains(['"', '\\']) && !s.chars().any(char::is_control);
            let escapes = lock.rules.iter().any(|(rule, files)| {
                !plain(rule.as_str()) || files.keys().any(|p| !plain(p.as_str()))
            });
            let fast = parse_canonical(&render(&lock));
            prop_assert!(fast.as_ref().is_none_or(|f| *f == lock));
            prop_assert_eq!(fast.is_some(), !escapes);
            prop_assert_eq!(parse_toml("l", &render(&lock)).unwrap(), lock);
        }

        /// Where the line reader gives a lock, the TOML parser gives the same one.
        #[test]
        fn the_line_reader_agrees_with_the_toml_parser(
            lines in prop::collection::vec(
                prop_oneof![
                    Just("version = 1".to_owned()),
                    Just("version = 2".to_owned()),
                    Just(String::new()),
                    "# [a-z\t]{0,5}",
                    "\\[\"[a-z/\"\\\\]{0,8}\"\\]",
                    "\"[a-z./\\\\]{0,8}\" = [0-9_+]{1,21}",
                    "\"[a-z]{1,3}\" = (0|[1-9][0-9]{0,19})",
                ],
                0..12,
            )
        ) {
            let text = lines.join("\n");
            if let Some(lock) = parse_canonical(&text) {
                prop_assert_eq!(parse_toml("l", &text).ok(), Some(lock), "{}", text);
            }
        }

        #[test]
        fn parsing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse("l", &String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn parsing_lock_like_text_never_panics(
            lines in prop::collection::vec(
                prop_oneof![
                    Just("version = 1".to_owned()),
                    "\\[\"[a-z/]{0,8}\"\\]",
                    "\"[a-z./]{0,8}\" = -?[0-9]{1,20}",
                    "[<=>|]{7}.{0,5}",
                    "\\PC{0,20}",
                ],
                0..12,
            )
        ) {
            let _ = parse("l", &lines.join("\n"));
        }
    }
}
