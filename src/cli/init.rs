//! `longtail init`: a commented starter longtail.toml and the first lock. Refuses to overwrite
//! either file.

use miette::{Diagnostic, IntoDiagnostic, WrapErr};

use super::Outcome;
use super::session::{Session, load_text};

/// The starter config: one real migration (Pydantic v1 to v2) to edit, and every key shown.
const STARTER: &str = include_str!("starter.toml");

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("`{}` already exists", .0.display())]
#[diagnostic(
    code(longtail::init::exists),
    help(
        "longtail init never overwrites; edit the existing file, or run `longtail update` to refresh the lock"
    )
)]
struct Exists(std::path::PathBuf);

/// Runs `init`.
pub(super) fn run(session: &Session) -> miette::Result<Outcome> {
    let path = session.new_config_path();
    if path.exists() {
        return Err(Exists(path).into());
    }
    let project = load_text(&path, &session.shown(&path), STARTER)?;
    let lock_path = session.lock_path(&project)?;
    if lock_path.exists() {
        return Err(Exists(lock_path).into());
    }
    // Scan before writing anything, so a failed init leaves no half-initialised repository.
    let findings = session.scan(&project, None);
    if findings.incomplete() {
        return super::update::incomplete_scan(&findings);
    }
    crate::atomic::write(&path, STARTER.as_bytes())
        .into_diagnostic()
        .wrap_err_with(|| format!("could not write {}", path.display()))?;
    if !session.quiet {
        let line = format!(
            "wrote {}: edit its migrations and rules\n",
            session.shown(&path)
        );
        super::emit_after_write(line.as_bytes());
    }
    super::update::write_lock(session, &project, None, &findings, false)
}
