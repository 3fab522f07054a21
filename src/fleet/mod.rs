//! The fleet: many repositories, one map. Owns the list of repositories (`repos.txt`), the
//! stable shard a repository falls in, fetching remote ones into a cache (`fetch`), and
//! merging per-repository JSON reports into the company-wide map (`map`) with its Markdown and
//! HTML views. Knows nothing of scanning: `cli::fleet` runs the scans and writes the reports.

pub mod fetch;
pub mod html;
pub mod map;
pub mod markdown;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::Problem;

/// One repository of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// Its name: unique in the fleet, the name of its report file.
    pub name: String,
    /// Where it is.
    pub source: Source,
    /// As written in the list (for reports).
    pub written: String,
}

/// Where a repository is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A directory on this machine, scanned as it is (its work tree, uncommitted changes too).
    Path(PathBuf),
    /// A git URL, fetched into the cache.
    Url(String),
}

/// Reads a repository list: one repository a line, a local path (relative to the list's
/// directory) or a git URL, optionally followed by its name; `#` starts a comment. Every
/// problem is reported, each at its line.
pub fn parse_list(text: &str, base: &Path) -> Result<Vec<Repo>, Vec<Problem>> {
    let mut repos: Vec<(Repo, std::ops::Range<usize>)> = Vec::new();
    let mut problems = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let span = start..start + line.trim_end().len();
        let mut words = content.split_whitespace();
        let (Some(location), name, None) = (words.next(), words.next(), words.next()) else {
            problems.push(problem(
                span,
                "expected a path or URL, then optionally a name",
                "this line has more than two words",
            ));
            continue;
        };
        let source = if is_url(location) {
            Source::Url(location.to_owned())
        } else {
            Source::Path(base.join(location))
        };
        let name = name.map_or_else(|| default_name(location), str::to_owned);
        if !valid_name(&name) {
            problems.push(problem(
                span,
                &format!("`{name}` is not a usable repository name"),
                "names use letters, digits, `.`, `-` and `_` and do not start with `.`; \
                 give one after the location",
            ));
            continue;
        }
        if let Some((_, first)) = repos.iter().find(|(r, _)| r.name == name) {
            let line = text
                .get(..first.start)
                .unwrap_or_default()
                .matches('\n')
                .count()
                + 1;
            problems.push(problem(
                span,
                &format!("two repositories are called `{name}`"),
                &format!("the first is on line {line}; name one of them after its location"),
            ));
            continue;
        }
        repos.push((
            Repo {
                name,
                source,
                written: location.to_owned(),
            },
            span,
        ));
    }
    if problems.is_empty() {
        Ok(repos.into_iter().map(|(r, _)| r).collect())
    } else {
        Err(problems)
    }
}

fn problem(span: std::ops::Range<usize>, message: &str, label: &str) -> Problem {
    Problem::new("longtail::fleet::list", message, Some(span), label)
        .with_help("one repository a line: `PATH-OR-URL [NAME]`; `#` starts a comment")
}

/// Whether a location is a git URL rather than a path: a scheme (`https://`, `ssh://`,
/// `file://`, `git://`) or scp-like `user@host:path`.
fn is_url(location: &str) -> bool {
    location.contains("://")
        || location
            .split_once(':')
            .is_some_and(|(host, _)| host.contains('@') && !host.contains('/') && !host.is_empty())
}

/// The last path component, without `.git`.
fn default_name(location: &str) -> String {
    let trimmed = location.trim_end_matches('/');
    let last = trimmed.rsplit(['/', ':', '\\']).next().unwrap_or(trimmed);
    last.strip_suffix(".git").unwrap_or(last).to_owned()
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Which shard (0-based, of `count`) a repository falls in: a hash of its name, so adding or
/// removing other repositories never moves it, and every runner agrees without talking.
pub fn shard_of(name: &str, count: u32) -> u32 {
    let digest = Sha256::digest(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

/// A `--shard I/N` argument: `(I - 1, N)`.
pub fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not I/N (e.g. 2/3)"))?;
    let index: u32 = index
        .parse()
        .map_err(|_| format!("`{index}` is not a shard number"))?;
    let count: u32 = count
        .parse()
        .map_err(|_| format!("`{count}` is not a shard count"))?;
    if count == 0 || index == 0 || index > count {
        return Err(format!("shard {index}/{count}: I must be between 1 and N"));
    }
    Ok((index - 1, count))
}

/// The cache directory of a remote repository: its name and a hash of its URL, so a renamed
/// or re-pointed entry never reuses another repository's objects.
pub fn cache_path(cache: &Path, repo: &Repo, url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    cache.join(format!("{}-{hex}.git", repo.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_paths_urls_names_and_comments() {
        let list = "# the fleet\n./auth\nhttps://git.example/acme/billing.git  # comment\n\
                    git@github.com:acme/catalog.git catalog-svc\n\n/abs/path/notify/\n";
        let repos = parse_list(list, Path::new("/base")).unwrap();
        let got: Vec<(&str, &Source)> =
            repos.iter().map(|r| (r.name.as_str(), &r.source)).collect();
        assert_eq!(
            got,
            [
                ("auth", &Source::Path("/base/./auth".into())),
                (
                    "billing",
                    &Source::Url("https://git.example/acme/billing.git".into())
                ),
                (
                    "catalog-svc",
                    &Source::Url("git@github.com:acme/catalog.git".into())
                ),
                ("notify", &Source::Path("/abs/path/notify/".into())),
            ]
        );
    }

    #[test]
    fn duplicate_and_bad_names_are_problems_at_their_lines() {
        let problems = parse_list("a/x\nb/x\nc bad/name\nd e f\n", Path::new("/")).unwrap_err();
        let spans: Vec<_> = problems.iter().map(|p| p.span.clone()).collect();
        assert_eq!(spans, [Some(4..7), Some(8..18), Some(19..24)]);
    }

    #[test]
    fn shards_are_stable_and_cover_everything_once() {
        let names: Vec<String> = (0..200).map(|i| format!("repo-{i}")).collect();
        let mut seen = vec![0; 3];
        for name in &names {
            let shard = shard_of(name, 3);
            assert_eq!(shard, shard_of(name, 3));
            seen[shard as usize] += 1;
        }
        assert_eq!(seen.iter().sum::<usize>(), 200);
        assert!(seen.iter().all(|&n| n > 40), "{seen:?}");
        assert_eq!(parse_shard("2/3"), Ok((1, 3)));
        assert!(parse_shard("0/3").is_err() && parse_shard("4/3").is_err());
        assert!(parse_shard("x").is_err());
    }
}
