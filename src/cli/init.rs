//! `longtail init`: a commented starter longtail.toml and the first lock. Refuses to overwrite
//! either file.

use miette::{Diagnostic, IntoDiagnostic, WrapErr};

use super::Outcome;
use super::args::InitArgs;
use super::session::{Session, load_text};
use crate::presets::{self, Preset};

/// The starter config's settings and units, every key shown.
const HEADER: &str = include_str!("starter-header.toml");
/// The starter migration (Pydantic v1 to v2) to edit, when no preset is chosen.
const EXAMPLE: &str = include_str!("starter-example.toml");

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("`{}` already exists", .0.display())]
#[diagnostic(
    code(longtail::init::exists),
    help(
        "longtail init never overwrites; edit the existing file, or run `longtail update` to refresh the lock"
    )
)]
struct Exists(std::path::PathBuf);

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("no preset is called `{0}`")]
#[diagnostic(
    code(longtail::init::preset),
    help("presets: {1} (`longtail presets` describes them)")
)]
struct UnknownPreset(String, String);

/// Runs `init`.
pub(super) fn run(session: &Session, args: &InitArgs) -> miette::Result<Outcome> {
    let text = starter(&args.presets)?;
    let path = session.new_config_path();
    if path.exists() {
        return Err(Exists(path).into());
    }
    let project = load_text(&path, &session.shown(&path), &text)?;
    let lock_path = session.lock_path(&project)?;
    if lock_path.exists() {
        return Err(Exists(lock_path).into());
    }
    // Scan before writing anything, so a failed init leaves no half-initialised repository.
    let findings = session.scan(&project, None);
    if findings.incomplete() {
        return super::update::incomplete_scan(&findings);
    }
    crate::atomic::write(&path, text.as_bytes())
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

/// The config `init` writes: the example migration, or the chosen presets (each once, in the
/// order given).
fn starter(names: &[String]) -> miette::Result<String> {
    if names.is_empty() {
        return Ok(presets::config_text(
            HEADER,
            &[&Preset {
                name: "",
                summary: "",
                text: EXAMPLE,
            }],
        ));
    }
    let mut chosen: Vec<&Preset> = Vec::new();
    for name in names {
        let preset = presets::find(name)
            .ok_or_else(|| UnknownPreset(name.clone(), presets::names().join(", ")))?;
        if !chosen.contains(&preset) {
            chosen.push(preset);
        }
    }
    Ok(presets::config_text(HEADER, &chosen))
}
