//! The `greffe` command.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    // Unlocked handles: each write locks briefly, so that another thread
    // (a solver worker's panic message, a log line) can always write too.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    std::process::ExitCode::from(greffe::run(std::env::args_os(), &mut out, &mut err))
}
