//! Curated rule sets from official migration guides, embedded as TOML fragments of
//! `longtail.toml` (one `[migrations.ID]` table each). Owns only the data and how fragments
//! are joined into a config; validating them is the config loader's job, as for any config.

#[cfg(test)]
mod tests;

/// One preset: a migration with its rules, ready to append to longtail.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The name given to `init --preset`, also the migration's id.
    pub name: &'static str,
    /// One line saying what it covers.
    pub summary: &'static str,
    /// The TOML fragment.
    pub text: &'static str,
}

/// Every preset, in the order `longtail presets` lists them.
pub const ALL: &[Preset] = &[
    Preset {
        name: "pydantic-v2",
        summary: "Pydantic v1 to v2 (docs.pydantic.dev migration guide; bump-pydantic leftovers)",
        text: include_str!("pydantic-v2.toml"),
    },
    Preset {
        name: "sqlalchemy-2",
        summary: "SQLAlchemy 1.x to 2.0 (the 2.0 migration guide: Query API, engine and ORM changes)",
        text: include_str!("sqlalchemy-2.toml"),
    },
    Preset {
        name: "fastapi-lifespan",
        summary: "FastAPI startup/shutdown events to the lifespan context manager",
        text: include_str!("fastapi-lifespan.toml"),
    },
    Preset {
        name: "python-3.9",
        summary: "Python 3.9+ idioms (pyupgrade / ruff UP rules: typing generics, old-style syntax)",
        text: include_str!("python-3.9.toml"),
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.name == name)
}

/// The preset names, for help texts and errors.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|p| p.name).collect()
}

/// How many rules `preset` has.
pub fn rule_count(preset: &Preset) -> usize {
    let table: toml::Table = toml::from_str(preset.text).unwrap_or_default();
    table
        .get("migrations")
        .and_then(|m| m.get(preset.name))
        .and_then(|m| m.get("rules"))
        .and_then(toml::Value::as_table)
        .map_or(0, toml::Table::len)
}

/// A whole longtail.toml: `header` (settings and units), then each preset's fragment.
pub fn config_text(header: &str, chosen: &[&Preset]) -> String {
    let mut text = header.trim_end().to_owned();
    text.push('\n');
    for preset in chosen {
        text.push('\n');
        text.push_str(preset.text.trim_end());
        text.push('\n');
    }
    text
}
