//! The `ngxplay` command: file IO and terminal/JSON output over ngxplay-core, nothing else.

mod args;
mod check_cmd;
mod inputs;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
    };
    ExitCode::from(code)
}
