//! Database connection, migrations, and the write-transaction helper.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Connects to the database, creating the SQLite file's directory if needed.
pub async fn connect(url: &str, pool: u32) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool.max(1))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            // WAL lets readers run beside the one writer; the busy timeout makes a second writer
            // wait instead of failing; foreign keys are off by default in SQLite.
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
        });
    Database::connect(options).await
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Begins a write transaction. On SQLite it takes the write lock at `BEGIN` (`IMMEDIATE`), so two
/// writers queue on the busy timeout instead of one failing when it upgrades from reading.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The jobs that take turns across server instances on one PostgreSQL database, each named by a
/// fixed advisory-lock key (arbitrary constants, distinct from the audit chain's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// A batch of the search indexer: one batch at a time, so that the engine receives the
    /// documents in the order their states were read (see [`crate::workers::indexer`]).
    Indexer,
    /// A batch of the expiry worker: two instances never expire the same entry twice.
    Expiry,
    /// A rebuild of the search index from the database: one at a time, whichever instance
    /// was asked.
    Rebuild,
}

impl Turn {
    fn key(self) -> i64 {
        match self {
            Turn::Indexer => 0x0058_5949_4e44_4558,
            Turn::Expiry => 0x0058_5945_5850_4952,
            Turn::Rebuild => 0x0058_5952_4542_4c44,
        }
    }
}

/// Waits for `turn` and holds it until the transaction `txn` ends (PostgreSQL:
/// `pg_advisory_xact_lock`, which the server releases at commit, rollback, or when the
/// connection drops, so a crashed instance never keeps it). Nothing on SQLite, where one server
/// writes (see [`crate::startup`]).
pub async fn take_turn(txn: &DatabaseTransaction, turn: Turn) -> Result<(), DbErr> {
    if is_postgres(txn) {
        txn.execute_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({})", turn.key()),
        ))
        .await?;
    }
    Ok(())
}

/// Whether a connection is PostgreSQL.
pub fn is_postgres(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Whether an error is a unique-constraint violation (on either database).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}
