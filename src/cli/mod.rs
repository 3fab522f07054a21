//! The command line: parsing arguments, finding and loading the config, running one
//! subcommand, printing, and the exit code. The only module that touches stdout/stderr or the
//! clock, and the only one that sees `miette::Report`.

mod args;
mod check;
mod fix;
mod fleet;
mod history;
mod init;
mod merge_lock;
mod plan;
mod presets;
mod rules;
mod select;
mod session;
mod status;
mod update;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
use args::{ColorWhen, Command};
pub use session::Session;

/// How a run ended. Ordered so that merging keeps the worst: an error beats a failed ratchet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Exit 0: the ratchet holds.
    Success,
    /// Exit 1: a count rose or a deadline passed.
    Failed,
    /// Exit 2: usage, config, lock or I/O error, or an incomplete scan.
    Error,
}

impl Outcome {
    /// The worse of two outcomes.
    #[must_use]
    pub fn merge(self, other: Outcome) -> Outcome {
        self.max(other)
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failed => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

/// Runs longtail with `args` (the program name first) and returns the exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and --version print to stdout and succeed; usage errors exit 2.
            let _ = err.print();
            let outcome = if err.use_stderr() {
                Outcome::Error
            } else {
                Outcome::Success
            };
            return outcome.into();
        }
    };
    let color = match cli.color {
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Auto => anstream::ColorChoice::Auto,
    };
    color.write_global();
    let stderr_color = match cli.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never
        }
    };
    // COLUMNS, when set, wins over the terminal's width (and gives tests a fixed one).
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok());
    let _ = miette::set_hook(Box::new(move |_| {
        let mut options = miette::MietteHandlerOpts::new()
            .color(stderr_color)
            .unicode(stderr_color)
            .terminal_links(false);
        if let Some(width) = width {
            options = options.width(width);
        }
        Box::new(options.build())
    }));
    match execute(&cli) {
        Ok(outcome) => outcome.into(),
        Err(report) => {
            let _ = writeln!(io::stderr(), "{report:?}");
            Outcome::Error.into()
        }
    }
}

fn execute(cli: &Cli) -> miette::Result<Outcome> {
    let session = Session::new(cli)?;
    match &cli.command {
        Command::Check(args) => check::run(&session, args),
        Command::Update(args) => update::run(&session, args),
        Command::Init(args) => init::run(&session, args),
        Command::Rules => rules::run(&session),
        Command::Fix(args) => fix::run(&session, args),
        Command::Plan(args) => plan::run(&session, args),
        Command::Presets => presets::run(),
        Command::MergeLock(args) => merge_lock::run(&session, args),
        Command::Status(args) => status::run(&session, args),
        Command::History(args) => history::run(&session, args),
        Command::Fleet(args::FleetCommand::Scan(args)) => fleet::scan(&session, args),
        Command::Fleet(args::FleetCommand::Report(args)) => fleet::report(&session, args),
        Command::Schema(args) => {
            let text = match args.which {
                args::SchemaKind::Config => crate::config::schema(),
                args::SchemaKind::Lock => crate::lock::schema(),
                args::SchemaKind::Report => crate::report::json::schema(),
                args::SchemaKind::Plan => crate::plan::schema(),
                args::SchemaKind::Fleet => crate::fleet::map::schema(),
            };
            emit(text.as_bytes())?;
            Ok(Outcome::Success)
        }
    }
}

/// Writes rendered output to stdout (stripping colour when it is not wanted). A closed pipe
/// (`longtail check | head`) only stops the printing: the run's outcome stays what the ratchet
/// said, so a failing check still fails.
/// Reports what a command already did (a lock or config written): the work stands even when
/// stdout is gone, so a failure to tell about it must not turn the run into an error.
fn emit_after_write(bytes: &[u8]) {
    let mut out = anstream::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
}

fn emit(bytes: &[u8]) -> miette::Result<()> {
    let mut out = anstream::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(miette::miette!("could not write to stdout: {err}"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn errors_beat_failures_beat_success() {
        use Outcome::*;
        assert_eq!(Success.merge(Failed), Failed);
        assert_eq!(Failed.merge(Error), Error);
        assert_eq!(Error.merge(Success), Error);
        assert_eq!(Success.merge(Success), Success);
    }
}
