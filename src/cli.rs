//! The commands of the `xinyong` binary.

use crate::clock::Clock;
use crate::config::{
    AuditCommand, Cli, Command, Config, ImportArgs, ReindexArgs, ReportCommand, SeedArgs,
    ServeArgs, TokenCommand,
};
use crate::startup::{Application, StartError, build_state, shutdown_signal};
use crate::state::AppState;
use entity::StaffRole;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::time::Instant;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(cli.config, args).await,
        Command::Migrate => {
            build_state(cli.config, Clock::system()).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Reindex(ReindexArgs {
            server: Some(server),
            token,
        }) => crate::remote::reindex(&server, token.as_deref()).await,
        Command::Reindex(_) => {
            let _lock = crate::startup::lock_index(&cli.config)?;
            let state = build_state(cli.config, Clock::system()).await?;
            reindex(&state).await
        }
        Command::Seed(args) => seed(cli.config, args).await,
        Command::Import(args) => import(cli.config, args).await,
        Command::Audit(AuditCommand::Verify { checkpoints }) => {
            audit_verify(cli.config, checkpoints.as_deref()).await
        }
        Command::Audit(AuditCommand::Checkpoint { out }) => {
            audit_checkpoint(cli.config, out.as_deref()).await
        }
        Command::Expire => {
            let state = build_state(cli.config, Clock::system()).await?;
            let n = crate::workers::expiry::run_once(&state).await?;
            // Like `import`: the search outbox rows are committed; the server's indexer applies
            // them (the embedded index belongs to the running server).
            eprintln!("publicity ended for {n} entries");
            Ok(())
        }
        Command::Token(TokenCommand::List) => token_list(cli.config).await,
        Command::Token(TokenCommand::Revoke { id }) => token_revoke(cli.config, id).await,
        Command::Token(TokenCommand::Create { role, name }) => {
            token_create(cli.config, role.into(), name).await
        }
        Command::Backup { out } => {
            let state = build_state(cli.config, Clock::system()).await?;
            let m =
                crate::backup::backup(&state.db, &state.config, state.clock.now(), &out).await?;
            println!(
                "backup written to {}: {} subjects, {} entries, {} audit events, {} bytes (SHA-256 {})",
                out.display(),
                m.subjects,
                m.entries,
                m.audit_events,
                m.database_bytes,
                m.database_sha256
            );
            Ok(())
        }
        Command::Restore { from } => {
            let r = crate::backup::restore(cli.config, &from).await?;
            println!(
                "restored the backup of {}: index rebuilt ({} subjects, {} entries, {} notices), audit chain of {} events verified",
                r.manifest.created_at, r.indexed.0, r.indexed.1, r.indexed.2, r.audit_events
            );
            Ok(())
        }
        Command::Report(ReportCommand::Verify {
            file,
            keys,
            public_key,
        }) => report_verify(&cli.config, &file, keys.as_deref(), public_key.as_deref()),
    }
}

/// `report verify FILE`: checks a saved document offline and prints the verdict; a document that
/// is not genuine exits with status 1.
fn report_verify(
    config: &Config,
    file: &Path,
    keys_file: Option<&Path>,
    public_key: Option<&str>,
) -> Result<(), StartError> {
    use crate::signing::{self, KeyStatus, PublicKey};
    let bytes =
        std::fs::read(file).map_err(|e| failed(&format!("reading {}", file.display()), e))?;
    let keys: Vec<PublicKey> = match (keys_file, public_key) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| failed(&format!("reading {}", path.display()), e))?;
            signing::parse_keys_document(&text)
                .map_err(|e| failed(&format!("keys {}", path.display()), e))?
        }
        (None, Some(key)) => {
            let key = signing::parse_public_key(key).map_err(|e| failed("--public-key", e))?;
            vec![PublicKey {
                key_id: signing::key_id_of(&key),
                key,
                status: KeyStatus::Current,
            }]
        }
        (None, None) => crate::startup::load_signer(config)?.keys().to_vec(),
    };
    let Some(document) = crate::services::reports::document_in_file(&bytes) else {
        println!(
            "NOT VERIFIED: {} is not a signed document (a report's JSON, or a PDF report carrying it)",
            file.display()
        );
        std::process::exit(1);
    };
    let field = |k: &str| {
        document
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("-")
            .to_owned()
    };
    let number = document
        .get("report_number")
        .or_else(|| document.get("id"))
        .and_then(|v| v.as_str())
        .unwrap_or("-");
    match signing::verify(&document, &keys) {
        Ok(key) => {
            println!(
                "GENUINE: {} {number}, issued {}, verification code {}, signed by key {} ({})",
                field("type"),
                field("issued_at"),
                field("verification_code"),
                key.key_id,
                match key.status {
                    KeyStatus::Current => "current",
                    KeyStatus::Retired => "retired",
                },
            );
            println!(
                "Whether the record has changed since: open {}",
                field("verify_url")
            );
            Ok(())
        }
        Err(e) => {
            println!("NOT VERIFIED: {} {number}: {e}", field("type"));
            std::process::exit(1);
        }
    }
}

