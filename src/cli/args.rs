//! The command line, as clap derive types. Only shapes and help texts live here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Date;
use crate::report::Format;

/// Finish code migrations: count every old-pattern site and ratchet the count down to zero.
#[derive(Debug, Parser)]
#[command(
    name = "longtail",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Path to longtail.toml [default: search upward from the current directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Change to DIR before doing anything
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// When to use colours
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Number of search threads, at most 1024 [default: one per core]
    #[arg(short = 'j', long, global = true, value_name = "N",
          value_parser = clap::value_parser!(u16).range(..=1024))]
    pub threads: Option<u16>,

    /// Print only failures and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: every site, skipped binary files, scan statistics
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal (and NO_COLOR is unset)
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan, compare with longtail.lock, fail if a count rose or a deadline passed
    Check(CheckArgs),
    /// Write longtail.lock from a fresh scan (never raising a count unless allowed)
    Update(UpdateArgs),
    /// Write a starter longtail.toml (or one made of presets) and the first longtail.lock
    Init(InitArgs),
    /// List the rules with their remaining and locked counts
    Rules,
    /// Apply the `replace` of rules that have one, exactly at the sites `check` counts
    Fix(FixArgs),
    /// Break the remaining work into per-unit tasks for a person or a coding agent
    Plan(PlanArgs),
    /// List the built-in rule presets for `longtail init --preset`
    Presets,
    /// Merge two longtail.lock files (a git merge driver: keeps the lower count of each entry)
    MergeLock(MergeLockArgs),
    /// Show progress per migration and unit: sites left, units done, deadline, ETA
    Status(StatusArgs),
    /// Show sites left at past commits, the burn rate and ETA, and a burndown chart
    History(HistoryArgs),
    /// Many repositories: scan a list of them, merge their reports into one map
    #[command(subcommand)]
    Fleet(FleetCommand),
    /// Print the JSON Schema of longtail.toml, longtail.lock, the JSON report, the JSON plan or
    /// the fleet map
    Schema(SchemaArgs),
}

/// `longtail init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Write the rules of this preset instead of the starter example (repeatable; see
    /// `longtail presets`)
    #[arg(long = "preset", value_name = "NAME")]
    pub presets: Vec<String>,

    /// Also mark longtail.lock in .gitattributes to be merged by `longtail merge-lock`, and
    /// print the `git config` commands that register the driver (works on an existing project)
    #[arg(long)]
    pub merge_driver: bool,
}

/// `longtail fix`
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Only this rule (`migration/rule`) or every rule of this migration (repeatable)
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,

    /// Only files of this unit (repeatable; `(other)` for files in no unit)
    #[arg(long = "unit", value_name = "NAME")]
    pub units: Vec<String>,

    /// Print the changes as a unified diff (for `git apply`) and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Fix only these files or directories [default: the whole tree]
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

/// `longtail plan`
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Only this unit (repeatable; `(other)` for files in no unit)
    #[arg(long = "unit", value_name = "NAME")]
    pub units: Vec<String>,

    /// Output format: a Markdown tracking issue, or JSON briefs (schemas/plan.schema.json)
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown, value_name = "FORMAT")]
    pub format: PlanFormat,

    /// List at most N sites per unit and rule (the counts stay complete)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

/// `longtail plan --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A tracking issue with a checklist per unit
    Markdown,
    /// One brief per unit, for coding agents
    Json,
}

/// `longtail schema`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file's schema
    #[arg(value_enum)]
    pub which: SchemaKind,
}

/// The files longtail publishes a JSON Schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// longtail.toml (schemas/longtail.schema.json)
    Config,
    /// longtail.lock (schemas/longtail-lock.schema.json)
    Lock,
    /// The JSON report (schemas/report.schema.json)
    Report,
    /// The JSON plan (schemas/plan.schema.json)
    Plan,
    /// The fleet map (schemas/fleet.schema.json)
    Fleet,
}

/// `longtail fleet`
#[derive(Debug, clap::Subcommand)]
pub enum FleetCommand {
    /// Scan every repository of a list (or one shard of it), one JSON report per repository
    Scan(FleetScanArgs),
    /// Merge per-repository JSON reports into one map: Markdown, JSON or a self-contained HTML
    /// page
    Report(FleetReportArgs),
}

/// `longtail fleet scan`
#[derive(Debug, Args)]
pub struct FleetScanArgs {
    /// The repositories, one a line: a local path (relative to the file) or a git URL, then
    /// optionally a name; `#` starts a comment. With the global --config, that config is used
    /// for repositories without a longtail.toml of their own
    #[arg(long, value_name = "FILE")]
    pub repos: PathBuf,

    /// Where the reports go: NAME.json per repository (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Only this stable slice of the list, for a CI matrix: I of N, 1-based (a repository's
    /// shard follows from its name alone)
    #[arg(long, value_name = "I/N", value_parser = crate::fleet::parse_shard)]
    pub shard: Option<(u32, u32)>,

    /// Where remote repositories are fetched to and kept between runs [default:
    /// $XDG_CACHE_HOME/longtail/fleet, else ~/.cache/longtail/fleet]
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,

    /// Repositories scanned at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Also record each migration's sites left weekly since DATE (YYYY-MM-DD), for the
    /// fleet burndown (fetches that much history)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub history_since: Option<Date>,

    /// Exit 2 when a repository could not be scanned (it is reported either way)
    #[arg(long)]
    pub strict: bool,
}

