//! The `ngxplay` command: file IO and terminal/JSON output over ngxplay-core, nothing else.

mod args;
mod check_cmd;
mod diff_cmd;
mod inputs;
mod junit;
mod render;
mod route_cmd;
mod test_cmd;

use std::process::ExitCode;

use clap::Parser;

/// The engine makes many small allocations; mimalloc handles them markedly faster than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help and version to stdout with success; real usage errors exit with 2.
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let code = match cli.command {
        args::Command::Check(a) => check_cmd::run(&a),
        args::Command::Route(a) => route_cmd::run(&a),
        args::Command::Test(a) => test_cmd::run(&a),
        args::Command::Diff(a) => diff_cmd::run(&a),
    };
    ExitCode::from(code)
}

/// Lets `ngxplay route … | head` end quietly, as Unix tools do, instead of panicking on a closed pipe.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting SIGPIPE back to its default action before any thread starts is sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