/// `audit verify`: the chain and every checkpoint (stored, and those in `file`); the verdict names
/// what broke.
async fn audit_verify(config: Config, file: Option<&Path>) -> Result<(), StartError> {
    use crate::services::audit::{self, Checkpoint, Verdict};
    let given: Vec<Checkpoint> = match file {
        None => Vec::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| failed(&format!("checkpoints {}", path.display()), e))?;
            let mut given = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                given.push(serde_json::from_str(line).map_err(|e| {
                    failed(&format!("checkpoints {} line {}", path.display(), n + 1), e)
                })?);
            }
            given
        }
    };
    let state = build_state(config, Clock::system()).await?;
    match audit::verify_anchored(&state.db, &state.keys, &given).await? {
        Verdict::Intact {
            events,
            checkpoints,
            unanchored,
        } => {
            println!(
                "audit trail intact: {events} events, {checkpoints} checkpoints match; {unanchored} events after the newest checkpoint"
            );
            Ok(())
        }
        Verdict::Broken { id, what, reason } => Err(StartError::Config(format!(
            "audit trail broken ({}) at event {id}: {reason}",
            what.as_str()
        ))),
    }
}

/// `audit checkpoint`: a checkpoint of the head now, printed as one JSON line (and appended to
/// `out`).
async fn audit_checkpoint(config: Config, out: Option<&Path>) -> Result<(), StartError> {
    let state = build_state(config, Clock::system()).await?;
    let checkpoint = state
        .write("cli".into(), async |txn, ctx| {
            Ok(crate::services::audit::checkpoint(txn, ctx.keys, ctx.now, false).await?)
        })
        .await
        .map_err(|e| failed("checkpoint", e.cause.unwrap_or(e.message)))?
        .ok_or_else(|| failed("checkpoint", "none written"))?;
    let line = serde_json::to_string(&checkpoint).map_err(|e| failed("checkpoint", e))?;
    if let Some(path) = out {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(file, "{line}")?;
    }
    println!("{line}");
    Ok(())
}

fn failed(what: &str, e: impl std::fmt::Display) -> StartError {
    StartError::Config(format!("{what}: {e}"))
}

async fn serve(config: Config, args: ServeArgs) -> Result<(), StartError> {
    let app = Application::build(config, Clock::system()).await?;
    if args.demo {
        seed_demo(app.state()).await?;
    }
    tracing::info!(addr = %app.local_addr()?, search.engine = app.state().search.kind(), "listening");
    match app.metrics_addr() {
        Some(addr) => tracing::info!(addr = %addr?, "serving /metrics"),
        None if app.state().config.metrics_token.is_none() => tracing::warn!(
            "/metrics is refused: set XINYONG_METRICS_TOKEN or XINYONG_METRICS_ADDR to serve it"
        ),
        None => {}
    }
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(())
}

async fn seed_demo(state: &AppState) -> Result<(), StartError> {
    let started = Instant::now();
    match crate::seed::demo(state)
        .await
        .map_err(|e| failed("demo data", e))?
    {
        Some(report) => {
            tracing::info!(
                subjects = report.subjects,
                entries = report.entries,
                notices = report.notices,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "demo data loaded"
            );
            reindex(state).await?;
            if state.config.admin_token.is_none() {
                // A fresh demo site needs a way into the office: an admin with a console login
                // and a bearer token, both generated and shown only this once.
                let password = crate::crypto::generate_token();
                let txn = crate::db::begin_write(&state.db).await?;
                let ctx = state.write_ctx("demo".into());
                let new = crate::services::staff::NewStaff {
                    name: "demo administrator".into(),
                    role: StaffRole::Admin,
                    login: Some(("admin".into(), password.clone())),
                    totp_required: false,
                    token_expires_at: ctx.now
                        + chrono::Duration::days(i64::from(state.config.token_days)),
                };
                let (_, token) = crate::services::staff::create(&txn, &ctx, new)
                    .await
                    .map_err(|e| StartError::Config(e.message))?;
                txn.commit().await?;
                println!("demo console login `admin`, password (shown only this once): {password}");
                println!("demo admin token (shown only this once): {token}");
            }
            Ok(())
        }
        None => {
            tracing::info!("the database already has subjects: demo data not loaded");
            Ok(())
        }
    }
}

