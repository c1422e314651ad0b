//! The `xinyong` binary: parse configuration, start logging, run the command.
#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = xinyong::config::Cli::parse();
    xinyong::telemetry::init(cli.config.log_format);
    match xinyong::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
