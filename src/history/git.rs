//! Reading the repository's past with `gix`: the first-parent commits of HEAD with their dates,
//! the files of a commit's tree that a scan of its checkout would search (the ignore files,
//! hidden-file rule and globs applied as `rg` applies them), and blobs. No checkouts, no `git`
//! process, no working tree; knows nothing of counting or caching.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::ObjectId;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::HistoryError;
use crate::config::Date;
use crate::model::RepoPath;
use crate::rules::CompiledRules;
use crate::scan::FileSearcher;

/// A repository opened at the directory of `longtail.toml`.
pub struct Repo {
    repo: gix::Repository,
    /// The config's directory relative to the work tree: `""` or `a/b/`.
    prefix: String,
}

/// One commit of the first-parent history.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    /// The commit.
    pub id: ObjectId,
    /// Its committer date, in the committer's time zone.
    pub date: Date,
    /// Its root tree.
    pub tree: ObjectId,
}

fn git_error(err: impl std::fmt::Display) -> HistoryError {
    HistoryError::Git(err.to_string())
}

impl Repo {
    /// Opens the repository that holds `root`.
    pub fn open(root: &Path) -> Result<Self, HistoryError> {
        let mut repo =
            gix::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
        // Trees of neighbouring commits are mostly the same objects: keep recent ones decoded.
        repo.object_cache_size_if_unset(64 * 1024 * 1024);
        let workdir = repo
            .workdir()
            .ok_or_else(|| HistoryError::NotARepository(root.to_path_buf()))?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let workdir = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        let relative = root
            .strip_prefix(&workdir)
            .map_err(|_| HistoryError::NotARepository(root.clone()))?;
        let mut prefix = String::new();
        for part in relative.components() {
            let part = part
                .as_os_str()
                .to_str()
                .ok_or_else(|| HistoryError::NotARepository(root.clone()))?;
            prefix.push_str(part);
            prefix.push('/');
        }
        Ok(Self { repo, prefix })
    }

    /// Opens a repository by its git directory, bare or not, reading trees from its root (the
    /// fleet's clones of remote repositories).
    pub fn open_git_dir(git_dir: &Path) -> Result<Self, HistoryError> {
        let mut repo =
            gix::open(git_dir).map_err(|_| HistoryError::NotARepository(git_dir.to_path_buf()))?;
        repo.object_cache_size_if_unset(64 * 1024 * 1024);
        Ok(Self {
            repo,
            prefix: String::new(),
        })
    }

    /// The tree of the commit HEAD points at, with the commit.
    pub fn head_tree(&self) -> Result<(ObjectId, ObjectId), HistoryError> {
        let commit = self.repo.head_commit().map_err(git_error)?;
        let tree = commit.tree_id().map_err(git_error)?.detach();
        Ok((commit.id, tree))
    }

    /// A copy for another thread (gix repositories are cheap to clone, not to share).
    pub fn handle(&self) -> gix::Repository {
        self.repo.clone()
    }

    /// Where the history cache lives by default: `.git/longtail/` (shared by worktrees).
    pub fn cache_dir(&self) -> PathBuf {
        self.repo.common_dir().join("longtail")
    }

    /// HEAD's first-parent history, newest first, down to and including the first commit
    /// before `since` (the state as of that day).
    pub fn first_parent(&self, since: Option<Date>) -> Result<Vec<CommitInfo>, HistoryError> {
        let mut commits = Vec::new();
        let mut next = match self.repo.head_id() {
            Ok(id) => Some(id.detach()),
            // An unborn branch has no history yet.
            Err(_) => None,
        };
        while let Some(id) = next {
            let commit = self.repo.find_commit(id).map_err(git_error)?;
            let time = commit.time().map_err(git_error)?;
            let local = time.seconds.saturating_add(i64::from(time.offset));
            let date = Date::from_unix_days(local.div_euclid(86_400));
            commits.push(CommitInfo {
                id,
                date,
                tree: commit.tree_id().map_err(git_error)?.detach(),
            });
            if since.is_some_and(|since| date < since) {
                break;
            }
            next = commit.parent_ids().next().map(|p| p.detach());
        }
        Ok(commits)
    }

