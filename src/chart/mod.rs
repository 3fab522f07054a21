//! Charts of a migration's history: a standalone SVG burndown (`svg`) and a Mermaid
//! `xychart-beta` block that GitHub renders in Markdown (`mermaid`). Both take finished series
//! and return text; neither touches git, the clock or the file system.

pub mod mermaid;
pub mod svg;
