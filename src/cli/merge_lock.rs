//! `longtail merge-lock BASE OURS THEIRS`: git's merge driver for longtail.lock, a three-way
//! merge of the locks (see `lock::merge3`). Needs no config (during a merge the config may
//! itself be in conflict).

use miette::{IntoDiagnostic, WrapErr};

use super::Outcome;
use super::args::MergeLockArgs;
use super::session::Session;
use crate::lock::{self, Lock};

/// Runs `merge-lock`.
pub(super) fn run(session: &Session, args: &MergeLockArgs) -> miette::Result<Outcome> {
    let read = |path: &std::path::Path| -> miette::Result<Lock> {
        let full = session.cwd.join(path);
        let bytes = std::fs::read(&full)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read {}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        // A side may hold markers already (a recursive merge of criss-crossed branches).
        Ok(lock::parse_resolving(&path.display().to_string(), &text)?.0)
    };
    // Git passes an empty file as the base when the lock did not exist there.
    let base = match std::fs::metadata(session.cwd.join(&args.base)) {
        Ok(meta) if meta.len() == 0 => Lock::default(),
        _ => read(&args.base)?,
    };
    let ours = read(&args.ours)?;
    let theirs = read(&args.theirs)?;
    let merged = lock::merge3(&base, &ours, &theirs);
    let path = session.cwd.join(&args.ours);
    lock::write(&path, &merged)
        .into_diagnostic()
        .wrap_err_with(|| format!("could not write {}", path.display()))?;
    Ok(Outcome::Success)
}
