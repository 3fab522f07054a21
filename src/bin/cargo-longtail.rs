//! `cargo longtail …`: cargo runs `cargo-longtail longtail …`; drop that extra word and run the
//! same CLI as `longtail`.

fn main() -> std::process::ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|arg| arg == "longtail") {
        args.remove(1);
    }
    longtail::cli::run(args)
}