async fn seed(config: Config, args: SeedArgs) -> Result<(), StartError> {
    let state = build_state(config, Clock::system()).await?;
    if args.demo {
        return seed_demo(&state).await;
    }
    let n = args.synthetic.unwrap_or(0);
    let bar = ProgressBar::new(n).with_style(bar_style());
    bar.set_message("subjects");
    let started = Instant::now();
    let report = crate::seed::synthetic(&state, n, &|done| bar.set_position(done))
        .await
        .map_err(|e| failed("synthetic data", e))?;
    bar.finish();
    eprintln!(
        "seeded {} subjects, {} entries in {:.1}s",
        report.subjects,
        report.entries,
        started.elapsed().as_secs_f64()
    );
    reindex(&state).await
}

async fn import(config: Config, args: ImportArgs) -> Result<(), StartError> {
    let state = build_state(config, Clock::system()).await?;
    let rejected = args
        .rejected
        .unwrap_or_else(|| crate::import::default_rejected_path(&args.file));
    let bar = ProgressBar::new(0).with_style(bar_style());
    bar.set_message("rows");
    let started = Instant::now();
    let report = crate::import::run(
        &state,
        &args.file,
        &args.agency,
        &rejected,
        &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .await
    .map_err(|e| failed("import", e))?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} rows in {seconds:.1}s ({:.0} rows/s): {} accepted, {} updated, {} held for review, {} unchanged, {} rejected",
        report.rows,
        report.rows as f64 / seconds.max(1e-9),
        report.accepted,
        report.updated,
        report.held_for_review,
        report.unchanged,
        report.rejected
    );
    if let Some(path) = &report.rejected_file {
        eprintln!(
            "rejected rows, with their line and reason: {} (fix them and import that file again)",
            path.display()
        );
    }
    // The search outbox rows are in the database: the server's indexer applies them (this
    // process does not write the embedded index, which the running server owns).
    Ok(())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

async fn reindex(state: &AppState) -> Result<(), StartError> {
    let bar = ProgressBar::new(0).with_style(bar_style());
    let started = Instant::now();
    let report = crate::workers::reindex::reindex(state, &|index, done, total| {
        bar.set_message(index.to_owned());
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .map_err(|e| failed("reindex", e))?;
    bar.finish_and_clear();
    eprintln!(
        "reindexed {} subjects, {} entries, {} notices in {:.1}s",
        report.subjects,
        report.entries,
        report.notices,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn token_create(config: Config, role: StaffRole, name: String) -> Result<(), StartError> {
    let state = build_state(config, Clock::system()).await?;
    let days = i64::from(state.config.token_days);
    let (member, token) = state
        .write("cli".into(), async |txn, ctx| {
            let new = crate::services::staff::NewStaff {
                name,
                role,
                login: None,
                totp_required: false,
                token_expires_at: ctx.now + chrono::Duration::days(days),
            };
            crate::services::staff::create(txn, ctx, new).await
        })
        .await
        .map_err(|e| StartError::Config(e.message))?;
    eprintln!(
        "created staff member {} ({role:?}); the token (valid {days} days) is shown only this once:",
        member.id
    );
    println!("{token}");
    Ok(())
}

async fn token_list(config: Config) -> Result<(), StartError> {
    let state = build_state(config, Clock::system()).await?;
    let members: std::collections::HashMap<_, _> = crate::services::staff::list(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let now = state.clock.now();
    println!("id\tstaff\trole\tname\tcreated\texpires\tlast used\tstate");
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "-".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    for t in crate::services::staff::tokens(&state.db, None).await? {
        let member = members.get(&t.staff_id);
        let state = if t.revoked_at.is_some() {
            "revoked"
        } else if member.is_some_and(|m| m.disabled_at.is_some()) {
            "staff disabled"
        } else if t.expires_at.is_some_and(|e| e <= now) {
            "expired"
        } else {
            "active"
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{state}",
            t.id,
            member.map_or("?", |m| m.name.as_str()),
            member.map_or_else(
                || "?".to_owned(),
                |m| crate::services::projection::enum_str(m.role)
            ),
            t.name,
            time(Some(t.created_at)),
            time(t.expires_at),
            time(t.last_used_at),
        );
    }
    Ok(())
}

async fn token_revoke(config: Config, id: entity::StaffTokenId) -> Result<(), StartError> {
    let state = build_state(config, Clock::system()).await?;
    let token = state
        .write("cli".into(), async |txn, ctx| {
            crate::services::staff::revoke_token(txn, ctx, id, None).await
        })
        .await
        .map_err(|e| StartError::Config(e.message))?;
    eprintln!("token {} ({}) is revoked", token.id, token.name);
    Ok(())
}
