//! Pull-request mode's view of the past: the merge base of HEAD and a ref, and the findings a
//! scan of its checkout would give (sites with their line texts, not only counts), read from
//! git objects. Also which files of the working tree differ from the base.
//! Knows nothing of the comparison itself (`crate::pr`) or of reports.

use std::collections::BTreeSet;
use std::path::Path;

use gix::ObjectId;

use super::HistoryError;
use super::git::{Lister, Repo, Selection};
use crate::config::Config;
use crate::model::{Findings, RepoPath};
use crate::rules::CompiledRules;
use crate::scan::FileSearcher;

/// The merge base's findings.
pub struct Base {
    /// The merge-base commit.
    pub commit: ObjectId,
    /// What a scan of its checkout finds.
    pub findings: Findings,
    /// Its searched files' blobs, to tell which files the working tree changed.
    blobs: Vec<(RepoPath, ObjectId)>,
}

/// Scans the merge base of HEAD and `rev` (any revision git understands: `origin/main`, a SHA).
pub fn scan(config: &Config, rules: &CompiledRules, rev: &str) -> Result<Base, HistoryError> {
    let repo = Repo::open(&config.root)?;
    let handle = repo.handle();
    let unknown =
        |what: &str, err: &dyn std::fmt::Display| HistoryError::Git(format!("{what}: {err}"));
    let head = handle
        .head_id()
        .map_err(|e| unknown("HEAD has no commit", &e))?
        .detach();
    let other = handle
        .rev_parse_single(rev)
        .map_err(|e| HistoryError::UnknownRevision(rev.to_owned(), e.to_string()))?
        .detach();
    let commit = handle
        .merge_base(head, other)
        .map_err(|e| HistoryError::UnknownRevision(rev.to_owned(), e.to_string()))?
        .ok_or_else(|| HistoryError::UnknownRevision(rev.to_owned(), "no common history".into()))?
        .detach();
    let tree = handle
        .find_commit(commit)
        .and_then(|c| c.tree_id())
        .map_err(|e| unknown("could not read the merge base", &e))?
        .detach();
    let (findings, blobs) = scan_tree(&repo, config, rules, tree)?;
    Ok(Base {
        commit,
        findings,
        blobs,
    })
}

/// What a scan of `tree`'s checkout finds, read from git objects, with the searched files'
/// blobs (sorted by path).
pub fn scan_tree(
    repo: &Repo,
    config: &Config,
    rules: &CompiledRules,
    tree: ObjectId,
) -> Result<(Findings, Vec<(RepoPath, ObjectId)>), HistoryError> {
    let handle = repo.handle();
    let selection = Selection {
        rules,
        hidden: config.settings.hidden,
        skip: vec![config.file_name(), config.settings.lock.clone()],
    };
    let files = Lister::new(repo, &selection).files(tree)?;
    let mut findings = Findings::default();
    let mut searcher = FileSearcher::new();
    for (path, blob) in files.iter() {
        let bytes = Repo::read_blob(&handle, *blob)?;
        let found = searcher
            .search(rules, path, &bytes)
            .map_err(|e| HistoryError::Git(format!("{path}: {e}")))?;
        findings.bytes = findings.bytes.saturating_add(bytes.len() as u64);
        if found.binary {
            findings.binary.push(path.clone());
        }
        findings.searched.push(path.clone());
        for (index, sites) in found.sites {
            if let Some(rule) = rules.rules.get(index) {
                findings
                    .sites
                    .entry(rule.id.clone())
                    .or_default()
                    .insert(path.clone(), sites);
            }
        }
    }
    for rule in &rules.rules {
        findings.sites.entry(rule.id.clone()).or_default();
    }
    Ok((findings, files.iter().cloned().collect()))
}

impl Base {
    /// Of `paths` (files in the working tree under `root`), those whose content differs from
    /// the base's or that the base does not have.
    pub fn changed<'a>(
        &self,
        root: &Path,
        paths: impl IntoIterator<Item = &'a RepoPath>,
    ) -> BTreeSet<RepoPath> {
        paths
            .into_iter()
            .filter(|path| {
                let Ok(index) = self.blobs.binary_search_by(|(p, _)| p.cmp(path)) else {
                    return true;
                };
                let Some((_, blob)) = self.blobs.get(index) else {
                    return true;
                };
                std::fs::read(root.join(path.as_str())).map_or(true, |bytes| {
                    gix::objs::compute_hash(blob.kind(), gix::objs::Kind::Blob, &bytes)
                        .is_ok_and(|id| id != *blob)
                })
            })
            .cloned()
            .collect()
    }
}