    /// The blob at `path` (relative to the config's directory) in `tree`, if there is one.
    pub fn blob_at(&self, tree: ObjectId, path: &str) -> Result<Option<ObjectId>, HistoryError> {
        let full = format!("{}{path}", self.prefix);
        let mut current = tree;
        let mut parts = full.split('/').peekable();
        while let Some(part) = parts.next() {
            let tree = self.repo.find_tree(current).map_err(git_error)?;
            let decoded = tree.decode().map_err(git_error)?;
            let Some(entry) = decoded.entries.iter().find(|e| e.filename == part) else {
                return Ok(None);
            };
            let last = parts.peek().is_none();
            match (last, entry.mode.is_tree(), entry.mode.is_blob()) {
                (true, _, true) => return Ok(Some(entry.oid.to_owned())),
                (false, true, _) => current = entry.oid.to_owned(),
                _ => return Ok(None),
            }
        }
        Ok(None)
    }

    /// A blob's bytes.
    pub fn read_blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, HistoryError> {
        let mut blob = repo.find_blob(id).map_err(git_error)?;
        Ok(std::mem::take(&mut blob.data))
    }
}

/// What decides which files of a tree are searched, fixed for one run.
pub struct Selection<'a> {
    /// The compiled rules: their globs, the settings' globs.
    pub rules: &'a CompiledRules,
    /// `settings.hidden`
    pub hidden: bool,
    /// Paths never counted (longtail's own config and lock), relative to the config.
    pub skip: Vec<String>,
}

/// The ignore files of one directory, by kind in `rg`'s precedence order.
#[derive(Clone, Default)]
struct Level {
    rgignore: Option<Arc<Gitignore>>,
    ignore: Option<Arc<Gitignore>>,
    gitignore: Option<Arc<Gitignore>>,
}

/// The files of a subtree: (path relative to the config, blob).
type Files = Arc<Vec<(RepoPath, ObjectId)>>;

/// Lists the searched files of commits' trees, remembering subtrees already listed (the same
/// tree under the same ignore files gives the same files), so consecutive commits cost only
/// the directories that changed.
pub struct Lister<'a> {
    repo: &'a Repo,
    selection: &'a Selection<'a>,
    subtrees: HashMap<(ObjectId, String, String), Files>,
    matchers: HashMap<(ObjectId, String), Arc<Gitignore>>,
}

impl<'a> Lister<'a> {
    /// A lister for one run.
    pub fn new(repo: &'a Repo, selection: &'a Selection<'a>) -> Self {
        Self {
            repo,
            selection,
            subtrees: HashMap::new(),
            matchers: HashMap::new(),
        }
    }

    /// The files a scan of `tree`'s checkout would search, sorted by path.
    pub fn files(&mut self, tree: ObjectId) -> Result<Files, HistoryError> {
        // Walk down to the config's directory, gathering the ignore files of the directories
        // above it (rg reads those too, within the repository).
        let mut levels = Vec::new();
        let mut current = tree;
        let mut dir = String::new();
        let prefix = self.repo.prefix.clone();
        for part in prefix.split('/').filter(|p| !p.is_empty()) {
            let (level, entries) = self.read_level(current, &dir)?;
            levels.push(level);
            let next = entries
                .iter()
                .find(|(name, _, kind)| name == part && *kind == Kind::Tree);
            let Some((_, id, _)) = next else {
                return Ok(Arc::new(Vec::new()));
            };
            current = *id;
            dir.push_str(part);
            dir.push('/');
        }
        self.subtree(current, &dir, &levels)
    }

    fn subtree(
        &mut self,
        tree: ObjectId,
        dir: &str,
        parents: &[(Level, String)],
    ) -> Result<Files, HistoryError> {
        let context: String = parents.iter().map(|(_, key)| key.as_str()).collect();
        let key = (tree, dir.to_owned(), context);
        if let Some(files) = self.subtrees.get(&key) {
            return Ok(files.clone());
        }
        let (level, entries) = self.read_level(tree, dir)?;
        let mut levels = parents.to_vec();
        levels.push(level);
        let mut files = Vec::new();
        for (name, id, kind) in entries {
            let path = format!("{dir}{name}");
            if kind == Kind::Other {
                continue;
            }
            let is_dir = kind == Kind::Tree;
            if self.excluded(&levels, &path, &name, is_dir) {
                continue;
            }
            if is_dir {
                let below = self.subtree(id, &format!("{path}/"), &levels)?;
                files.extend(below.iter().cloned());
            } else if let Some(relative) = path.strip_prefix(&self.repo.prefix) {
                let relative = RepoPath::new(relative);
                if !self.selection.skip.iter().any(|s| s == relative.as_str())
                    && FileSearcher::wanted(self.selection.rules, &relative)
                {
                    files.push((relative, id));
                }
            }
        }
        files.sort();
        let files = Arc::new(files);
        self.subtrees.insert(key, files.clone());
        Ok(files)
    }

