//! Remote repositories of the fleet, fetched with gix into a cache of bare repositories: a
//! shallow clone the first time, a fetch into it after that, so a nightly run moves only new
//! objects. Nothing is checked out: the scan reads the fetched commit's tree from git objects.
//! Knows nothing of configs, scanning or reports.

use std::num::NonZeroU32;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::remote::fetch::Shallow;

use crate::config::Date;

/// How much history to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The tip commit only: enough to scan it.
    Tip,
    /// Every commit since the day (for the burndown).
    Since(Date),
}

/// Brings the cache at `git_dir` up to date with the default branch of `url`, cloning it when
/// absent, and points its HEAD at the fetched commit, which it returns.
pub fn update(url: &str, git_dir: &Path, depth: Depth) -> Result<ObjectId, String> {
    let interrupt = AtomicBool::new(false);
    let shallow = match depth {
        Depth::Tip => Shallow::DepthAtRemote(NonZeroU32::MIN),
        Depth::Since(day) => Shallow::Since {
            cutoff: gix::date::Time::new(day.unix_days() * 86_400, 0),
        },
    };
    let (repo, outcome) = if git_dir.join("HEAD").is_file() {
        let repo = gix::open(git_dir).map_err(|e| chain("could not open the cache", &e))?;
        // Only the default branch is needed: fetch what the remote's HEAD points at.
        let remote = repo
            .remote_at(url)
            .map_err(|e| chain("not a usable URL", &e))?
            .with_refspecs(
                Some("+HEAD:refs/remotes/origin/HEAD"),
                gix::remote::Direction::Fetch,
            )
            .map_err(|e| chain("could not set up the fetch", &e))?;
        let outcome = remote
            .connect(gix::remote::Direction::Fetch)
            .map_err(|e| chain("could not connect", &e))?
            .prepare_fetch(gix::progress::Discard, Default::default())
            .map_err(|e| chain("could not prepare the fetch", &e))?
            .with_shallow(shallow)
            .receive(gix::progress::Discard, &interrupt)
            .map_err(|e| chain("could not fetch", &e))?;
        (repo, outcome)
    } else {
        std::fs::create_dir_all(git_dir).map_err(|e| chain("could not create the cache", &e))?;
        gix::prepare_clone_bare(url, git_dir)
            .map_err(|e| chain("could not clone", &e))?
            .with_shallow(shallow)
            .fetch_only(gix::progress::Discard, &interrupt)
            .map_err(|e| chain("could not clone", &e))?
    };
    let head = outcome
        .ref_map
        .remote_refs
        .iter()
        .find_map(|r| {
            let (name, target, peeled) = r.unpack();
            (name == "HEAD").then(|| peeled.or(target).map(ToOwned::to_owned))
        })
        .flatten()
        .ok_or_else(|| "the remote has no default branch (HEAD)".to_owned())?;
    repo.reference(
        "HEAD",
        head,
        gix::refs::transaction::PreviousValue::Any,
        "longtail fleet: fetched",
    )
    .map_err(|e| chain("could not record the fetched commit", &e))?;
    Ok(head)
}

/// An error with its causes, on one line.
fn chain(what: &str, err: &dyn std::error::Error) -> String {
    let mut text = format!("{what}: {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