/// `longtail fleet report`
#[derive(Debug, Args)]
pub struct FleetReportArgs {
    /// Directories of per-repository JSON reports (each shard's --out), or report files
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FleetFormat::Markdown, value_name = "FORMAT")]
    pub format: FleetFormat,

    /// Write the map to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `fleet report --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FleetFormat {
    /// A section per migration with a table of repositories
    Markdown,
    /// The map, versioned (schemas/fleet.schema.json)
    Json,
    /// One self-contained page: sortable tables, the burndown per migration
    Html,
}

/// `longtail check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Also fail when the lock is stale (counts went down, rules were added or removed) so CI
    /// can demand that the tightened lock is committed
    #[arg(long)]
    pub strict: bool,

    /// Write a report: FORMAT or FORMAT=PATH (no path or `-`: stdout); repeatable, all from
    /// the one scan. Formats: human, sarif, junit, gitlab, github, json, markdown. Without a
    /// report on stdout, the human report is printed there too
    #[arg(long = "report", value_name = "FORMAT[=PATH]", value_parser = parse_report)]
    pub reports: Vec<ReportTarget>,

    /// Which sites the github format annotates: those in files whose count rose, or all
    #[arg(long, value_enum, default_value_t = Annotate::New, value_name = "WHICH")]
    pub annotate: Annotate,

    /// SARIF category (automationDetails.id) [default: the config's directory within the git
    /// repository], so several configs can upload to code scanning side by side
    #[arg(long, value_name = "NAME")]
    pub category: Option<String>,

    /// Pull-request mode: compare with the merge base of HEAD and REF (e.g. origin/main), read
    /// from git objects, instead of the lock. `auto`: the base of the GitHub pull request
    /// (origin/$GITHUB_BASE_REF) or GitLab merge request ($CI_MERGE_REQUEST_DIFF_BASE_SHA), and
    /// the lock when there is neither
    #[arg(long, value_name = "REF", conflicts_with = "files")]
    pub base: Option<String>,

    /// With --base: whether a new site in a file whose count held (one removed, another
    /// added) only warns or fails the check
    #[arg(long, value_enum, default_value_t = NewSitesPolicy::Warn, value_name = "WHAT")]
    pub new_sites: NewSitesPolicy,

    /// Scan and compare only these files or directories (e.g. the staged files, from
    /// pre-commit); every other file keeps its locked count
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

/// `--new-sites`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewSitesPolicy {
    /// Report them as new (annotations, SARIF baselineState) and pass
    Warn,
    /// Report them and fail
    Fail,
}

/// `--annotate`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Annotate {
    /// Only sites in files whose count rose above the lock
    New,
    /// Every site
    All,
    /// New sites, and the old ones in files the pull request changes, as notices that never
    /// fail (with --base)
    Touched,
}

/// One `--report FORMAT[=PATH]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    /// The format.
    pub format: Format,
    /// Where to write it; `None` for stdout.
    pub path: Option<PathBuf>,
}

fn parse_report(text: &str) -> Result<ReportTarget, String> {
    let (name, path) = match text.split_once('=') {
        Some((name, path)) => (name, Some(path)),
        None => (text, None),
    };
    let format = Format::from_name(name).ok_or_else(|| {
        let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown format `{name}`; expected one of {}",
            names.join(", ")
        )
    })?;
    let path = match path {
        None | Some("-") => None,
        Some("") => return Err("an empty path; write FORMAT=PATH or FORMAT".to_owned()),
        Some(path) => Some(PathBuf::from(path)),
    };
    Ok(ReportTarget { format, path })
}

/// `longtail status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Human, value_name = "FORMAT")]
    pub format: StatusFormat,

    /// Days the burn rate (ETA) is measured over [default: settings.window, else 28]
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub window: Option<u32>,
}

/// `status --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// A headline and a table per migration
    Human,
    /// Everything, for scripts
    Json,
    /// For an issue or a job summary
    Markdown,
}

/// `longtail history`
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Read the committed longtail.lock at each commit that changed it, without scanning
    #[arg(long)]
    pub from_lock: bool,

    /// Only commits on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<Date>,

    /// Which commits of the first-parent history become points: the last of each week or
    /// day, or every commit (--from-lock: every commit that changed the lock)
    #[arg(long, value_enum, default_value_t = EveryArg::Week, value_name = "WHEN")]
    pub every: EveryArg,

    /// At most N points, the most recent
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max: Option<u32>,

    /// Directory of the blob count cache [default: .git/longtail]
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = HistoryFormat::Human, value_name = "FORMAT")]
    pub format: HistoryFormat,

    /// Also write the burndown chart as SVG to FILE
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,

    /// Days the burn rate (ETA) is measured over [default: settings.window, else 28]
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub window: Option<u32>,
}

/// `history --every`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EveryArg {
    /// Every commit
    Commit,
    /// The last commit of each day
    Day,
    /// The last commit of each week (Monday to Sunday)
    Week,
}

/// `history --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// A table of points and a trend line per migration
    Human,
    /// Points per migration, unit and rule, with the trend
    Json,
    /// commit,date,migration,unit,sites
    Csv,
    /// A Mermaid chart per migration (GitHub renders it)
    Markdown,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

/// `longtail update`
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Accept counts that rose above the lock
    #[arg(long)]
    pub allow_increase: bool,

    /// Repair a lock that holds git merge-conflict markers: take the lower count of each entry
    /// from both sides, then tighten it with a fresh scan
    #[arg(long)]
    pub resolve: bool,
}

/// `longtail merge-lock`
#[derive(Debug, Args)]
pub struct MergeLockArgs {
    /// The merge base's lock (git's %O): an entry it has and one side dropped is zero there
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// Our lock (git's %A); the merged lock is written here
    #[arg(value_name = "OURS")]
    pub ours: PathBuf,
    /// Their lock (git's %B)
    #[arg(value_name = "THEIRS")]
    pub theirs: PathBuf,
}
