//! The `greffe` command.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    std::process::ExitCode::from(greffe::cli::run(std::env::args_os(), &mut out, &mut err))
}
