//! End-to-end tests of the real `longtail` binary on trees built in temporary directories,
//! compared with the real `rg` and the real `git`. One test binary, one module per area:
//! - `parity`: every count equals `rg --count-matches` with the mapped flags;
//! - `ratchet`: check/update scenarios in a git repository;
//! - `errors`: each kind of bad input gets a diagnostic, exit 2 and no file written;
//! - `commands`: init, rules, pre-commit mode (FILES), global options, the example tree;
//! - `finishing`: fix, plan, presets;
//! - `pr`: pull-request mode against a merge base, with the real git;
//! - `presets`: every preset rule counts its cases as the real rg does;
//! - `merging`: the lock's merge driver and `update --resolve`, with the real git;
//! - `readme`: the output the README shows is the real output;
//! - `reports`, `integrations`, `templates`: report formats, schemas, cargo, pre-commit, GitLab;
//! - `units`: generated and CODEOWNERS units, `warn_days`;
//! - `history`: history, status and the chart on a synthetic git repository;
//! - `fleet`: many repositories scanned in shards and merged into one map.

#![allow(
    unreachable_pub,
    reason = "a test binary exports nothing; pub marks what the modules share"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a panic is a failed test"
)]

mod commands;
mod errors;
mod faults;
mod finishing;
mod fleet;
mod history;
mod integrations;
mod merging;
mod parity;
mod pr;
mod presets;
mod ratchet;
mod readme;
mod reports;
mod support;
mod templates;
mod units;
