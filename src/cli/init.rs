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
        // An adopted project may still want the merge driver.
        if args.merge_driver && args.presets.is_empty() {
            return merge_driver(session);
        }
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
    let outcome = super::update::write_lock(session, &project, None, &findings, false)?;
    if args.merge_driver {
        return merge_driver(session);
    }
    Ok(outcome)
}

/// Marks the lock in `.gitattributes` (next to longtail.toml) for the `longtail` merge driver
/// and prints how to register the driver, which git only reads from a clone's own config.
fn merge_driver(session: &Session) -> miette::Result<Outcome> {
    let project = session.load()?;
    let lock = &project.config.settings.lock;
    // Without a slash the pattern would match a lock of that name in any directory.
    let pattern = if lock.contains('/') {
        format!("/{}", lock.trim_start_matches("./"))
    } else {
        lock.clone()
    };
    let line = format!("{pattern} merge=longtail");
    let path = project.config.root.join(".gitattributes");
    crate::confine::inside(&project.config.root, &path)
        .into_diagnostic()
        .wrap_err("`.gitattributes` is not used")?;
    let old = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => {
            return Err(err)
                .into_diagnostic()
                .wrap_err("could not read .gitattributes");
        }
    };
    let shown = session.shown(&path);
    let mut message = String::new();
    if old.lines().any(|l| l.trim() == line) {
        message.push_str(&format!("{shown} already has `{line}`\n"));
    } else {
        let mut text = old;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
        crate::atomic::write(&path, text.as_bytes())
            .into_diagnostic()
            .wrap_err_with(|| format!("could not write {}", path.display()))?;
        message.push_str(&format!("wrote `{line}` to {shown}; commit it\n"));
    }
    message.push_str(MERGE_DRIVER_HELP);
    super::emit_after_write(message.as_bytes());
    Ok(Outcome::Success)
}

/// The commands that register the driver in a clone (each developer and CI runs them once).
const MERGE_DRIVER_HELP: &str =
    "register the merge driver in each clone (git never reads it from the repository):
  git config merge.longtail.name \"longtail lock merge\"
  git config merge.longtail.driver \"longtail merge-lock %O %A %B\"
";

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