    /// Whether a walk like rg's skips this entry: ignore files (the deepest directory with a
    /// match decides for each kind; `.rgignore` beats `.ignore` beats `.gitignore`), then the
    /// hidden rule (not for a whitelisted entry), then the settings' globs.
    fn excluded(&self, levels: &[(Level, String)], path: &str, name: &str, is_dir: bool) -> bool {
        let deepest = |pick: fn(&Level) -> &Option<Arc<Gitignore>>| {
            levels.iter().rev().find_map(|(level, _)| {
                pick(level)
                    .as_ref()
                    .and_then(|g| match g.matched(path, is_dir) {
                        Match::None => None,
                        Match::Ignore(_) => Some(true),
                        Match::Whitelist(_) => Some(false),
                    })
            })
        };
        let ignored = deepest(|l| &l.rgignore)
            .or_else(|| deepest(|l| &l.ignore))
            .or_else(|| deepest(|l| &l.gitignore));
        match ignored {
            Some(true) => return true,
            None if !self.selection.hidden && name.starts_with('.') => return true,
            _ => {}
        }
        match path.strip_prefix(&self.repo.prefix) {
            Some(relative) => {
                let globs = &self.selection.rules.walk_globs;
                !globs.is_empty() && globs.matched(relative, is_dir).is_ignore()
            }
            None => false,
        }
    }

    /// A directory's entries and the ignore files among them, with a key naming those files.
    fn read_level(
        &mut self,
        tree: ObjectId,
        dir: &str,
    ) -> Result<((Level, String), Vec<Entry>), HistoryError> {
        let object = self.repo.repo.find_tree(tree).map_err(git_error)?;
        let decoded = object.decode().map_err(git_error)?;
        let mut entries = Vec::new();
        for entry in &decoded.entries {
            // A name that is not UTF-8 cannot be named in the lock: skipped, as the scan does.
            let Ok(name) = std::str::from_utf8(entry.filename) else {
                continue;
            };
            let kind = if entry.mode.is_tree() {
                Kind::Tree
            } else if entry.mode.is_blob() {
                Kind::Blob
            } else {
                // Symlinks (rg does not follow them) and submodules.
                Kind::Other
            };
            entries.push((name.to_owned(), entry.oid.to_owned(), kind));
        }
        let mut level = Level::default();
        let mut key = String::new();
        for (name, id, kind) in &entries {
            if *kind != Kind::Blob {
                continue;
            }
            let slot = match name.as_str() {
                ".rgignore" => &mut level.rgignore,
                ".ignore" => &mut level.ignore,
                ".gitignore" => &mut level.gitignore,
                _ => continue,
            };
            *slot = Some(self.matcher(*id, dir)?);
            key.push_str(&id.to_string());
        }
        key.push('/');
        Ok(((level, key), entries))
    }

    fn matcher(&mut self, blob: ObjectId, dir: &str) -> Result<Arc<Gitignore>, HistoryError> {
        let key = (blob, dir.to_owned());
        if let Some(matcher) = self.matchers.get(&key) {
            return Ok(matcher.clone());
        }
        let bytes = Repo::read_blob(&self.repo.repo, blob)?;
        let mut builder = GitignoreBuilder::new(Path::new(dir.trim_end_matches('/')));
        for line in String::from_utf8_lossy(&bytes).lines() {
            // A bad line is skipped, as rg skips it.
            let _ = builder.add_line(None, line);
        }
        let matcher = Arc::new(builder.build().unwrap_or_else(|_| Gitignore::empty()));
        self.matchers.insert(key, matcher.clone());
        Ok(matcher)
    }
}

/// A tree entry: its name, object and kind.
type Entry = (String, ObjectId, Kind);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tree,
    Blob,
    Other,
}
