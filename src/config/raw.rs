//! The file format of `longtail.toml`, exactly as users write it: key names, types, defaults,
//! and the docs that become `schemas/longtail.schema.json` (for editor completion and
//! validation). Spans are kept for the values later stages check. Validation lives in the
//! parent module.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::{Granularity, Severity};

/// longtail.toml: the migrations a repository is finishing, their rules, and units of work.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "longtail.toml")]
#[schemars(rename = "Config")]
pub(super) struct RawConfig {
    /// Where the lock lives, the ratchet's granularity, and which files are searched.
    #[serde(default)]
    pub(super) settings: RawSettings,
    /// Units of work ("services"); a file belongs to the first unit, in this order, that
    /// matches it. Progress is counted per unit; files in no unit belong to `(other)`. A name
    /// that is a glob ending in `/*` (`[units."services/*"]`) makes one unit per matching
    /// directory, named by its path (`services/auth`), and takes no `paths`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RawUnit>")]
    pub(super) units: IndexMap<Spanned<String>, RawUnit>,
    /// Migrations by id (ASCII letters, digits, `-`, `_`, `.`).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RawMigration>")]
    #[schemars(extend("propertyNames" = { "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$" }))]
    pub(super) migrations: IndexMap<Spanned<String>, RawMigration>,
}

/// `[settings]`
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Settings")]
pub(super) struct RawSettings {
    /// The lock's path, relative to this file; it must stay inside the repository.
    #[schemars(with = "Option<String>", extend("default" = "longtail.lock"))]
    pub(super) lock: Option<Spanned<String>>,
    /// Where a count may not rise: per rule per `file`, per rule per `unit`, or per `rule`.
    #[serde(default)]
    pub(super) ratchet: Granularity,
    /// Search hidden files and directories too (`rg --hidden`).
    #[serde(default)]
    pub(super) hidden: bool,
    /// Globs (gitignore syntax, as `rg --glob`) a searched file must match; empty: every file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) include: Vec<Spanned<String>>,
    /// Globs of files and directories to skip (as `rg --glob '!GLOB'`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) exclude: Vec<Spanned<String>>,
    /// `"codeowners"`: one unit per owner in the repository's CODEOWNERS file
    /// (`.github/CODEOWNERS`, `CODEOWNERS` or `docs/CODEOWNERS`, GitHub's syntax, the last
    /// matching line wins), after any `[units]`; files nobody owns belong to `(other)`.
    pub(super) units: Option<UnitSource>,
    /// Days of history the burn rate (and so the ETA) is taken over (default 28).
    #[schemars(with = "Option<u32>", range(min = 1, max = 3660))]
    pub(super) window: Option<Spanned<i64>>,
}

/// Where units come from besides `[units]`.
#[derive(Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnitSource {
    /// The owners in CODEOWNERS.
    Codeowners,
}

/// A unit of work.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Unit")]
pub(super) struct RawUnit {
    /// Gitignore-style globs; a matching directory takes every file below it. Required, except
    /// for a generated unit (`[units."services/*"]`), which takes none.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) paths: Vec<Spanned<String>>,
    /// Who owns the unit, e.g. `@acme/auth`.
    pub(super) owner: Option<String>,
}

/// A migration: a group of rules with a shared deadline.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Migration")]
pub(super) struct RawMigration {
    /// Human title; defaults to the id.
    pub(super) title: Option<String>,
    /// Link to the migration guide (http or https).
    #[schemars(with = "Option<String>", extend("format" = "uri"))]
    pub(super) docs: Option<Spanned<String>>,
    /// A TOML date (`2027-03-31`); after it, any remaining site fails `longtail check`.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub(super) deadline: Option<Spanned<toml::value::Datetime>>,
    /// Who drives the migration.
    pub(super) owner: Option<String>,
    /// Warn this many days before the deadline while sites remain (`check` still passes).
    #[schemars(with = "Option<u32>", range(min = 0, max = 3660))]
    pub(super) warn_days: Option<Spanned<i64>>,
    /// Rules by name (ASCII letters, digits, `-`, `_`, `.`); a rule's id is `migration/rule`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RawRule>")]
    #[schemars(extend("propertyNames" = { "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$" }))]
    pub(super) rules: IndexMap<Spanned<String>, RawRule>,
}

/// A deprecation rule.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub(super) struct RawRule {
    /// The old pattern, in ripgrep's (Rust regex) syntax.
    #[schemars(with = "String", extend("minLength" = 1))]
    pub(super) pattern: Spanned<String>,
    /// What to do instead, shown at every site.
    #[schemars(with = "String", extend("minLength" = 1))]
    pub(super) message: Spanned<String>,
    /// How loudly sites are reported.
    #[serde(default)]
    pub(super) severity: Severity,
    /// Globs narrowing the files this rule searches (as `rg -g GLOB`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) paths: Vec<Spanned<String>>,
    /// Globs of files this rule skips (as `rg -g '!GLOB'`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) exclude: Vec<Spanned<String>>,
    /// The mechanical replacement `longtail fix` applies; `$1` / `${name}` as in
    /// `rg --replace`.
    #[schemars(with = "Option<String>")]
    pub(super) replace: Option<Spanned<String>>,
    /// The codemod that handles this rule's sites (e.g. `bump-pydantic`), shown in
    /// `longtail plan`; informational only, never executed.
    pub(super) codemod: Option<String>,
    /// Docs link for this rule; defaults to the migration's.
    #[schemars(with = "Option<String>", extend("format" = "uri"))]
    pub(super) docs: Option<Spanned<String>>,
    /// Match case-insensitively (`rg -i`).
    #[serde(default)]
    pub(super) ignore_case: bool,
    /// Match whole words only (`rg -w`).
    #[serde(default)]
    pub(super) word: bool,
    /// Match the pattern as literal text (`rg -F`).
    #[serde(default)]
    pub(super) literal: bool,
    /// Let the pattern match across lines (`rg -U`).
    #[serde(default)]
    pub(super) multiline: bool,
}

/// The JSON Schema of longtail.toml, as committed in `schemas/longtail.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(RawConfig);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
