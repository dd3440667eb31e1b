//! `appsflyer-s2s`: see the crate docs and `cli/README.md`.

use std::process::ExitCode;

use appsflyer_s2s_cli::args::{Cli, Command};
use appsflyer_s2s_cli::cmd;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(a) => cmd::check::run(a),
        Command::Send(a) => cmd::send::run(a),
        Command::Hash(a) => cmd::hash::run(a),
        Command::Build(a) => cmd::build::run(a),
    };
    match result {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
