//! The `longtail` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    longtail::cli::run(std::env::args_os())
}
