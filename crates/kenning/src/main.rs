//! The `kenning` command: glue between the command line and the library
//! crates. It parses arguments, draws progress, prints results, and turns
//! errors into one line and a non-zero exit; it holds no logic of its own.

#![forbid(unsafe_code)]

mod cli;
mod live_records;
mod output;
mod progress;
mod wikify_input;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause whose text the
/// message before it already includes (library errors embed their source).
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line.replace('\n', " ")
}
