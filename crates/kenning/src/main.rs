//! The `kenning` command: glue between the command line and the library
//! crates. It parses arguments, draws progress, prints results, and turns
//! errors into one line and a non-zero exit; it holds no logic of its own.

mod cli;
mod output;
mod progress;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            // One line: the error and its causes, no backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
