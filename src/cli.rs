//! The commands of the `xinyong` binary.

use crate::clock::Clock;
use crate::config::{Cli, Command, Config, ServeArgs, TokenCommand};
use crate::startup::{Application, StartError, build_state, shutdown_signal};
use entity::StaffRole;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(cli.config, args).await,
        Command::Migrate => {
            build_state(cli.config, Clock::system()).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Token(TokenCommand::Create { role, name }) => {
            token_create(cli.config, &role, name).await
        }
    }
}

async fn serve(config: Config, args: ServeArgs) -> Result<(), StartError> {
    let _ = args.demo;
    let app = Application::build(config, Clock::system()).await?;
    tracing::info!(addr = %app.local_addr()?, "listening");
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(())
}

async fn token_create(config: Config, role: &str, name: String) -> Result<(), StartError> {
    let role = match role {
        "admin" => StaffRole::Admin,
        "editor" => StaffRole::Editor,
        "reviewer" => StaffRole::Reviewer,
        other => {
            return Err(StartError::Config(format!(
                "--role `{other}` is not one of admin, editor, reviewer"
            )));
        }
    };
    let state = build_state(config, Clock::system()).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    let (member, token) =
        crate::services::staff::create(&txn, &state.write_ctx("cli".into()), name, role)
            .await
            .map_err(|e| StartError::Config(e.message))?;
    txn.commit().await?;
    eprintln!(
        "created staff member {} ({role:?}); the token is shown only this once:",
        member.id
    );
    println!("{token}");
    Ok(())
}
