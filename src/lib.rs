//! longtail finishes code migrations: it counts every remaining old-pattern site with
//! ripgrep's own search crates and enforces a ratchet, so the count only goes down.
//!
//! Data flows one way: [`config`] → [`rules`] (compiled) → one parallel [`scan`] →
//! [`model::Findings`] → [`check`] (the ratchet's verdict) → [`report`] and the exit code
//! ([`cli`]). [`lock`] reads and writes the committed counts.

mod atomic;
pub mod chart;
pub mod check;
pub mod cli;
pub mod config;
mod confine;
pub mod diag;
pub mod fix;
pub mod fleet;
pub mod history;
pub mod lock;
pub mod model;
pub mod plan;
pub mod pr;
pub mod presets;
pub mod report;
pub mod rules;
pub mod scan;
pub mod status;
pub mod trend;
pub mod units;
