//! `longtail presets`: the built-in rule sets, for `longtail init --preset`.

use std::fmt::Write as _;

use super::Outcome;
use crate::presets;

/// Runs `presets`.
pub(super) fn run() -> miette::Result<Outcome> {
    let width = presets::ALL.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for preset in presets::ALL {
        let _ = writeln!(
            text,
            "{:<width$}  {:>2} rules  {}",
            preset.name,
            presets::rule_count(preset),
            preset.summary
        );
    }
    text.push_str("\nuse: longtail init --preset NAME [--preset NAME]...\n");
    super::emit(text.as_bytes())?;
    Ok(Outcome::Success)
}
